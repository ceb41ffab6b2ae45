package io.tlsrpt.processor.app;

import static io.tlsrpt.processor.app.ProcessorTopics.produce;
import static io.tlsrpt.processor.app.ProcessorTopics.readAll;
import static io.tlsrpt.processor.topology.ReportFixtures.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.processor.topology.TopicNames;
import io.tlsrpt.testkafka.KafkaTestCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reporters that stop, on a real broker with three partitions: the processor's own wall-clock check (every two
 * seconds here; a silence fires at the second check that finds it) on its stream thread fires a reports-stopped
 * alert for a reporter that stopped sending reports about one domain while reports about another keep arriving, into
 * both alert topics, and resolves it with the reporter's next report. The reports are dated on the days before
 * today, as live reports are. A processor stopped between the two checks: its successor, on an empty state
 * directory, confirms the stored suspicion at its first check. And a reporter stopped on a domain of each
 * partition: the instance's tasks count its stops together.
 */
class ReporterSilenceIT {

    private static final Instant TODAY = Instant.now().truncatedTo(ChronoUnit.DAYS);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STOPPED = "stopped.example";
    private static final String GOING_ON = "going-on.example";

    private static KafkaClusterTestKit cluster;
    @TempDir
    static java.nio.file.Path stateDir;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = KafkaTestCluster.start(Map.of());
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static byte[] daily(String organisation, String domain, int daysAgo) {
        return report(organisation, organisation + "-" + domain + "-" + daysAgo,
                TODAY.minus(daysAgo, ChronoUnit.DAYS)).policy(domain, 500).bytes();
    }

    /** Microsoft reports on STOPPED for ten days, Google there until five days ago and on GOING_ON throughout. */
    private static List<byte[]> googleStoppedOnOneDomainAndGoesOnOnTheOther() {
        List<byte[]> reports = new ArrayList<>();
        for (int daysAgo = 10; daysAgo >= 1; daysAgo--) {
            if (daysAgo >= 5) {
                reports.add(daily("Google Inc.", STOPPED, daysAgo));
            }
            reports.add(daily("Microsoft Corporation", STOPPED, daysAgo));
            reports.add(daily("Google Inc.", GOING_ON, daysAgo));
        }
        return reports;
    }

    /** The processor's settings on the test cluster, with the silence checked every {@code checkInterval}. */
    private static Properties settings(String applicationId, String registry, Duration checkInterval) {
        Properties props = new Properties();
        props.setProperty(ProcessorConfig.BOOTSTRAP_SERVERS, cluster.bootstrapServers());
        props.setProperty(ProcessorConfig.APPLICATION_ID, applicationId);
        props.setProperty(ProcessorConfig.SCHEMA_REGISTRY_URL, registry);
        props.setProperty(ProcessorConfig.HTTP_PORT, "0");
        props.setProperty(ProcessorConfig.TOPICS_PARTITIONS, "3");
        props.setProperty(ProcessorConfig.SILENCE_CHECK_INTERVAL, checkInterval.toString());
        return props;
    }

    /** The settings, on topics of their own: the default names with {@code suffix} appended. */
    private static Properties settings(String applicationId, String registry, Duration checkInterval, String suffix) {
        Properties props = settings(applicationId, registry, checkInterval);
        for (String key : new String[] {ProcessorConfig.TOPIC_RAW, ProcessorConfig.TOPIC_REPORTS,
                ProcessorConfig.TOPIC_DEAD_LETTER, ProcessorConfig.TOPIC_FAILURE_STATS, ProcessorConfig.TOPIC_DOMAIN_STATS,
                ProcessorConfig.TOPIC_ALERTS, ProcessorConfig.TOPIC_ALERTS_JSON}) {
            props.setProperty(key, ProcessorConfig.fromProperties(new Properties()).get(key) + suffix);
        }
        return props;
    }

