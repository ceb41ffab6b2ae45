package io.tlsrpt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tlsrpt.cli.watch.WatchMetrics;
import io.tlsrpt.notify.NotifierMeters;
import io.tlsrpt.processor.app.ProcessorConfig;
import io.tlsrpt.processor.app.ServedDomainsReloader;
import io.tlsrpt.processor.detect.AlertKind;
import io.tlsrpt.processor.detect.Severity;
import io.tlsrpt.processor.rocksdb.RocksDBMemory;
import io.tlsrpt.processor.rocksdb.RocksDBMemoryMetrics;
import io.tlsrpt.processor.topology.DeadLetters;
import io.tlsrpt.processor.topology.PipelineMetrics;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every tlsrpt_* metric (and label) the alerting rules and the dashboards use is one the code registers: the
 * processor's PipelineMetrics, its RocksDB memory gauges, the notifier's and the policy watch's meters are registered on a Prometheus registry, moved once each,
 * and scraped; the names are compared with the scrape. The kafka_* names come from the Kafka clients at run time
 * and are checked against a running processor by ProcessorMetricsIT; the kafka_connect_* names come from a Connect
 * worker through the JMX exporter and are checked by ConnectMetricsIT.
 */
class MetricNamesTest {

    /** Prometheus' own series. */
    private static final Set<String> PROMETHEUS_SERIES = Set.of("up");
    /** Labels Prometheus attaches to every scraped series. */
    private static final Set<String> TARGET_LABELS = Set.of("job", "instance");

    @Test
    void everyTlsrptMetricInTheRulesAndDashboardsIsRegisteredByTheCode() throws Exception {
        Scrape scrape = Scrape.parse(codeScrape());
        assertThat(scrape.families()).as("the code registers metrics").isNotEmpty();
        Map<String, String> used = usedMetrics();
        assertThat(used.keySet()).as("tlsrpt metrics used").anyMatch(n -> n.startsWith("tlsrpt_"));
        used.forEach((name, where) -> {
            if (name.startsWith("tlsrpt_")) {
                assertThat(scrape.families()).as(name + " used in " + where + " (the code registers "
                        + scrape.families().keySet() + ")").containsKey(name);
            } else {
                assertThat(PROMETHEUS_SERIES.contains(name) || name.startsWith("kafka_"))
                        .as(name + " used in " + where + " is neither a tlsrpt_, kafka_ nor a Prometheus series").isTrue();
            }
        });
    }

    @Test
    void everyLabelInTheRulesAndDashboardsIsOneTheMetricsCarry() throws Exception {
        Scrape scrape = Scrape.parse(codeScrape());
        Set<String> known = new TreeSet<>(TARGET_LABELS);
        scrape.families().values().forEach(known::addAll);
        // kafka_* consumer metrics carry these tags (Kafka's FetchMetricsManager and Micrometer's binder);
        // ProcessorMetricsIT checks them against a running processor
        known.addAll(Set.of("client_id", "topic", "partition", "kafka_version"));
        // kafka_connect_* series carry the worker's tags and the connector's as labels (the JMX exporter rules of
        // the Connect metrics ConfigMap); ConnectMetricsIT checks them against a real worker
        known.addAll(Set.of("connector", "task", "status", "intake", "result"));
        for (String expr : PromQl.allExpressions()) {
            assertThat(known).as("labels of " + expr).containsAll(PromQl.labelNames(expr));
        }
    }

    @Test
    void labelValuesTheRulesAndDashboardsMatchAreValuesTheCodeUses() throws Exception {
        Map<String, Set<String>> codeValues = new TreeMap<>();
        Set<String> stages = new TreeSet<>();
        for (var f : DeadLetters.class.getFields()) {
            if (f.getName().startsWith("STAGE_") && Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                stages.add((String) f.get(null));
            }
        }
        codeValues.put("stage", stages);
        Set<String> severities = new TreeSet<>();
        for (Severity severity : Severity.values()) {
            severities.add(severity.code());
        }
        codeValues.put("severity", severities);
        Set<String> kinds = new TreeSet<>();
        for (AlertKind kind : AlertKind.values()) {
            kinds.add(kind.code());
        }
        codeValues.put("kind", kinds);
        // Alert.status is "firing" or "resolved" (architecture.md; DetectStage sets it); the connector's
        // https-requests-total counts HTTP answers by status code: the codes its receiver answers with
        Set<String> statuses = new TreeSet<>(Set.of("firing", "resolved"));
        statuses.addAll(httpStatusesOfTheReceiver());
        // the processor's tlsrpt_queries_total counts its query endpoints' answers by status code
        statuses.addAll(io.tlsrpt.processor.app.QueryMetrics.STATUSES);
        codeValues.put("status", statuses);
        assertThat(stages).contains("decode");

        java.util.regex.Pattern matcher = java.util.regex.Pattern.compile(
                "\\b(stage|severity|kind|status)\\s*(=~|=|!=|!~)\\s*\"([^\"]*)\"");
        int checked = 0;
        for (String expr : PromQl.ruleExpressions()) {
            var m = matcher.matcher(expr);
            while (m.find()) {
                for (String value : m.group(3).split("\\|")) {
                    assertThat(codeValues.get(m.group(1))).as(m.group(1) + " value '" + value + "' in " + expr)
                            .contains(value);
                    checked++;
                }
            }
        }
        for (String expr : PromQl.dashboardExpressions()) {
            var m = matcher.matcher(expr);
            while (m.find()) {
                for (String value : m.group(3).split("\\|")) {
                    assertThat(codeValues.get(m.group(1))).as(m.group(1) + " value '" + value + "' in " + expr)
                            .contains(value);
                    checked++;
                }
            }
        }
        assertThat(checked).as("label values checked").isGreaterThanOrEqualTo(4);
    }

