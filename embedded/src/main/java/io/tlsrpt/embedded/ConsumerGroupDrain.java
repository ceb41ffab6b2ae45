package io.tlsrpt.embedded;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Tells when a consumer group (a Kafka Streams application id) has consumed everything in its input topics: the
 * committed offsets of the group have reached the end offsets of every partition of the watched topics.
 *
 * <p>Committed offsets are read before end offsets, so a chain of repartition topics is drained only when every
 * link is. A partition whose committed offset is short of the end only by transaction markers or aborted records
 * (as happens with exactly-once) counts as drained: a read-committed consumer finds no record there. That probe
 * runs only where it can matter: when the gap is at most {@link #MARKER_SLACK} offsets, or when the group's offset
 * has not moved since the previous call; a larger gap that is moving is reported as lag directly.
 */
public final class ConsumerGroupDrain implements AutoCloseable {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    /** Gap between committed and end offsets that may consist of transaction markers only. */
    static final long MARKER_SLACK = 2;

    private final Map<TopicPartition, Long> previousCommitted = new HashMap<>();

    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> probe;
    private final String groupId;
    private final Predicate<String> watchedTopics;

    /**
     * The topics a stream processor has read once everything it was given is aggregated: its input topic
     * {@code raw} and the repartition topics of its application (Kafka Streams names them
     * {@code <applicationId>-...-repartition}). Decoded is not enough: the records repartitioned by domain may still
     * be unread.
     */
    public static Predicate<String> rawAndRepartitionTopics(String raw, String applicationId) {
        String internal = applicationId + "-";
        return t -> t.equals(raw) || (t.startsWith(internal) && t.endsWith("-repartition"));
    }

    /**
     * @param clientProperties {@code bootstrap.servers} and any security settings
     * @param groupId          the consumer group (Kafka Streams: the application id)
     * @param watchedTopics    which topics to watch (e.g. the input topic and the application's repartition topics)
     */
    public ConsumerGroupDrain(Map<String, Object> clientProperties, String groupId, Predicate<String> watchedTopics) {
        this.admin = Admin.create(clientProperties);
        Map<String, Object> consumerProps = new HashMap<>(clientProperties);
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumerProps.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.probe = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.groupId = groupId;
        this.watchedTopics = watchedTopics;
    }

    /** Records of the watched topics not yet consumed by the group (0 when drained), per topic. */
    public Map<String, Long> lag() {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            Set<String> topics = new java.util.TreeSet<>(admin.listTopics().names()
                .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            topics.removeIf(watchedTopics.negate());
            Map<String, Long> lag = new java.util.TreeMap<>();
            if (topics.isEmpty()) {
                return lag;
            }
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            for (TopicDescription d : admin.describeTopics(topics).allTopicNames()
                .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).values()) {
                d.partitions().forEach(p -> request.put(new TopicPartition(d.name(), p.partition()),
                    OffsetSpec.latest()));
            }
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .forEach((tp, info) -> ends.put(tp, info.offset()));
            List<TopicPartition> behind = new ArrayList<>();
            for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                long position = c == null ? 0 : c.offset();
                lag.merge(e.getKey().topic(), 0L, Long::sum);
                if (position < e.getValue()) {
                    behind.add(e.getKey());
                }
            }
            Map<TopicPartition, Long> toProbe = new HashMap<>();
            for (TopicPartition tp : behind) {
                OffsetAndMetadata c = committed.get(tp);
                long position = c == null ? 0 : c.offset();
                long end = ends.get(tp);
                boolean stalled = Long.valueOf(position).equals(previousCommitted.get(tp));
                if (end - position <= MARKER_SLACK || stalled) {
                    toProbe.put(tp, position);
                } else {
                    lag.merge(tp.topic(), end - position, Long::sum);
                }
            }
            committedRecordsAfter(toProbe, ends)
                .forEach((tp, remaining) -> lag.merge(tp.topic(), remaining, Long::sum));
            committed.forEach((tp, c) -> previousCommitted.put(tp, c.offset()));
            return lag;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the progress of group " + groupId, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the progress of group " + groupId, e);
        }
    }

    /** True when {@link #lag()} is zero for every watched topic and at least one watched topic exists. */
    public boolean drained() {
        Map<String, Long> lag = lag();
        return !lag.isEmpty() && lag.values().stream().allMatch(l -> l == 0);
    }

    /**
     * For each partition, the committed records in [from, end): end - from when data lies there, else 0. All the
     * partitions are probed at once (one by one, a dozen partitions each waiting for a poll took seconds per check).
     */
    private Map<TopicPartition, Long> committedRecordsAfter(Map<TopicPartition, Long> from,
                                                            Map<TopicPartition, Long> ends) {
        Map<TopicPartition, Long> remaining = new HashMap<>();
        if (from.isEmpty()) {
            return remaining;
        }
        probe.assign(from.keySet());
        probe.resume(from.keySet());   // an unchanged assignment keeps the pauses of the previous call
        from.forEach(probe::seek);
        Set<TopicPartition> open = new HashSet<>(from.keySet());
        long deadline = System.nanoTime() + CALL_TIMEOUT.toNanos();
        while (!open.isEmpty() && System.nanoTime() < deadline) {
            ConsumerRecords<byte[], byte[]> records = probe.poll(Duration.ofMillis(100));
            for (TopicPartition tp : records.partitions()) {
                long end = ends.get(tp);
                if (open.remove(tp)) {
                    // a record before the end is data the group has not consumed; one at or after it arrived since
                    // the end offsets were read, so [from, end) held markers or aborted records only
                    boolean data = records.records(tp).get(0).offset() < end;
                    remaining.put(tp, data ? end - from.get(tp) : 0L);
                }
            }
            for (Iterator<TopicPartition> it = open.iterator(); it.hasNext(); ) {
                TopicPartition tp = it.next();
                if (probe.position(tp) >= ends.get(tp)) {
                    remaining.put(tp, 0L);   // only transaction markers or aborted records were left
                    it.remove();
                }
            }
            probe.pause(remaining.keySet());
        }
        open.forEach(tp -> remaining.put(tp, ends.get(tp) - from.get(tp)));
        return remaining;
    }

    @Override
    public void close() {
        probe.close();
        admin.close();
    }
}