    /** The settings with a state directory of their own under the test's, {@code name}. */
    private static ProcessorConfig withStateDir(Properties props, String name) {
        props.setProperty(ProcessorConfig.STATE_DIR, stateDir.resolve(name).toString());
        return ProcessorConfig.fromProperties(props);
    }

    private static List<String> silenceAlerts(String bootstrap, TopicNames topics, String registry) {
        List<String> alerts = new ArrayList<>();
        for (ConsumerRecord<String, String> r : ProcessorTopics.<String>readAll(bootstrap, topics.alertsJson(), registry, null)) {
            if (r.value().contains("\"kind\":\"reports-stopped\"")) {
                alerts.add(r.key() + " " + r.value());
            }
        }
        return alerts;
    }

    private static List<String> scrape(URI metrics) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(metrics).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body().lines().filter(l -> !l.startsWith("#")).toList();
    }

    private static double gauge(List<String> samples, String name) {
        return samples.stream().filter(l -> l.startsWith(name + " ")).mapToDouble(
                l -> Double.parseDouble(l.substring(name.length() + 1))).findFirst().orElse(-1);
    }

    private static List<Double> reporters(List<String> samples) {
        return List.of(gauge(samples, "tlsrpt_reporters_watched"), gauge(samples, "tlsrpt_reporters_stopped"));
    }

    @Test
    void aReporterThatStopsOnOneDomainIsAnnouncedAndResolvedByTheRunningProcessor() throws Exception {
        String bootstrap = cluster.bootstrapServers();
        String registry = "mock://silence-it-" + UUID.randomUUID();
        Properties props = settings("tlsrpt-silence-it", registry, Duration.ofSeconds(2));
        ProcessorConfig config = withStateDir(props, "running");
        TopicNames topics = config.topicNames();

        List<byte[]> reports = googleStoppedOnOneDomainAndGoesOnOnTheOther();
        try (TlsRptProcessor processor = TlsRptProcessor.start(config)) {
            assertThat(processor.awaitReady(Duration.ofSeconds(60))).isTrue();
            produce(bootstrap, topics.raw(), reports);

            await().atMost(Duration.ofSeconds(60)).until(() -> !silenceAlerts(bootstrap, topics, registry).isEmpty());
            // more checks: still the one alert, announced once (and none about the other domain, whose partition may
            // have been read behind the first one's)
            await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                    .until(() -> silenceAlerts(bootstrap, topics, registry).size() == 1);
            List<String> fired = silenceAlerts(bootstrap, topics, registry);
            assertThat(fired).singleElement().asString()
                    .startsWith(STOPPED + "|reports-stopped|Google Inc. ")
                    .contains("\"status\":\"firing\"", "\"severity\":\"warning\"", "\"reporters\":[\"Google Inc.\"]",
                            "4 window(s) without one");

            // what the checks found, on the processor's /metrics: three (domain, reporter) pairs, one stopped
            URI metrics = URI.create("http://127.0.0.1:" + processor.httpAddress().getPort() + "/metrics");
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(reporters(scrape(metrics)))
                    .as("watched, stopped").containsExactly(3.0, 1.0));
            assertThat(gauge(scrape(metrics), "tlsrpt_silence_check_seconds_count")).as("checks by the three tasks")
                    .isGreaterThanOrEqualTo(6);

            // GET /v1/incidents lists it among the application's open incidents, with the alert's id
            URI incidents = URI.create("http://127.0.0.1:" + processor.httpAddress().getPort() + "/v1/incidents");
            String firedId = JSON.readTree(fired.get(0).substring(fired.get(0).indexOf(" {") + 1)).get("alert_id")
                    .asText();
            JsonNode open = JSON.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(incidents).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            QueryApiSchemas.assertConforms("IncidentList", open);
            assertThat(open.get("partitions").asInt()).isEqualTo(3);
            assertThat(open.get("incidents")).singleElement().satisfies(i -> {
                assertThat(i.get("kind").asText()).isEqualTo("reports-stopped");
                assertThat(i.get("policy_domain").asText()).isEqualTo(STOPPED);
                assertThat(i.get("reporter").asText()).isEqualTo("Google Inc.");
                assertThat(i.get("status").asText()).isEqualTo("firing");
                assertThat(i.get("severity").asText()).isEqualTo("warning");
                assertThat(i.get("alert_id").asText()).isEqualTo(firedId);
                assertThat(i.get("last_report_window_start").asText())
                        .isEqualTo(TODAY.minus(5, ChronoUnit.DAYS).toString());
            });
            // and GET /v1/domains/{domain} among the domain's incidents
            JsonNode domain = JSON.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + processor.httpAddress().getPort() + "/v1/domains/" + STOPPED)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            QueryApiSchemas.assertConforms("DomainState", domain);
            assertThat(domain.get("incidents")).singleElement().satisfies(i -> {
                assertThat(i.get("kind").asText()).isEqualTo("reports-stopped");
                assertThat(i.get("reporter").asText()).isEqualTo("Google Inc.");
                assertThat(i.get("alert_id").asText()).isEqualTo(firedId);
            });

            produce(bootstrap, topics.raw(), List.of(daily("Google Inc.", STOPPED, 1)));
            await().atMost(Duration.ofSeconds(60)).until(() -> silenceAlerts(bootstrap, topics, registry).size() == 2);
            assertThat(silenceAlerts(bootstrap, topics, registry).get(1))
                    .contains("\"status\":\"resolved\"", "Google Inc. sent a report again");
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(reporters(scrape(metrics)))
                    .as("watched, stopped").containsExactly(3.0, 0.0));
            assertThat(JSON.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(incidents).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).get("count").asInt()).as("resolved").isZero();
        }
    }

    /**
     * The first check's suspicion is stored with the cadence: a processor stopped between the two checks, its
     * successor started on an empty state directory (as when the tasks move to another instance; the stores restored
     * from their changelogs) and given no new report, fires the alert at its own first check, not its second.
     */
    @Test
    void aSuspicionFoundBeforeARestartIsConfirmedByTheNextInstancesFirstCheck() throws Exception {
        String bootstrap = cluster.bootstrapServers();
        String registry = "mock://silence-restart-it-" + UUID.randomUUID();
        Duration interval = Duration.ofSeconds(15);
        Properties props = settings("tlsrpt-silence-restart-it", registry, interval, ".restart");
        ProcessorConfig first = withStateDir(props, "first-instance");
        ProcessorConfig second = withStateDir(props, "second-instance");
        TopicNames topics = first.topicNames();

        List<byte[]> reports = googleStoppedOnOneDomainAndGoesOnOnTheOther();
        try (TlsRptProcessor processor = TlsRptProcessor.start(first)) {
            assertThat(processor.awaitReady(Duration.ofSeconds(60))).isTrue();
            produce(bootstrap, topics.raw(), reports);
            URI metrics = URI.create("http://127.0.0.1:" + processor.httpAddress().getPort() + "/metrics");
            // the first check of each of the three tasks: the stop suspected, nothing fired yet
            await().atMost(interval.multipliedBy(2)).pollInterval(Duration.ofMillis(200)).until(
                    () -> gauge(scrape(metrics), "tlsrpt_silence_check_seconds_count") >= 3);
            assertThat(processor.counters().reportsDecoded()).isEqualTo(reports.size());
            assertThat(gauge(scrape(metrics), "tlsrpt_silence_check_seconds_count")).as("before the second check")
                    .isLessThan(6);
        }
        assertThat(silenceAlerts(bootstrap, topics, registry)).isEmpty();

        try (TlsRptProcessor processor = TlsRptProcessor.start(second)) {
            assertThat(processor.awaitReady(Duration.ofSeconds(60))).isTrue();
            Instant ready = Instant.now();
            // its state directory was empty: it restored the stores from their changelogs before it was ready
            URI metrics = URI.create("http://127.0.0.1:" + processor.httpAddress().getPort() + "/metrics");
            assertThat(gauge(scrape(metrics), "tlsrpt_state_restored_records_total{store=\"reporter-cadence-store\"}"))
                    .as("every update of the three (domain, reporter) pairs' cadences").isGreaterThanOrEqualTo(3.0);
            await().atMost(interval.multipliedBy(4)).until(() -> !silenceAlerts(bootstrap, topics, registry).isEmpty());
            List<String> fired = silenceAlerts(bootstrap, topics, registry);
            assertThat(fired).singleElement().asString().startsWith(STOPPED + "|reports-stopped|Google Inc. ")
                    .contains("\"status\":\"firing\"");
            String detectedAt = fired.get(0).replaceAll(".*\"detected_at\":\"([^\"]+)\".*", "$1");
            // its tasks' first check comes one interval after they start, the second two intervals after
            assertThat(Duration.between(ready, Instant.parse(detectedAt)))
                    .as("fired at the first check of the new instance").isLessThan(interval.multipliedBy(3).dividedBy(2));
        }
    }

    /**
     * A reporter that stops on three domains, each on another partition and so in another task of the instance: the
     * tasks count its stops together, so each of the three alerts says it stopped on three domains at once (each task
     * alone would count one). The last report, which makes the silence visible, arrives after the rest is processed,
     * so that every task's first check after it finds the stop and each confirmation sees the others' suspicions.
     */
    @Test
    void aReporterStoppedOnTheDomainsOfEveryPartitionIsSaidToHaveStoppedWidely() throws Exception {
        String bootstrap = cluster.bootstrapServers();
        String registry = "mock://silence-wide-it-" + UUID.randomUUID();
        Properties props = settings("tlsrpt-silence-wide-it", registry, Duration.ofSeconds(2), ".wide");
        ProcessorConfig config = withStateDir(props, "wide");
        TopicNames topics = config.topicNames();

        List<String> domains = oneDomainPerPartition(3);
        List<byte[]> untilFiveDaysAgo = new ArrayList<>();
        for (int daysAgo = 10; daysAgo >= 5; daysAgo--) {
            for (String domain : domains) {
                untilFiveDaysAgo.add(daily("Google Inc.", domain, daysAgo));
            }
            untilFiveDaysAgo.add(daily("Microsoft Corporation", GOING_ON, daysAgo));
        }
        try (TlsRptProcessor processor = TlsRptProcessor.start(config)) {
            assertThat(processor.awaitReady(Duration.ofSeconds(60))).isTrue();
            produce(bootstrap, topics.raw(), untilFiveDaysAgo);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> processor.counters().reportsDecoded() == untilFiveDaysAgo.size());
            produce(bootstrap, topics.raw(), List.of(daily("Microsoft Corporation", GOING_ON, 1)));

            await().atMost(Duration.ofSeconds(60)).until(() -> silenceAlerts(bootstrap, topics, registry).size() >= 3);
            assertThat(silenceAlerts(bootstrap, topics, registry)).hasSize(3).allSatisfy(alert -> assertThat(alert)
                    .contains("\"status\":\"firing\"", "Google Inc. stopped on 3 domains at once"));
        }
    }

    /** {@code n} policy domains on {@code n} different partitions of a topic keyed by domain (Kafka's partitioner). */
    private static List<String> oneDomainPerPartition(int n) {
        Map<Integer, String> byPartition = new TreeMap<>();
        for (int i = 0; byPartition.size() < n; i++) {
            String domain = "wide-" + i + ".example";
            byPartition.putIfAbsent(Utils.toPositive(Utils.murmur2(domain.getBytes(StandardCharsets.UTF_8))) % n,
                    domain);
        }
        return List.copyOf(byPartition.values());
    }
}

