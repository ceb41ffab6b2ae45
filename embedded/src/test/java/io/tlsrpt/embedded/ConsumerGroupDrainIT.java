package io.tlsrpt.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The raw-record producer and the drain check against a real embedded broker. */
class ConsumerGroupDrainIT {

    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start(dir);
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    @Test
    void producesRawRecordsWithTheContractHeadersAndKey() {
        byte[] payload = "{\"organization-name\":\"x\"}".getBytes(StandardCharsets.UTF_8);
        try (RawInputProducer producer = new RawInputProducer(kafka.clientProperties(), "raw-contract", "cli")) {
            producer.send(payload, ContentTypes.guess("a.json"), "/tmp/a.json", "a.json",
                Instant.parse("2026-01-02T03:04:05Z"));
            producer.flush();
        }
        List<ConsumerRecord<String, byte[]>> records = readAll("raw-contract", 1);
        ConsumerRecord<String, byte[]> r = records.get(0);
        assertThat(r.key()).isEqualTo(RawInputProducer.sha256Hex(payload)).hasSize(64).matches("[0-9a-f]+");
        assertThat(r.value()).isEqualTo(payload);
        Map<String, String> headers = new HashMap<>();
        for (Header h : r.headers()) {
            headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
        }
        assertThat(headers).containsEntry("tlsrpt.source", "cli")
            .containsEntry("tlsrpt.received-at", "2026-01-02T03:04:05Z")
            .containsEntry("content-type", "application/tlsrpt+json")
            .containsEntry("tlsrpt.origin", "/tmp/a.json")
            .containsEntry("tlsrpt.file-name", "a.json");
    }

    @Test
    void drainedOnlyOnceTheGroupCommittedEverythingEvenBehindTransactionMarkers() throws Exception {
        Map<String, Object> props = kafka.clientProperties();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "drain-test");
        try (KafkaProducer<String, String> producer =
                 new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("drain-in", "k" + i, "v" + i));
            }
            producer.commitTransaction();
        }
        try (ConsumerGroupDrain drain = new ConsumerGroupDrain(kafka.clientProperties(), "drain-group",
            t -> t.equals("drain-in"))) {
            assertThat(drain.drained()).isFalse();
            assertThat(drain.lag()).containsEntry("drain-in", 11L);   // 10 records and the commit marker

            Map<String, Object> c = kafka.clientProperties();
            c.put(ConsumerConfig.GROUP_ID_CONFIG, "drain-group");
            c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of("drain-in"));
                List<ConsumerRecord<String, String>> seen = new ArrayList<>();
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    consumer.poll(Duration.ofMillis(100)).forEach(seen::add);
                    return seen.size() >= 5;
                });
                // commit right after the fifth record: half-way
                consumer.commitSync(Map.of(new TopicPartition("drain-in", 0), new OffsetAndMetadata(5)));
                assertThat(drain.drained()).isFalse();
                // commit just past the last record, not past the marker: what exactly-once consumers do
                consumer.commitSync(Map.of(new TopicPartition("drain-in", 0), new OffsetAndMetadata(10)));
                assertThat(drain.lag()).containsEntry("drain-in", 0L);
                assertThat(drain.drained()).isTrue();
            }
        }
    }

    @Test
    void partitionsShortOnlyByMarkersCountAsDrainedBesideOneWithDataLeftAndAgainOnTheNextCall() throws Exception {
        String topic = "drain-multi";
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Map<String, Object> props = kafka.clientProperties();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "drain-multi-test");
        try (KafkaProducer<String, String> producer =
                 new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int partition = 0; partition < 3; partition++) {
                for (int i = 0; i < 5; i++) {
                    producer.send(new ProducerRecord<>(topic, partition, "k" + i, "v" + i));
                }
            }
            producer.commitTransaction();   // each partition: records at 0-4, the commit marker at 5
        }
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            // partitions 0 and 1 consumed up to their markers, partition 2 one record short of its marker
            admin.alterConsumerGroupOffsets("drain-multi-group", Map.of(
                new TopicPartition(topic, 0), new OffsetAndMetadata(5),
                new TopicPartition(topic, 1), new OffsetAndMetadata(5),
                new TopicPartition(topic, 2), new OffsetAndMetadata(4))).all().get(30, TimeUnit.SECONDS);
        }
        try (ConsumerGroupDrain drain = new ConsumerGroupDrain(kafka.clientProperties(), "drain-multi-group",
            t -> t.equals(topic))) {
            // partition 2: the record at 4 and the marker (its gap of 2 is probed and holds data)
            assertThat(drain.lag()).containsExactly(Map.entry(topic, 2L));
            // the second call probes the same partitions again (an unchanged assignment, nothing left paused)
            assertThat(drain.lag()).containsExactly(Map.entry(topic, 2L));
            try (Admin admin = Admin.create(kafka.clientProperties())) {
                admin.alterConsumerGroupOffsets("drain-multi-group", Map.of(
                    new TopicPartition(topic, 2), new OffsetAndMetadata(5))).all().get(30, TimeUnit.SECONDS);
            }
            assertThat(drain.lag()).containsExactly(Map.entry(topic, 0L));
            assertThat(drain.drained()).isTrue();
        }
    }

    private static List<ConsumerRecord<String, byte[]>> readAll(String topic, int expected) {
        Map<String, Object> c = kafka.clientProperties();
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "read-" + topic);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                 new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(seen::add);
                return seen.size() >= expected;
            });
        }
        return seen;
    }
}
