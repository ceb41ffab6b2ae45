/**
 * The pieces of a one-machine pipeline run, shared by {@code analyze}, {@code run} and {@code bench}, the benchmarks
 * and the reliability tests.
 *
 * <ul>
 *   <li>{@link io.tlsrpt.embedded.EmbeddedKafka}: a real single-node KRaft broker in this JVM, data kept in a
 *       directory across restarts;</li>
 *   <li>{@link io.tlsrpt.embedded.RawInputProducer}: writes raw inputs to {@code tlsrpt.raw} with the raw-record
 *       contract (sha-256 key, provenance headers), batched;</li>
 *   <li>{@link io.tlsrpt.embedded.ConsumerGroupDrain}: tells when an application's consumer group has consumed
 *       everything in its input and repartition topics (exactly-once aware);</li>
 *   <li>{@link io.tlsrpt.embedded.TopicSnapshot}: reads a topic's committed records without a group;</li>
 *   <li>{@link io.tlsrpt.embedded.ContentTypes}: media type of a report file from its name.</li>
 * </ul>
 */
package io.tlsrpt.embedded;
