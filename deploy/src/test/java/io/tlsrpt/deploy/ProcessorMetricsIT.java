package io.tlsrpt.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tlsrpt.deploy.Workloads.Container;
import io.tlsrpt.processor.app.ProcessorConfig;
import io.tlsrpt.processor.app.TlsRptProcessor;
import io.tlsrpt.testkafka.KafkaTestCluster;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real stream processor, configured with the compose file's settings (only what points at this test's broker,
 * registry, port and directory replaced), on Kafka's in-JVM KRaft broker: it starts, processes a report and a junk
 * record, answers the health paths the Kubernetes probes use, and its /metrics has every kafka_* series the
 * alerting rules and the dashboards use, with the labels they match on.
 */
class ProcessorMetricsIT {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessorMetricsIT.class);

    @TempDir
    Path dir;

    @Test
    void theDeployedSettingsRunAndExposeEveryMetricTheRulesAndDashboardsUse() throws Exception {
        KafkaClusterTestKit cluster = KafkaTestCluster.start(Map.of());
        try {
            Container compose = Workloads.running(Workloads.PROCESSOR_MAIN, Workloads.Target.COMPOSE).get(0);
            Map<String, String> env = new LinkedHashMap<>(Workloads.dockerfileEnv("app"));
            env.putAll(compose.env());
            env.put(envOf(ProcessorConfig.BOOTSTRAP_SERVERS), cluster.bootstrapServers());
            env.put(envOf(ProcessorConfig.SCHEMA_REGISTRY_URL), "mock://deploy-it");
            env.put(envOf(ProcessorConfig.STATE_DIR), Files.createDirectories(dir.resolve("state")).toString());
            env.put(envOf(ProcessorConfig.HTTP_HOST), "127.0.0.1");
            env.put(envOf(ProcessorConfig.HTTP_PORT), "0");
            // as the Kubernetes pods have it (stream-processor.yaml): /metrics and the probes on a port of their own
            assertThat(Workloads.running(Workloads.PROCESSOR_MAIN, Workloads.Target.K8S).get(0).env())
                    .as("the pods' management port").containsKey(envOf(ProcessorConfig.HTTP_MANAGEMENT_PORT));
            env.put(envOf(ProcessorConfig.HTTP_MANAGEMENT_PORT), "0");
            ProcessorConfig config = ProcessorConfig.fromProperties(new Properties(), env);

            try (TlsRptProcessor processor = TlsRptProcessor.start(config)) {
                assertThat(processor.awaitReady(Duration.ofSeconds(90))).as("processor RUNNING").isTrue();
                produce(cluster.bootstrapServers(), config.get(ProcessorConfig.TOPIC_RAW), List.of(
                        resource("reports/rfc8460-appendix-b.json"),
                        "this is not a TLS report".getBytes(StandardCharsets.UTF_8)));
                await().atMost(Duration.ofSeconds(60)).until(() -> processor.counters().rawRecords() >= 2
                        && processor.counters().deadLetters() >= 1 && processor.counters().distinctReports() >= 1);

                URI base = URI.create("http://127.0.0.1:" + processor.managementAddress().getPort());
                URI queries = URI.create("http://127.0.0.1:" + processor.httpAddress().getPort());
                assertThat(get(queries.resolve("/metrics")).statusCode()).as("not on the queries' port").isEqualTo(404);
                assertThat(get(queries.resolve("/v1/incidents")).statusCode()).as("the queries there").isEqualTo(200);
                // the consumer's per-partition lag appears once partitions are assigned and fetched, and Micrometer's
                // Kafka binder picks up new client metrics on its refresh (metrics.kafka.refresh, 15 s; Micrometer's
                // own default of 60 s made this wait a minute)
                await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofSeconds(2)).until(() -> Scrape.parse(get(base.resolve("/metrics")).body())
                        .hasSeries("kafka_consumer_fetch_manager_records_lag", "topic", config.get(ProcessorConfig.TOPIC_RAW)));
                Scrape scrape = Scrape.parse(get(base.resolve("/metrics")).body());
                scrape.samples().stream().filter(l -> l.startsWith("kafka_consumer_fetch_manager_records_lag{"))
                        .forEach(l -> LOG.info("scraped: {}", l));

                Set<String> kafkaNames = new TreeSet<>();
                // the kafka_connect_* series come from the Connect workers (ConnectMetricsIT)
                MetricNamesTest.usedMetrics().keySet().stream()
                        .filter(n -> n.startsWith("kafka_") && !n.startsWith("kafka_connect_")).forEach(kafkaNames::add);
                assertThat(kafkaNames).as("kafka_* metrics used by rules and dashboards").isNotEmpty();
                for (String name : kafkaNames) {
                    assertThat(scrape.families()).as(name + " on the running processor's /metrics").containsKey(name);
                    if (name.contains("_records_lag")) {
                        assertThat(scrape.families().get(name)).as("labels of " + name).contains("topic", "partition");
                    }
                }
                assertThat(scrape.families()).containsKeys("tlsrpt_raw_records_total", "tlsrpt_dead_letters_total",
                        "tlsrpt_served_domains", "tlsrpt_served_domains_reloads_total");
                // the RocksDB budget of the compose file, as the shared cache reports it
                assertThat(scrape.samples()).as("RocksDB memory gauges")
                        .anyMatch(l -> l.startsWith("tlsrpt_rocksdb_memory_limit_bytes ")
                                && Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) == config.rocksDbMemoryBytes())
                        .anyMatch(l -> l.startsWith("tlsrpt_rocksdb_memory_used_bytes "));
                scrape.samples().stream().filter(l -> l.startsWith("kafka_stream_state_block_cache")
                        || l.startsWith("tlsrpt_rocksdb_")).forEach(l -> LOG.info("scraped: {}", l));

                for (String path : probePaths()) {
                    assertThat(get(base.resolve(path)).statusCode()).as("GET " + path).isEqualTo(200);
                }
                Runtime rt = Runtime.getRuntime();
                LOG.info("test JVM (broker + processor) heap used after the run: {} MiB",
                        (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024));
            }
        } finally {
            KafkaTestCluster.close(cluster);
        }
    }

    /** The httpGet paths of the Kubernetes processor container's probes. */
    private static Set<String> probePaths() {
        Container k8s = Workloads.running(Workloads.PROCESSOR_MAIN, Workloads.Target.K8S).get(0);
        Set<String> paths = new TreeSet<>();
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            JsonNode get = k8s.node().path(probe).path("httpGet");
            if (!get.isMissingNode()) {
                paths.add(get.path("path").asText());
            }
        }
        assertThat(paths).contains("/health/live", "/health/ready");
        return paths;
    }

    /** Raw records as the connector writes them: key = hex sha-256 of the payload, provenance headers. */
    private static void produce(String bootstrap, String topic, List<byte[]> payloads) throws Exception {
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            for (byte[] payload : payloads) {
                String key = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload));
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, payload);
                record.headers().add("tlsrpt.source", "cli".getBytes(StandardCharsets.UTF_8));
                record.headers().add("tlsrpt.received-at", Instant.now().toString().getBytes(StandardCharsets.UTF_8));
                record.headers().add("content-type", "application/tlsrpt+json".getBytes(StandardCharsets.UTF_8));
                record.headers().add("tlsrpt.origin", "ProcessorMetricsIT".getBytes(StandardCharsets.UTF_8));
                producer.send(record).get();
            }
        }
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] resource(String name) throws Exception {
        try (InputStream in = ProcessorMetricsIT.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    private static String envOf(String key) {
        return EnvironmentVariablesTest.envOf(key);
    }
}