    @Test
    void theLexerFindsNamesAndLabelsButNotValues() {
        String expr = "sum by (stage, reason) (increase(tlsrpt_dead_letters_total{stage=~\"process|tlsrpt_x\"}[15m]))"
                + " / clamp_min(sum(rate(tlsrpt_raw_records_total[$__rate_interval])), 1) > 0.2";
        assertThat(PromQl.metricNames(expr)).containsExactlyInAnyOrder("tlsrpt_dead_letters_total",
                "tlsrpt_raw_records_total");
        assertThat(PromQl.labelNames(expr)).containsExactlyInAnyOrder("stage", "reason");
    }

    /** The status codes in the HTTPS receiver's source ({@code respond(ex, 503, ...)}). */
    private static Set<String> httpStatusesOfTheReceiver() {
        String source = DeployFiles.read(DeployFiles.ROOT.resolve(
                "../ingest-connector/src/main/java/io/tlsrpt/connect/https/HttpsReceiver.java"));
        Set<String> codes = new TreeSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("respond\\(ex, (\\d{3}),").matcher(source);
        while (m.find()) {
            codes.add(m.group(1));
        }
        assertThat(codes).as("the receiver's answers").contains("201", "503");
        return codes;
    }

    /** metric name -> one expression using it. */
    static Map<String, String> usedMetrics() {
        Map<String, String> used = new TreeMap<>();
        for (String expr : PromQl.allExpressions()) {
            PromQl.metricNames(expr).forEach(n -> used.putIfAbsent(n, expr));
        }
        return used;
    }

    /**
     * The Prometheus text the processor's and the notifier's meters produce once each has moved. Every public
     * void method of PipelineMetrics taking only strings is one meter update: calling them all (with stand-in tag
     * values) registers every meter, including those added after this test was written.
     */
    static String codeScrape() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        PipelineMetrics pipeline = new PipelineMetrics(registry);
        int updates = 0;
        for (Method m : PipelineMetrics.class.getDeclaredMethods()) {
            boolean onlyStrings = java.util.Arrays.stream(m.getParameterTypes()).allMatch(t -> t == String.class);
            if (Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers())
                    && m.getReturnType() == void.class && onlyStrings) {
                Object[] args = new Object[m.getParameterCount()];
                java.util.Arrays.fill(args, "stand-in");
                m.invoke(pipeline, args);
                updates++;
            }
        }
        assertThat(updates).as("PipelineMetrics update methods").isGreaterThanOrEqualTo(5);
        NotifierMeters.registerAll(registry);
        new WatchMetrics(registry, java.time.Duration.ofMinutes(15), java.time.Clock.systemUTC());
        new io.tlsrpt.processor.app.QueryMetrics(registry);
        // the domain lists' kept sums, by source
        new io.tlsrpt.processor.topology.SummedDomains(new io.tlsrpt.processor.topology.WindowChanges(),
                java.time.Duration.ofSeconds(30), registry);
        // the HTTP server's certificate (http.tls.*): its expiry and reloads
        java.nio.file.Path pki = java.nio.file.Files.createTempDirectory("metric-names-pki");
        io.tlsrpt.testkafka.TestCertificateAuthority.PemPair tls =
                new io.tlsrpt.testkafka.TestCertificateAuthority(pki).pemPair("processor");
        io.tlsrpt.processor.app.CertificateMeters.register(io.tlsrpt.tls.ServerCertificate.fromPem(tls.certificate(),
                tls.key(), java.time.Clock.systemUTC()), registry);
        // revoked client certificates presented (http.tls.client.crl.file)
        io.tlsrpt.testkafka.TestCertificateAuthority clientAuthority =
                new io.tlsrpt.testkafka.TestCertificateAuthority(pki.resolve("clients"));
        io.tlsrpt.processor.app.CertificateMeters.register(new io.tlsrpt.tls.RevokedCertificates(
                clientAuthority.crl("clients", java.time.Duration.ofDays(7)),
                io.tlsrpt.tls.PemFiles.certificates(clientAuthority.caCertificate()), java.time.Clock.systemUTC()),
                registry);
        // the reads of the identity provider's key set of the queries' JWTs (http.domains.jwt.*); nothing read here
        io.tlsrpt.processor.app.QueryKeySetMetrics.bind(registry, new io.tlsrpt.oauth.JsonWebKeys(
                java.net.URI.create("https://127.0.0.1:9/keys"), javax.net.ssl.SSLContext.getDefault(),
                java.time.Duration.ofSeconds(1), java.time.Clock.systemUTC()));
        try (RocksDBMemory rocksDb = new RocksDBMemory(4L << 20, 0.5);
             ServedDomainsReloader served = ServedDomainsReloader.start(
                     ProcessorConfig.fromProperties(new Properties()), registry)) {
            new RocksDBMemoryMetrics(rocksDb).bindTo(registry);
            assertThat(served.current().servesAll()).as("the default list").isTrue();
            return registry.scrape();
        }
    }
}
