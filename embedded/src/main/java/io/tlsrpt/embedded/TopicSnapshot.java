package io.tlsrpt.embedded;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the committed content of a topic as it is now: every partition from its beginning to its current end,
 * without a consumer group. For summaries and for printing a finished run's output.
 */
public final class TopicSnapshot {

    private static final Duration READ_TIMEOUT = Duration.ofMinutes(2);

    private TopicSnapshot() {
    }

    /** Calls {@code action} for every committed record, partition by partition, in offset order. */
    public static long forEach(Map<String, Object> clientProperties, String topic,
                               Consumer<ConsumerRecord<byte[], byte[]>> action) {
        return forEach(clientProperties, topic, null, action);
    }

    /**
     * As {@link #forEach(Map, String, Consumer)}, from each partition's first record stamped at or after {@code from}
     * (null: from the beginning); a partition with none is skipped.
     */
    public static long forEach(Map<String, Object> clientProperties, String topic, Instant from,
                               Consumer<ConsumerRecord<byte[], byte[]>> action) {
        long count = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = readCommittedConsumer(clientProperties)) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            if (partitions.isEmpty()) {
                return 0;
            }
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> starts = new HashMap<>();
            if (from == null) {
                consumer.beginningOffsets(partitions).forEach(starts::put);
            } else {
                Map<TopicPartition, Long> at = new HashMap<>();
                partitions.forEach(tp -> at.put(tp, Math.max(0, from.toEpochMilli())));
                consumer.offsetsForTimes(at).forEach((tp, found) -> starts.put(tp, found == null ? ends.get(tp)
                    : found.offset()));
            }
            for (TopicPartition tp : partitions) {
                long end = ends.get(tp);
                if (starts.get(tp) >= end) {
                    continue;
                }
                consumer.assign(List.of(tp));
                consumer.seek(tp, starts.get(tp));
                long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
                while (consumer.position(tp) < end) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("timed out reading " + tp + " up to offset " + end);
                    }
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        if (r.offset() < end) {
                            action.accept(r);
                            count++;
                        }
                    }
                }
            }
        }
        return count;
    }

    /**
     * A consumer that reads only committed records, outside any consumer group (it commits nothing, so it moves
     * nothing for the topic's other readers), and never creates a topic.
     */
    public static KafkaConsumer<byte[], byte[]> readCommittedConsumer(Map<String, Object> clientProperties) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Whether the topic exists (has partitions) on the cluster, as this principal may see it. */
    public static boolean exists(Map<String, Object> clientProperties, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = readCommittedConsumer(clientProperties)) {
            return !partitions(consumer, topic).isEmpty();
        }
    }

    /** The topic's partitions in partition order; empty when the topic does not exist. */
    public static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null) {
            return List.of();
        }
        return infos.stream().map(p -> new TopicPartition(topic, p.partition()))
            .sorted(Comparator.comparingInt(TopicPartition::partition)).toList();
    }

    /**
     * Every committed record of the topic in the order written: offset order for a single partition; with several
     * partitions, merged by timestamp (then partition, then offset).
     */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(Map<String, Object> clientProperties, String topic) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        forEach(clientProperties, topic, records::add);
        if (records.stream().mapToInt(ConsumerRecord::partition).distinct().count() <= 1) {
            return records;
        }
        records.sort(Comparator.<ConsumerRecord<byte[], byte[]>>comparingLong(ConsumerRecord::timestamp)
            .thenComparingInt(ConsumerRecord::partition).thenComparingLong(ConsumerRecord::offset));
        return records;
    }

    /** Number of committed records in the topic (0 when it does not exist). */
    public static long count(Map<String, Object> clientProperties, String topic) {
        return forEach(clientProperties, topic, r -> { });
    }
}
