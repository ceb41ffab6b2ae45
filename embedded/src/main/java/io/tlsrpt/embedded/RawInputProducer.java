package io.tlsrpt.embedded;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Future;

import io.tlsrpt.connect.record.RawRecords;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes raw inputs to the raw topic with the project's raw-record contract: key = lower-case hex sha-256 of the
 * payload, value = the bytes as received, headers {@code tlsrpt.source}, {@code tlsrpt.received-at},
 * {@code content-type}, {@code tlsrpt.origin} and optionally {@code tlsrpt.file-name}. Batches and compresses, so
 * that tens of thousands of small files go in quickly.
 */
public final class RawInputProducer implements AutoCloseable {

    /** Header names of the raw-record contract: the ingest connector's, so that both producers agree. */
    public static final String SOURCE = RawRecords.HEADER_SOURCE;
    public static final String RECEIVED_AT = RawRecords.HEADER_RECEIVED_AT;
    public static final String CONTENT_TYPE = RawRecords.HEADER_CONTENT_TYPE;
    public static final String ORIGIN = RawRecords.HEADER_ORIGIN;
    public static final String FILE_NAME = RawRecords.HEADER_FILE_NAME;

    /** Largest record the producer sends; the embedded broker must accept it too ({@code message.max.bytes}). */
    public static final int MAX_RECORD_BYTES = 16 * 1024 * 1024;

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final String source;
    private final java.util.concurrent.atomic.AtomicReference<Exception> firstFailure =
        new java.util.concurrent.atomic.AtomicReference<>();
    private final java.util.concurrent.atomic.AtomicLong failures = new java.util.concurrent.atomic.AtomicLong();

    /**
     * @param clientProperties at least {@code bootstrap.servers}; batching settings are added unless given
     * @param topic            the raw topic
     * @param source           the {@code tlsrpt.source} value ({@code cli}, {@code spool}, ...)
     */
    public RawInputProducer(Map<String, Object> clientProperties, String topic, String source) {
        Map<String, Object> props = new java.util.HashMap<>(clientProperties);
        props.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
        props.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(MAX_RECORD_BYTES + 64 * 1024));
        props.putIfAbsent(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(64L * 1024 * 1024));
        // One request in flight: on a topic created a moment ago the broker can refuse the first request of a
        // partition while later ones succeed (KAFKA-15591), and the retried batch then expires: records lost.
        props.putIfAbsent(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        this.topic = topic;
        this.source = source;
    }

    /**
     * Sends one raw input; blocks only when the producer's buffer is full. A failed send is remembered and reported
     * by {@link #flush()}.
     */
    public Future<RecordMetadata> send(byte[] payload, String contentType, String origin, String fileName,
                                       Instant receivedAt) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(SOURCE, utf8(source));
        headers.add(RECEIVED_AT, utf8(receivedAt.toString()));
        headers.add(CONTENT_TYPE, utf8(contentType));
        headers.add(ORIGIN, utf8(origin));
        if (fileName != null) {
            headers.add(FILE_NAME, utf8(fileName));
        }
        return producer.send(new ProducerRecord<>(topic, null, receivedAt.toEpochMilli(), sha256Hex(payload),
            payload, headers), this::remember);
    }

    /**
     * Sends a raw input again as it was first written (a dead letter re-driven to the raw topic): its key, bytes,
     * headers and timestamp are kept, so it is judged by its first arrival. Failures as for {@link #send}.
     */
    public Future<RecordMetadata> resend(String key, byte[] payload, Headers headers, long timestamp) {
        return producer.send(new ProducerRecord<>(topic, null, timestamp, key, payload, headers), this::remember);
    }

    private void remember(RecordMetadata metadata, Exception exception) {
        if (exception != null) {
            failures.incrementAndGet();
            firstFailure.compareAndSet(null, exception);
        }
    }

    /**
     * Waits until everything sent so far is acknowledged.
     *
     * @throws IllegalStateException when any send failed (the message tells how many, the cause is the first)
     */
    public void flush() {
        producer.flush();
        Exception failure = firstFailure.get();
        if (failure != null) {
            throw new IllegalStateException(failures.get() + " raw record(s) could not be written to " + topic,
                failure);
        }
    }

    /**
     * Waits until everything sent so far is acknowledged or has failed, without judging: each send's future (or
     * {@link #flush()}) tells which.
     */
    public void awaitSent() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }

    /** Lower-case hex sha-256: the raw record key (the ingest connector's function). */
    public static String sha256Hex(byte[] payload) {
        return RawRecords.sha256Hex(payload);
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
