package io.tlsrpt.reliability;

import io.tlsrpt.embedded.RawInputProducer;
import io.tlsrpt.embedded.TopicSnapshot;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** What the raw topic holds, as the stream processor reads it (read_committed), and what a careless reader sees. */
final class RawTopicContent {

    /** One raw record: its key, the sha-256 of its value, and the connector's headers (null when absent). */
    record Raw(String key, String payloadSha256, String source, String origin, String fileName) {
    }

    private RawTopicContent() {
    }

    /** Every committed record, in offset order (one partition). */
    static List<Raw> committed(Map<String, Object> clientProperties, String topic) {
        List<Raw> records = new ArrayList<>();
        TopicSnapshot.forEach(clientProperties, topic, r -> records.add(new Raw(
                new String(r.key(), StandardCharsets.UTF_8), RawInputProducer.sha256Hex(r.value()),
                header(r.headers().lastHeader("tlsrpt.source")), header(r.headers().lastHeader("tlsrpt.origin")),
                header(r.headers().lastHeader("tlsrpt.file-name")))));
        return records;
    }

    /**
     * Data records a read_uncommitted consumer sees up to the high watermark: the committed ones plus those of
     * aborted (or still open) transactions, such as the batch a killed worker had sent but not committed.
     */
    static long uncommittedCount(Map<String, Object> clientProperties, String topic) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        TopicPartition tp = new TopicPartition(topic, 0);
        long count = 0;
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (consumer.position(tp) < end) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("timed out reading " + tp + " up to offset " + end);
                }
                count += consumer.poll(Duration.ofMillis(200)).records(tp).stream()
                        .filter(r -> r.offset() < end).count();
            }
        }
        return count;
    }

    private static String header(Header h) {
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
