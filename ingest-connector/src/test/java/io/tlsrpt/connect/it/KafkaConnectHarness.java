package io.tlsrpt.connect.it;

import io.tlsrpt.connect.TlsRptSourceConnector;
import io.tlsrpt.testkafka.ConnectWorkerSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.Herder;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorInfo;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.apache.kafka.connect.util.FutureCallback;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The run's shared real KRaft cluster ({@link SharedKafkaCluster}) and a real in-process Connect worker running
 * the plugin. Each test gets its own
 * topic, connector name and offsets file.
 */
final class KafkaConnectHarness implements AutoCloseable {
    final String topic;
    final String connector;
    private final KafkaClusterTestKit cluster;
    private final Path offsetsFile;
    private Connect<StandaloneHerder> worker;

    KafkaConnectHarness(Path dir, String name) throws Exception {
        cluster = SharedKafkaCluster.get();
        topic = "tlsrpt.raw." + name;
        connector = "tlsrpt-" + name;
        try (Admin admin = cluster.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        offsetsFile = dir.resolve("connect.offsets");
    }

    void startWorker() {
        Map<String, String> props = workerBasics(cluster.bootstrapServers());
        props.put("offset.storage.file.filename", offsetsFile.toString());
        props.put("offset.flush.interval.ms", "1000");
        props.put("task.shutdown.graceful.timeout.ms", "10000");
        props.put("producer.linger.ms", "5");
        worker = new ConnectStandalone().startConnect(props);
    }

    /** What every test worker has (the raw topic's converters, REST on a free loopback port, service loading). */
    static Map<String, String> workerBasics(String bootstrapServers) {
        return ConnectWorkerSettings.basics(bootstrapServers);
    }

    void putConnector(Map<String, String> config) throws Exception {
        Map<String, String> full = new HashMap<>(config);
        full.put("name", connector);
        full.put("connector.class", TlsRptSourceConnector.class.getName());
        full.put("topic", topic);
        FutureCallback<Herder.Created<ConnectorInfo>> cb = new FutureCallback<>();
        worker.herder().putConnectorConfig(connector, full, true, cb);
        cb.get(30, TimeUnit.SECONDS);
    }

    boolean taskRunning() {
        try {
            var status = worker.herder().connectorStatus(connector);
            return !status.tasks().isEmpty() && status.tasks().stream().allMatch(t -> "RUNNING".equals(t.state()));
        } catch (RuntimeException e) {
            return false;
        }
    }

    String taskState() {
        var status = worker.herder().connectorStatus(connector);
        return status.tasks().toString();
    }

    void stopWorker() {
        if (worker != null) {
            worker.stop();
            worker.awaitStop();
            worker = null;
        }
    }

    /**
     * Caps the connector task's producer with a broker quota (a real broker feature), so that a restart lands
     * while records are still flowing.
     */
    void throttleConnectorProducer(double bytesPerSecond) throws Exception {
        try (Admin admin = cluster.admin()) {
            var entity = new org.apache.kafka.common.quota.ClientQuotaEntity(
                    Map.of(org.apache.kafka.common.quota.ClientQuotaEntity.CLIENT_ID, "connector-producer-" + connector + "-0"));
            var op = new org.apache.kafka.common.quota.ClientQuotaAlteration.Op("producer_byte_rate", bytesPerSecond);
            admin.alterClientQuotas(List.of(new org.apache.kafka.common.quota.ClientQuotaAlteration(entity, List.of(op))))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }

    int brokerId() {
        return cluster.brokers().keySet().iterator().next();
    }

    void stopBroker() {
        var broker = cluster.brokers().get(brokerId());
        broker.shutdown();
        broker.awaitShutdown();
    }

    void startBroker() throws Exception {
        cluster.restartBroker(brokerId(), Map.of());
        cluster.waitForReadyBrokers();
    }

    /** Every record of the topic, from the beginning to the current end. */
    List<ConsumerRecord<String, byte[]>> readAll() {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        return readAll(props, topic);
    }

    /** Every record of partition 0 of {@code topic}, from the beginning to the current end, with {@code props}. */
    static List<ConsumerRecord<String, byte[]>> readAll(Map<String, Object> props, String topic) {
        Map<String, Object> consumerProps = new HashMap<>(props);
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp), Duration.ofSeconds(30)).get(tp);
            while (consumer.position(tp, Duration.ofSeconds(30)) < end) {
                consumer.poll(Duration.ofMillis(500)).forEach(out::add);
            }
        }
        return out;
    }

    static String header(ConsumerRecord<String, byte[]> r, String key) {
        var h = r.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Stops the worker; the shared cluster stays up for the next test. */
    @Override
    public void close() {
        stopWorker();
    }
}
