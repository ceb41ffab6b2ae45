package io.tlsrpt.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaIT {

    @TempDir
    Path dir;

    @Test
    void keepsClusterIdAndDataAcrossRestartsOnTheSameDirectory() throws Exception {
        String clusterId;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir)) {
            clusterId = kafka.clusterId();
            assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");
            produce(kafka, "first");
            assertThat(consumeAll(kafka, 1)).containsExactly("k=first");
        }
        assertThat(dir.resolve(EmbeddedKafka.LOG_DIR_NAME).resolve("meta.properties")).isRegularFile();

        try (EmbeddedKafka again = EmbeddedKafka.start(dir)) {
            assertThat(again.clusterId()).isEqualTo(clusterId);
            assertThat(consumeAll(again, 1)).containsExactly("k=first");
            produce(again, "second");
            assertThat(consumeAll(again, 2)).containsExactly("k=first", "k=second");
        }
    }

    @Test
    void supportsTransactionsOnASingleNode() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder(dir).defaultPartitions(3).start()) {
            Map<String, Object> props = kafka.clientProperties();
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "embedded-test-tx");
            try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("t", "k", "tx"));
                producer.commitTransaction();
            }
            assertThat(consumeAll(kafka, 1)).containsExactly("k=tx");
        }
    }

    @Test
    void refusesToStartOnAPortInUse() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir)) {
            int port = Integer.parseInt(kafka.bootstrapServers().substring("127.0.0.1:".length()));
            Path other = Files.createDirectory(dir.resolve("other"));
            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> EmbeddedKafka.builder(other.resolve("data")).brokerPort(port).start())
                .isInstanceOf(RuntimeException.class);
        }
    }

    private static void produce(EmbeddedKafka kafka, String value) throws Exception {
        try (KafkaProducer<String, String> producer =
                 new KafkaProducer<>(kafka.clientProperties(), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("t", "k", value)).get();
        }
    }

    private static List<String> consumeAll(EmbeddedKafka kafka, int expected) {
        Properties props = new Properties();
        props.putAll(kafka.clientProperties());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + java.util.UUID.randomUUID());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<String> seen = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                 new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("t"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (seen.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    seen.add(r.key() + "=" + r.value());
                }
            }
        }
        return seen;
    }
}
