package io.tlsrpt.processor.app;

import static io.tlsrpt.processor.app.ProcessorTopics.produce;
import static io.tlsrpt.processor.app.ProcessorTopics.readAll;
import static io.tlsrpt.processor.topology.ReportFixtures.failure;
import static io.tlsrpt.processor.topology.ReportFixtures.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tlsrpt.processor.topology.DeadLetters;
import io.tlsrpt.processor.topology.ReportFixtures;
import io.tlsrpt.processor.topology.TopicNames;
import io.tlsrpt.schema.Alert;
import io.tlsrpt.schema.FailureStats;
import io.tlsrpt.schema.TlsReport;
import io.tlsrpt.testkafka.KafkaTestCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processor on a real single-node KRaft cluster (Kafka's in-JVM test kit), exactly-once: raw bytes in;
 * Avro reports, statistics and alerts out, read back through the registry serde; restarted in the middle
 * with the same application id and state directory, without losing or double counting a report.
 */
class StreamProcessorIT {

    private static final Logger LOG = LoggerFactory.getLogger(StreamProcessorIT.class);

    /** Set to run against an external cluster instead of the in-JVM one (topics and app id get a unique suffix). */
    static final String EXTERNAL_BOOTSTRAP_ENV = "TLSRPT_IT_BOOTSTRAP_SERVERS";

    private static KafkaClusterTestKit cluster;
    private static String bootstrap;
    @TempDir
    static Path stateDir;

    @BeforeAll
    static void startCluster() throws Exception {
        String external = System.getenv(EXTERNAL_BOOTSTRAP_ENV);
        if (external != null && !external.isBlank()) {
            bootstrap = external;
            return;
        }
        cluster = KafkaTestCluster.start(Map.of());
        bootstrap = cluster.bootstrapServers();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * The processor's own application id, topics (suffixed: the tests share the cluster) and state directory;
     * two partitions, HTTP on a free port.
     */
    private static Properties processorProperties(String name, String registry) throws Exception {
        Properties props = new Properties();
        String suffix = (name.isEmpty() ? "" : "-" + name)
                + (cluster == null ? "-" + UUID.randomUUID().toString().substring(0, 8) : "");
        props.setProperty(ProcessorConfig.BOOTSTRAP_SERVERS, bootstrap);
        props.setProperty(ProcessorConfig.APPLICATION_ID, "tlsrpt-it" + suffix);
        for (String topicKey : List.of(ProcessorConfig.TOPIC_RAW, ProcessorConfig.TOPIC_REPORTS,
                ProcessorConfig.TOPIC_DEAD_LETTER, ProcessorConfig.TOPIC_FAILURE_STATS, ProcessorConfig.TOPIC_DOMAIN_STATS,
                ProcessorConfig.TOPIC_ALERTS, ProcessorConfig.TOPIC_ALERTS_JSON)) {
            props.setProperty(topicKey, ProcessorConfig.fromProperties(new Properties()).get(topicKey) + suffix);
        }
        props.setProperty(ProcessorConfig.SCHEMA_REGISTRY_URL, registry);
        props.setProperty(ProcessorConfig.STATE_DIR,
                Files.createDirectories(stateDir.resolve(name.isEmpty() ? "state" : "state-" + name)).toString());
        props.setProperty(ProcessorConfig.HTTP_PORT, "0");
        props.setProperty(ProcessorConfig.TOPICS_PARTITIONS, "2");
        return props;
    }

    @Test
    void rawBytesInAvroOutSurvivingARestart() throws Exception {
        String registry = "mock://it-" + UUID.randomUUID();
        ProcessorConfig config = ProcessorConfig.fromProperties(processorProperties("", registry));
        TopicNames topics = config.topicNames();

        List<byte[]> phase1 = new ArrayList<>();
        for (int day = 1; day <= 4; day++) {
            phase1.add(report("Google Inc.", "g" + day, day).policy("it.example", 1000,
                    failure("validation-failure", 1, "192.0.2.1", null)).bytes());
            phase1.add(report("Yahoo", "y" + day, day).policy("it.example", 500).bytes());
        }
        byte[] garbage = "not a report at all".getBytes(StandardCharsets.UTF_8);
        phase1.add(garbage);

        // phase 2a is sent and the app closed at once, with those records in flight; 2b after the restart
        List<byte[]> phase2a = new ArrayList<>();
        phase2a.add(report("Google Inc.", "g3", 3).policy("it.example", 1000,
                failure("validation-failure", 1, "192.0.2.1", null)).bytes());   // duplicate of a phase-1 report
        phase2a.add(report("Microsoft Corporation", "m4", 4).policy("it.example", 700).bytes()); // same window as phase 1
        // a two-domain report (primary alpha, zulu through the second repartition), a copy of it with other
        // bytes, and a report of zulu alone (primary zulu): zulu's window gets both, whichever path each took
        ReportFixtures twoDomains = report("Google Inc.", "ab5", 5)
                .policy("zulu.example", 200, failure("validation-failure", 2, "192.0.2.2", null))
                .policy("alpha.example", 100, failure("validation-failure", 1, "192.0.2.1", null));
        List<byte[]> phase2b = List.of(report("Google Inc.", "g5", 5).policy("it.example", 600,
                        failure("certificate-expired", 400, "192.0.2.1", "mx1.it.example")).bytes(),
                twoDomains.bytes(),
                twoDomains.json().replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8),
                report("Yahoo", "z5", 5).policy("zulu.example", 300,
                        failure("validation-failure", 3, "192.0.2.3", null)).bytes());

        TlsRptProcessor processor = TlsRptProcessor.start(config);
        try {
            assertThat(processor.awaitReady(Duration.ofSeconds(60))).isTrue();
            assertHttpEndpoints(processor);
            produce(bootstrap, topics.raw(), phase1);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> processor.counters().rawRecords() >= phase1.size());
            // wait for the commit: the reports are visible to a read_committed consumer
            await().atMost(Duration.ofSeconds(30)).until(() -> readAll(bootstrap, topics.reports(), registry, TlsReport.class).size() == 8);
            produce(bootstrap, topics.raw(), phase2a);
        } finally {
            processor.close();
        }

        // restart with the same application id and state directory
        TlsRptProcessor restarted = TlsRptProcessor.start(config);
        try {
            assertThat(restarted.awaitReady(Duration.ofSeconds(60))).isTrue();
            produce(bootstrap, topics.raw(), phase2b);
            await().atMost(Duration.ofSeconds(60)).until(() -> readAll(bootstrap, topics.alerts(), registry, Alert.class).size() >= 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> readAll(bootstrap, topics.reports(), registry, TlsReport.class).size() >= 12);
            await().atMost(Duration.ofSeconds(30)).until(() -> readAll(bootstrap, topics.failureStats(), registry,
                    FailureStats.class).stream().anyMatch(r -> r.key().startsWith("zulu.example|")
                            && r.value().getReports() == 2));
        } finally {
            restarted.close();
        }

        List<ConsumerRecord<String, TlsReport>> reports = readAll(bootstrap, topics.reports(), registry, TlsReport.class);
        assertThat(reports).extracting(r -> r.value().getReportId())
                .containsExactlyInAnyOrder("g1", "y1", "g2", "y2", "g3", "y3", "g4", "y4", "m4", "g5", "ab5", "z5");

        Map<String, FailureStats> latest = new LinkedHashMap<>();
        for (ConsumerRecord<String, FailureStats> r : readAll(bootstrap, topics.failureStats(), registry, FailureStats.class)) {
            latest.put(r.key() + "@" + r.value().getWindowStart(), r.value());
        }
        FailureStats day3 = latest.get("it.example|validation-failure@" + ReportFixtures.day(3));
        assertThat(day3.getTotalSessions()).as("the duplicate after the restart is not counted").isEqualTo(1501);
        assertThat(day3.getFailedSessions()).isEqualTo(1);
        assertThat(day3.getReports()).isEqualTo(2);
        FailureStats day4 = latest.get("it.example|validation-failure@" + ReportFixtures.day(4));
        assertThat(day4.getTotalSessions()).as("window state survived the restart").isEqualTo(1001 + 500 + 700);
        FailureStats zulu = latest.get("zulu.example|validation-failure@" + ReportFixtures.day(5));
        assertThat(zulu.getReports()).as("one window for zulu: both repartition paths reach its task").isEqualTo(2);
        assertThat(zulu.getTotalSessions()).isEqualTo(202 + 303);
        FailureStats alpha = latest.get("alpha.example|validation-failure@" + ReportFixtures.day(5));
        assertThat(alpha.getReports()).as("the copy of the two-domain report is not counted").isEqualTo(1);
        assertThat(alpha.getTotalSessions()).isEqualTo(101);
        assertSamePartitionCount(config.get(ProcessorConfig.APPLICATION_ID) + "-report-by-primary-domain-repartition",
                config.get(ProcessorConfig.APPLICATION_ID) + "-by-other-domain-repartition", 2);

        List<ConsumerRecord<String, Alert>> alerts = readAll(bootstrap, topics.alerts(), registry, Alert.class);
        assertThat(alerts).hasSize(1);
        Alert alert = alerts.get(0).value();
        assertThat(alert.getKind()).isEqualTo("certificate-expired");
        assertThat(alert.getStatus()).isEqualTo("firing");
        assertThat(alerts.get(0).key()).isEqualTo("it.example|certificate-expired");
        List<ConsumerRecord<String, String>> json = readAll(bootstrap, topics.alertsJson(), registry, null);
        assertThat(json).hasSize(1);
        assertThat(json.get(0).value()).contains("\"alert_id\":\"" + alert.getAlertId() + "\"")
                .contains("\"kind\":\"certificate-expired\"");

        List<ConsumerRecord<String, byte[]>> dead = readAll(bootstrap, topics.deadLetter(), registry, byte[].class);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).value()).isEqualTo(garbage);
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header h : dead.get(0).headers()) {
            headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
        }
        assertThat(headers).containsEntry(DeadLetters.SOURCE_TOPIC, topics.raw()).containsKey(DeadLetters.REASON)
                .containsKey(DeadLetters.SOURCE_OFFSET).containsEntry("tlsrpt.source", "cli");
    }

    /**
     * A provider's list of served domains in a file: a report about a domain off the list is dead-lettered with its
     * reason, and once the domain is added to the file (re-read every second here), its next report counts, without
     * a restart.
     */
    @Test
    void aDomainAddedToTheServedDomainsFileCountsWithoutARestart() throws Exception {
        String registry = "mock://it-" + UUID.randomUUID();
        Path served = Files.writeString(stateDir.resolve("served-domains.txt"), "# customers\nserved.example\n");
        Properties props = processorProperties("served", registry);
        props.setProperty(ProcessorConfig.SERVED_DOMAINS_FILE, served.toString());
        props.setProperty(ProcessorConfig.SERVED_DOMAINS_RELOAD_INTERVAL, "1s");
        ProcessorConfig config = ProcessorConfig.fromProperties(props);
        TopicNames topics = config.topicNames();
        byte[] before = report("Google Inc.", "n1", 1).policy("new.example", 1000).bytes();
        try (TlsRptProcessor processor = TlsRptProcessor.start(config)) {
            assertThat(processor.awaitReady(Duration.ofSeconds(60))).isTrue();
            produce(bootstrap, topics.raw(), List.of(before,
                    report("Google Inc.", "s1", 1).policy("served.example", 1000).bytes()));
            await().atMost(Duration.ofSeconds(30)).until(() -> readAll(bootstrap, topics.deadLetter(), registry,
                    byte[].class).size() == 1 && readAll(bootstrap, topics.reports(), registry, TlsReport.class).size() == 1);

            Files.writeString(served, "new.example\n", java.nio.file.StandardOpenOption.APPEND);
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    processor.meterRegistry().get("tlsrpt.served.domains").gauge().value() == 2);
            produce(bootstrap, topics.raw(), List.of(report("Google Inc.", "n2", 2).policy("new.example", 1000).bytes()));
            await().atMost(Duration.ofSeconds(30)).until(() -> readAll(bootstrap, topics.reports(), registry,
                    TlsReport.class).size() == 2);
            assertThat(processor.meterRegistry().get("tlsrpt.served.domains.reloads").tag("result", "applied")
                    .counter().count()).isEqualTo(1);
        }
        assertThat(readAll(bootstrap, topics.reports(), registry, TlsReport.class))
                .extracting(r -> r.value().getReportId()).containsExactlyInAnyOrder("s1", "n2");
        List<ConsumerRecord<String, byte[]>> dead = readAll(bootstrap, topics.deadLetter(), registry, byte[].class);
        assertThat(dead).singleElement().satisfies(r -> {
            assertThat(r.value()).isEqualTo(before);
            assertThat(new String(r.headers().lastHeader(DeadLetters.REASON).value(), StandardCharsets.UTF_8))
                    .isEqualTo("unserved-policy-domain");
        });
    }

    /**
     * Every RocksDB instance of the processor (dedup store, incident store, each window segment, in each task)
     * uses the one cache of {@code rocksdb.memory.bytes}, and under a load several times that budget the cache,
     * memtables included, stays within it as Kafka Streams' own RocksDB metrics report it; the stores still
     * deduplicate and aggregate exactly.
     */
    @Test
    void stateStoresShareOneBoundedRocksDBBudget() throws Exception {
        long budget = 4L << 20;
        String registry = "mock://it-rdb-" + UUID.randomUUID();
        Properties props = processorProperties("rdb", registry);
        props.setProperty(ProcessorConfig.ROCKSDB_MEMORY_BYTES, "4MiB");
        props.setProperty(ProcessorConfig.PROCESSING_GUARANTEE, "at_least_once");   // faster; stores are the point
        ProcessorConfig config = ProcessorConfig.fromProperties(props);
        TopicNames topics = config.topicNames();

        // 12,000 distinct reports: 3,000 domains x 2 days x 2 senders (each window read back once), ~3 MB of
        // dedup keys and ~4 MB of windows written, then 200 of them again
        int domains = 3_000;
        List<byte[]> distinct = new ArrayList<>();
        for (int d = 0; d < domains; d++) {
            for (int day = 1; day <= 2; day++) {
                for (String org : List.of("Google Inc.", "Yahoo")) {
                    distinct.add(report(org, org.charAt(0) + "-" + d + "-" + day, day).policy("d" + d + ".example", 10,
                            failure("validation-failure", 1, "192.0.2." + (d % 250 + 1), null)).bytes());
                }
            }
        }
        List<byte[]> duplicates = distinct.subList(0, 200);

        List<Long> usage = new ArrayList<>();
        try (TlsRptProcessor processor = TlsRptProcessor.start(config)) {
            assertThat(processor.awaitReady(Duration.ofSeconds(60))).isTrue();
            produce(bootstrap, topics.raw(), distinct);
            produce(bootstrap, topics.raw(), duplicates);
            int total = distinct.size() + duplicates.size();
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(50)).until(() -> {
                usage.addAll(rocksDbMetric(processor, "block-cache-usage").values());
                return processor.counters().rawRecords() >= total;
            });
            // the last writes reach the stores at the next commit
            await().atMost(Duration.ofSeconds(30)).until(() -> readAll(bootstrap, topics.reports(), registry, TlsReport.class)
                    .size() == distinct.size());

            Map<String, Long> capacity = rocksDbMetric(processor, "block-cache-capacity");
            assertThat(capacity.keySet()).as("RocksDB instances with metrics")
                    .anyMatch(k -> k.contains("dedup-by-domain-store")).anyMatch(k -> k.contains("domain-window-store"))
                    .anyMatch(k -> k.contains("incident-store"));
            assertThat(capacity.values()).as("every store uses the one bounded cache, not 50 MB of its own")
                    .allMatch(c -> c == budget);
            usage.addAll(rocksDbMetric(processor, "block-cache-usage").values());
            long peak = usage.stream().mapToLong(Long::longValue).max().orElseThrow();
            LOG.info("RocksDB block cache (memtables included): peak {} of {} bytes over {} samples", peak, budget,
                    usage.size());
            assertThat(peak).as("peak RocksDB memory (cache + memtables) over %d samples", usage.size())
                    .isLessThanOrEqualTo(budget)
                    .as("the load filled the budget, so the bound was exercised").isGreaterThan(budget / 2);
            assertThat(processor.rocksDbMemory().usedBytes()).isLessThanOrEqualTo(budget);

            // the duplicates come after the distinct reports on the repartition topic, so they may be dropped in a
            // later commit than the one that made the reports above visible
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> processor.counters().duplicatesDropped() >= duplicates.size());
            assertThat(processor.counters().duplicatesDropped()).isEqualTo(duplicates.size());
            assertThat(processor.counters().distinctReports()).isEqualTo(distinct.size());
        }
        Map<String, FailureStats> latest = new LinkedHashMap<>();
        for (ConsumerRecord<String, FailureStats> r : readAll(bootstrap, topics.failureStats(), registry, FailureStats.class)) {
            latest.put(r.key() + "@" + r.value().getWindowStart(), r.value());
        }
        assertThat(latest).as("one window per domain and day").hasSize(domains * 2);
        assertThat(latest.values()).as("both senders counted once in every window").allSatisfy(w -> {
            assertThat(w.getReports()).isEqualTo(2);
            assertThat(w.getTotalSessions()).isEqualTo(22);
            assertThat(w.getFailedSessions()).isEqualTo(2);
        });
    }

    /** One Kafka Streams RocksDB property metric ({@code stream-state-metrics}) per store instance. */
    private static Map<String, Long> rocksDbMetric(TlsRptProcessor processor, String name) {
        Map<String, Long> values = new LinkedHashMap<>();
        processor.streamsMetrics().forEach((metricName, metric) -> {
            if (metricName.group().equals("stream-state-metrics") && metricName.name().equals(name)
                    && metric.metricValue() instanceof Number n) {
                values.put(metricName.tags().toString(), n.longValue());
            }
        });
        return values;
    }

    /** Both repartition topics keyed by domain must have the same partitions, or a domain would reach two tasks. */
    private static void assertSamePartitionCount(String primary, String others, int expected) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<String, TopicDescription> topics = admin.describeTopics(List.of(primary, others)).allTopicNames().get();
            assertThat(topics.get(primary).partitions()).hasSize(expected);
            assertThat(topics.get(others).partitions()).hasSize(expected);
        }
    }

    private static void assertHttpEndpoints(TlsRptProcessor processor) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + processor.httpAddress().getPort();
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(200);
        HttpResponse<String> live = http.send(HttpRequest.newBuilder(URI.create(base + "/health/live")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(live.statusCode()).isEqualTo(200);
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("tlsrpt_raw_records_total").contains("kafka_stream")
                // a domain without a tenant: the label written empty, which Prometheus reads as no label
                .containsPattern("tlsrpt_incidents_open\\{kind=\"certificate-expired\",severity=\"critical\","
                        + "tenant=\"\"\\} 0");
    }
}
