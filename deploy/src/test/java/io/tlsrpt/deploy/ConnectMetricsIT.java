package io.tlsrpt.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.micrometer.core.instrument.Clock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.jmx.JmxCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tlsrpt.connect.TlsRptSourceConfig;
import io.tlsrpt.connect.TlsRptSourceConnector;
import io.tlsrpt.testkafka.ConnectWorkerSettings;
import io.tlsrpt.testkafka.KafkaTestCluster;
import io.tlsrpt.testkafka.TestCertificateAuthority;
import io.tlsrpt.tls.TrustedCertificates;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.Herder;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorInfo;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.apache.kafka.connect.util.FutureCallback;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connector's metrics as Prometheus sees them. A real Connect worker runs the connector on Kafka's in-JVM broker
 * and takes in a report by HTTP, refuses a request and takes a mail from a spool directory; then
 * <ul>
 * <li>Kubernetes: the JMX exporter's own collector (the library inside Strimzi's agent) applies the rules of the
 * {@code tlsrpt-connect-metrics} ConfigMap to the worker's MBeans;</li>
 * <li>compose: a worker JVM runs with the exporter's Java agent (the version the compose image installs) and
 * compose's {@code connect-metrics.yml}, and its /metrics is read over HTTP.</li>
 * </ul>
 * Either way every kafka_connect_* series the alerting rules and the dashboards use must come out, with the labels
 * they match on, and each of the connector's tags must be a label of its own.
 */
