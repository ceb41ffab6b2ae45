package io.tlsrpt.processor.app;

import io.tlsrpt.schema.serde.AvroSerdes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Raw reports into a topic as the connector writes them, and a topic read back whole, read_committed. */
final class ProcessorTopics {

    private ProcessorTopics() {
    }

    static void produce(String bootstrap, String topic, List<byte[]> payloads) throws Exception {
        produce(connection(bootstrap), topic, payloads);
    }

    /** As {@link #produce(String, String, List)} with {@code client}'s connection (bootstrap, security). */
    static void produce(Properties client, String topic, List<byte[]> payloads) throws Exception {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
                new ByteArraySerializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (byte[] payload : payloads) {
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, sha256(payload), payload);
                record.headers().add("tlsrpt.source", "cli".getBytes(StandardCharsets.UTF_8));
                record.headers().add("tlsrpt.received-at", Instant.now().toString().getBytes(StandardCharsets.UTF_8));
                sent.add(producer.send(record));
            }
            for (Future<RecordMetadata> f : sent) {
                f.get();   // in order, like one send().get() after another, without a round trip each
            }
        }
    }

    static <V> List<ConsumerRecord<String, V>> readAll(String bootstrap, String topic, String registry, Class<V> type) {
        return readAll(connection(bootstrap), topic, registry, type);
    }

    /** As {@link #readAll(String, String, String, Class)} with {@code client}'s connection (bootstrap, security). */
    @SuppressWarnings("unchecked")
    static <V> List<ConsumerRecord<String, V>> readAll(Properties client, String topic, String registry, Class<V> type) {
        Deserializer<V> values;
        if (type == null) {
            values = (Deserializer<V>) new StringDeserializer();
        } else if (type == byte[].class) {
            values = (Deserializer<V>) new org.apache.kafka.common.serialization.ByteArrayDeserializer();
        } else {
            values = (Deserializer<V>) AvroSerdes.forClass(
                    (Class<? extends org.apache.avro.specific.SpecificRecord>) type, registry, false).deserializer();
        }
        Properties p = new Properties();
        p.putAll(client);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<String, V>> out = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(p, new StringDeserializer(), values)) {
            List<org.apache.kafka.common.TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(i -> new org.apache.kafka.common.TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(partitions);
            // generous: on a loaded 2-core machine the first fetch alone took seconds (an empty read failed once)
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline
                    && partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    private static Properties connection(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return p;
    }

    private static String sha256(byte[] payload) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload));
    }
}
