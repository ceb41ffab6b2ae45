package io.tlsrpt.cli.bench;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The floor of the pipeline benchmark: a plain consume-and-produce copy of the raw topic to another topic with the
 * same partitions, on one thread, with the processing guarantee and client settings Kafka Streams gives the
 * application (exactly-once: a transactional producer, offsets committed in the transaction every commit interval,
 * read-committed consumer; {@code linger.ms=100} and {@code max.poll.records=1000} as Streams sets them) and the
 * processor's producer compression ({@code lz4} unless its settings say otherwise).
 */
final class CopyFloor {

    /** What a copy took. */
    record Result(long records, long bytes, long firstRecordNanos, long doneNanos, long startNanos) {
        double seconds() {
            return (doneNanos - firstRecordNanos) / 1e9;
        }
    }

    private CopyFloor() {
    }


    /**
     * Copies {@code from} starting at {@code startOffsets} (per partition; the beginning where absent) up to its end
     * offsets at the call: the records a warmed-up processor will read after the ones it has already processed.
     */
    static Result copy(Map<String, Object> client, String from, Map<TopicPartition, Long> startOffsets, String to,
                       boolean exactlyOnce, Duration commitInterval, String compression, String groupId) {
        Map<String, Object> c = new HashMap<>(client);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1000");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, exactlyOnce ? "read_committed" : "read_uncommitted");
        Map<String, Object> p = new HashMap<>(client);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "100");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(17 * 1024 * 1024));
        if (exactlyOnce) {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, groupId + "-0");
            p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "10000");
        }
        long start = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                 new ByteArraySerializer())) {
            if (exactlyOnce) {
                producer.initTransactions();
            }
            List<PartitionInfo> partitions = consumer.partitionsFor(from);
            Set<TopicPartition> tps = partitions.stream().map(i -> new TopicPartition(from, i.partition()))
                .collect(Collectors.toSet());
            Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
            consumer.subscribe(List.of(from), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
                    assigned.stream().filter(startOffsets::containsKey)
                        .forEach(tp -> consumer.seek(tp, startOffsets.get(tp)));
                }

                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
                    // a single member: nothing to hand over
                }
            });
            long records = 0;
            long bytes = 0;
            long first = 0;
            long lastCommit = System.nanoTime();
            boolean open = false;
            Map<TopicPartition, OffsetAndMetadata> pending = new HashMap<>();
            Map<TopicPartition, Long> committed = new HashMap<>(startOffsets);
            while (!reached(committed, ends)) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(100));
                if (!batch.isEmpty()) {
                    if (first == 0) {
                        first = System.nanoTime();
                    }
                    if (exactlyOnce && !open) {
                        producer.beginTransaction();
                        open = true;
                    }
                    for (ConsumerRecord<byte[], byte[]> r : batch) {
                        producer.send(new ProducerRecord<>(to, r.partition(), r.timestamp(), r.key(), r.value(),
                            r.headers()));
                        records++;
                        bytes += r.serializedValueSize();
                    }
                    for (TopicPartition tp : batch.partitions()) {
                        List<ConsumerRecord<byte[], byte[]>> rs = batch.records(tp);
                        pending.put(tp, new OffsetAndMetadata(rs.get(rs.size() - 1).offset() + 1));
                    }
                }
                boolean due = System.nanoTime() - lastCommit >= commitInterval.toNanos();
                boolean caughtUp = reachedPending(pending, committed, ends);
                if (!pending.isEmpty() && (due || caughtUp)) {
                    if (exactlyOnce) {
                        producer.sendOffsetsToTransaction(pending, consumer.groupMetadata());
                        producer.commitTransaction();
                        open = false;
                    } else {
                        producer.flush();
                        consumer.commitSync(pending);
                    }
                    pending.forEach((tp, o) -> committed.put(tp, o.offset()));
                    pending.clear();
                    lastCommit = System.nanoTime();
                }
            }
            return new Result(records, bytes, first == 0 ? start : first, System.nanoTime(), start);
        }
    }

    private static boolean reached(Map<TopicPartition, Long> committed, Map<TopicPartition, Long> ends) {
        for (var e : ends.entrySet()) {
            // the raw topic is written without transactions: its end offset is one past its last record
            if (committed.getOrDefault(e.getKey(), 0L) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static boolean reachedPending(Map<TopicPartition, OffsetAndMetadata> pending,
                                          Map<TopicPartition, Long> committed, Map<TopicPartition, Long> ends) {
        Map<TopicPartition, Long> merged = new HashMap<>(committed);
        pending.forEach((tp, o) -> merged.put(tp, o.offset()));
        return reached(merged, ends);
    }
}