class ConnectMetricsIT {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectMetricsIT.class);
    private static final String CONNECTOR = "tlsrpt-metrics";
    /** The exporter rules the compose Connect worker's agent reads. */
    private static final Path COMPOSE_EXPORTER_RULES = DeployFiles.COMPOSE_CONNECTORS.resolve("connect-metrics.yml");

    @TempDir
    Path dir;
    /** Signs the receiver's certificate, served over TLS as in the deployment (kafka-connector.yaml). */
    private TestCertificateAuthority authority;
    /** The mailbox the connector logs in to (its connections are counted). */
    private GreenMail imap;

    @BeforeEach
    void startImap() {
        imap = new GreenMail(ServerSetupTest.IMAP.dynamicPort());
        imap.start();
        imap.setUser("tlsrpt@example.org", "tlsrpt", "secret");
    }

    @AfterEach
    void stopImap() {
        imap.stop();
    }

    @Test
    void theKubernetesRulesGiveEveryConnectorMetricTheRulesAndDashboardsUseWithItsLabels() throws Exception {
        KafkaClusterTestKit cluster = KafkaTestCluster.start(Map.of());
        Connect<StandaloneHerder> worker = null;
        try {
            createRawTopic(cluster);
            worker = new ConnectStandalone().startConnect(workerSettings(cluster.bootstrapServers()));
            int port = freePort();
            Path inbox = Files.createDirectories(dir.resolve("spool/inbox"));
            putConnector(worker, connectorSettings(port, inbox));
            takeInAReportARefusalAndAMail(port, inbox, authority.caCertificate());

            PrometheusRegistry prometheus = new PrometheusRegistry();
            new JmxCollector(exporterConfig()).register(prometheus);
            PrometheusMeterRegistry scraper = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, prometheus,
                    Clock.SYSTEM);
            assertEveryConnectorSeries(awaitSpoolCommitted(scraper::scrape));
        } finally {
            if (worker != null) {
                worker.stop();
                worker.awaitStop();
            }
            cluster.close();
        }
    }

    /**
     * Compose: a worker JVM started with the exporter's Java agent (the version the compose image installs) and
     * compose's connect-metrics.yml, scraped over HTTP as Prometheus does.
     */
    @Test
    void theComposeWorkerWithTheExporterAgentServesTheSameSeries() throws Exception {
        Path agent = Path.of(System.getProperty("jmx.exporter.agent", "target/jmx-exporter/jmx_prometheus_javaagent.jar"));
        assertThat(agent).as("the agent jar (copied by the deploy module's build)").exists();
        assertThat(DeployFiles.read(DeployFiles.DOCKERFILE)).as("the compose image installs the agent tested here")
                .contains("jmx_prometheus_javaagent:" + System.getProperty("jmx.exporter.agent.version", "1.0.1"));
        assertThat(DeployFiles.yaml(COMPOSE_EXPORTER_RULES)).as("compose's exporter rules are the ConfigMap's")
                .isEqualTo(DeployFiles.YAML.readTree(exporterConfig()));

        KafkaClusterTestKit cluster = KafkaTestCluster.start(Map.of());
        Process worker = null;
        try {
            createRawTopic(cluster);
            int port = freePort();
            int metricsPort = freePort();
            Path inbox = Files.createDirectories(dir.resolve("spool/inbox"));
            Path workerFile = properties("worker.properties", workerSettings(cluster.bootstrapServers()));
            Path connectorFile = properties("connector.properties", connectorSettings(port, inbox));
            Path log = dir.resolve("worker.log");
            worker = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx384m", "-XX:TieredStopAtLevel=1",
                    "-javaagent:" + agent.toAbsolutePath() + "=127.0.0.1:" + metricsPort + ":"
                            + COMPOSE_EXPORTER_RULES.toAbsolutePath(),
                    "-cp", System.getProperty("java.class.path"),
                    "org.apache.kafka.connect.cli.ConnectStandalone", workerFile.toString(), connectorFile.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            LOG.info("started a Connect worker with the JMX exporter agent (pid {}), log {}", worker.pid(), log);
            Process running = worker;
            await().atMost(Duration.ofSeconds(90)).failFast("the worker died (see " + log + ")", () -> !running.isAlive())
                    .ignoreExceptions().until(() -> post(HttpClient.newBuilder().sslContext(
                                    TrustedCertificates.clientContext(authority.caCertificate())).build(),
                            URI.create("https://127.0.0.1:" + port + "/v1/tlsrpt"), "application/tlsrpt+json",
                            report()) == 201);
            takeInAReportARefusalAndAMail(port, inbox, authority.caCertificate());

            HttpClient http = HttpClient.newHttpClient();
            URI metrics = URI.create("http://127.0.0.1:" + metricsPort + "/metrics");
            assertEveryConnectorSeries(awaitSpoolCommitted(() -> http.send(HttpRequest.newBuilder(metrics)
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body()));
        } finally {
            if (worker != null) {
                worker.destroy();
                if (!worker.waitFor(20, TimeUnit.SECONDS)) {
                    worker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
            cluster.close();
        }
    }

    private static void createRawTopic(KafkaClusterTestKit cluster) throws Exception {
        try (Admin admin = cluster.admin()) {
            admin.createTopics(List.of(new NewTopic("tlsrpt.raw", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** A report by HTTPS (201 once the receiver is up), a refused request (415), and a mail in the spool. */
    private static void takeInAReportARefusalAndAMail(int port, Path inbox, Path ca) throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(TrustedCertificates.clientContext(ca)).build();
        URI endpoint = URI.create("https://127.0.0.1:" + port + "/v1/tlsrpt");
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> post(http, endpoint, "application/tlsrpt+json", report()) == 201);
        assertThat(post(http, endpoint, "text/plain", "not a report".getBytes(StandardCharsets.UTF_8)))
                .as("a refused request").isEqualTo(415);
        // written under a name the spool ignores, then renamed in, as the connector asks of writers: with
        // spool.min.file.age.ms=0 a file written in place can be claimed while still empty (it was, once)
        Path partial = Files.write(inbox.resolve("report.eml.tmp"), mail());
        Files.move(partial, inbox.resolve("report.eml"), StandardCopyOption.ATOMIC_MOVE);
    }

    /** The spool is polled: its file, its DKIM verdict and its commit come a moment after the HTTP report's. */
    private static Scrape awaitSpoolCommitted(Callable<String> scrape) throws Exception {
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> {
                        Scrape scraped = Scrape.parse(scrape.call());
                        return scraped.hasSeries("kafka_connect_tlsrpt_records_committed_total", "intake", "spool")
                                && scraped.hasSeries("kafka_connect_tlsrpt_imap_connections_total", "result",
                                "logged-in");
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("no committed spool record or IMAP login in the exporter's output:\n"
                    + String.join("\n", connectLines(scrape.call())), e);
        }
        String text = scrape.call();
        connectLines(text).forEach(l -> LOG.info("scraped {}", l));
        return Scrape.parse(text);
    }

    private static void assertEveryConnectorSeries(Scrape scrape) {
        // the tags the connector adds are labels of their own, beside the worker's connector and task
        assertThat(scrape.samples()).anyMatch(s -> s.startsWith("kafka_connect_tlsrpt_https_requests_total{")
                && s.contains("connector=\"" + CONNECTOR + "\"") && s.contains("task=\"0\"")
                && s.contains("status=\"201\""));
        assertThat(scrape.hasSeries("kafka_connect_tlsrpt_https_requests_total", "status", "415")).isTrue();
        assertThat(scrape.samples()).as("the DKIM verdict on the spooled mail, with its two tags")
                .anyMatch(s -> s.startsWith("kafka_connect_tlsrpt_dkim_results_total{")
                        && s.contains("intake=\"spool\"") && s.contains("result=\"none\"")
                        && s.contains("task=\"0\""));
        assertThat(scrape.families()).containsKeys("kafka_connect_tlsrpt_queue_records",
                "kafka_connect_tlsrpt_https_reports_total", "kafka_connect_tlsrpt_spool_files_total",
                "kafka_connect_tlsrpt_receipt_to_commit_ms_max",
                "kafka_connect_tlsrpt_https_certificate_not_after_seconds");
        assertThat(scrape.hasSeries("kafka_connect_tlsrpt_https_certificate_reloads_total", "result", "failed"))
                .isTrue();
        assertThat(scrape.samples()).as("no label swallowed another tag")
                .noneMatch(s -> s.startsWith("kafka_connect_") && s.matches(".*=\"[^\"]*, [^\"]*=.*"));

        // every kafka_connect_* series of the rules and dashboards, with the labels they use
        Set<String> used = new TreeSet<>();
        for (String expr : PromQl.allExpressions()) {
            PromQl.metricNames(expr).stream().filter(n -> n.startsWith("kafka_connect_")).forEach(name -> {
                used.add(name);
                assertThat(scrape.families()).as(name + " in " + expr).containsKey(name);
                Set<String> labels = new TreeSet<>(PromQl.labelNames(expr));
                labels.removeAll(Set.of("job", "instance"));
                assertThat(scrape.families().get(name)).as("labels of " + name + " in " + expr).containsAll(labels);
            });
        }
        assertThat(used).as("the rules and dashboards watch the connector").isNotEmpty();
    }

    private Path properties(String name, Map<String, String> settings) throws Exception {
        Properties props = new Properties();
        props.putAll(settings);
        Path file = dir.resolve(name);
        try (var out = Files.newBufferedWriter(file)) {
            props.store(out, null);
        }
        return file;
    }

    private static List<String> connectLines(String scrape) {
        return scrape.lines().filter(l -> l.startsWith("kafka_connect_tlsrpt_")).toList();
    }

    /** The metrics-config.yml of the k8s ConfigMap the KafkaConnect's metricsConfig points at. */
    static String exporterConfig() {
        return DeployFiles.k8sObjects("ConfigMap").stream().filter(o -> o.name().equals("tlsrpt-connect-metrics"))
                .findFirst().orElseThrow().node().path("data").path("metrics-config.yml").asText();
    }

    private Map<String, String> workerSettings(String bootstrapServers) {
        Map<String, String> props = ConnectWorkerSettings.basics(bootstrapServers);
        props.put("offset.storage.file.filename", dir.resolve("connect.offsets").toString());
        props.put("offset.flush.interval.ms", "500");
        return props;
    }

    private Map<String, String> connectorSettings(int port, Path inbox) throws Exception {
        Map<String, String> config = new HashMap<>();
        config.put("name", CONNECTOR);
        config.put("connector.class", TlsRptSourceConnector.class.getName());
        config.put(TlsRptSourceConfig.TOPIC, "tlsrpt.raw");
        config.put(TlsRptSourceConfig.HTTPS_ENABLED, "true");
        authority = new TestCertificateAuthority(dir.resolve("pki"));
        config.put(TlsRptSourceConfig.HTTPS_TLS_ENABLED, "true");
        config.put(TlsRptSourceConfig.HTTPS_KEYSTORE_PATH, authority.keystore("intake", true).toString());
        config.put(TlsRptSourceConfig.HTTPS_KEYSTORE_PASSWORD, TestCertificateAuthority.KEYSTORE_PASSWORD);
        config.put(TlsRptSourceConfig.HTTPS_BIND_ADDRESS, "127.0.0.1");
        config.put(TlsRptSourceConfig.HTTPS_PORT, Integer.toString(port));
        config.put(TlsRptSourceConfig.SPOOL_ENABLED, "true");
        config.put(TlsRptSourceConfig.SPOOL_INBOX_DIRECTORY, inbox.toString());
        config.put(TlsRptSourceConfig.SPOOL_WORK_DIRECTORY, Files.createDirectories(dir.resolve("spool/work")).toString());
        config.put(TlsRptSourceConfig.SPOOL_DONE_DIRECTORY, Files.createDirectories(dir.resolve("spool/done")).toString());
        config.put(TlsRptSourceConfig.SPOOL_FAILED_DIRECTORY,
                Files.createDirectories(dir.resolve("spool/failed")).toString());
        config.put(TlsRptSourceConfig.SPOOL_POLL_INTERVAL_MS, "200");
        config.put(TlsRptSourceConfig.IMAP_ENABLED, "true");
        config.put(TlsRptSourceConfig.IMAP_HOST, "127.0.0.1");
        config.put(TlsRptSourceConfig.IMAP_PORT, Integer.toString(imap.getImap().getPort()));
        config.put(TlsRptSourceConfig.IMAP_SECURITY, "none");
        config.put(TlsRptSourceConfig.IMAP_USERNAME, "tlsrpt");
        config.put(TlsRptSourceConfig.IMAP_PASSWORD, "secret");
        config.put(TlsRptSourceConfig.SPOOL_MIN_FILE_AGE_MS, "0");
        // an unsigned mail gets its verdict (none) without a DNS query
        config.put(TlsRptSourceConfig.DKIM_VERIFY, "true");
        config.put(TlsRptSourceConfig.DKIM_DNS_SERVER, "127.0.0.1:" + freePort());
        return config;
    }

    private static void putConnector(Connect<StandaloneHerder> worker, Map<String, String> config) throws Exception {
        FutureCallback<Herder.Created<ConnectorInfo>> created = new FutureCallback<>();
        worker.herder().putConnectorConfig(CONNECTOR, config, true, created);
        created.get(30, TimeUnit.SECONDS);
    }

    private static int post(HttpClient http, URI uri, String contentType, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static byte[] report() throws Exception {
        try (InputStream in = ConnectMetricsIT.class.getResourceAsStream("/reports/rfc8460-appendix-b.json")) {
            return in.readAllBytes();
        }
    }

    /** An unsigned report mail, as a mail server would drop it in the spool. */
    private static byte[] mail() throws Exception {
        String json = new String(report(), StandardCharsets.UTF_8);
        return ("From: tlsrpt@mail.sender.example\r\n"
                + "To: tlsrpt@company-y.example\r\n"
                + "Subject: Report Domain: company-y.example Submitter: mail.sender.example\r\n"
                + "TLS-Report-Domain: company-y.example\r\n"
                + "TLS-Report-Submitter: mail.sender.example\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: multipart/report; report-type=tlsrpt; boundary=\"b1\"\r\n\r\n"
                + "--b1\r\nContent-Type: text/plain\r\n\r\nA TLS report.\r\n"
                + "--b1\r\nContent-Type: application/tlsrpt+json\r\n"
                + "Content-Disposition: attachment; filename=\"report.json\"\r\n\r\n"
                + json + "\r\n--b1--\r\n").getBytes(StandardCharsets.UTF_8);
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
