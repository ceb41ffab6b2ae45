package io.tlsrpt.cli;

import static io.tlsrpt.cli.CommandRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.tlsrpt.cli.CommandRunner.Run;
import io.tlsrpt.cli.reports.TestTlsReports;
import io.tlsrpt.embedded.TopicSnapshot;
import io.tlsrpt.processor.topology.DeadLetters;
import io.tlsrpt.schema.TlsReport;
import io.tlsrpt.schema.serde.AvroSerdeConfig;
import io.tlsrpt.schema.serde.AvroSerdes;
import io.tlsrpt.testkafka.KafkaTestCluster;
import io.tlsrpt.testkafka.ScriptedDnsServer;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.test.JaasUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ACLs deploy/README.md gives the operator commands on a SASL cluster with the authorizer, each shown to be
 * needed, and a refusal is a one-line error with exit code 1, not a stack trace: {@code tlsrpt dead-letters} needs
 * Read on the dead-letter topic to list and Write on the raw topic to replay; {@code tlsrpt alerts} needs Read on the
 * JSON alert topic, {@code tlsrpt reports} Read on the reports topic; none needs a group. {@code tlsrpt watch} needs Write on both alert topics, Read and Write on its
 * posture topic and Write on its transactional id.
 */
class OperatorCommandsSecuredClusterIT {

    private static final String DEAD_LETTER = "tlsrpt.dead-letter";
    private static final String RAW = "tlsrpt.raw";
    private static final String ALERTS = "tlsrpt.alerts.json";
    /** The watch's alert topics: its own, so that the alert test above sees only its record. */
    private static final String WATCH_ALERTS = "watch.alerts";
    private static final String WATCH_ALERTS_JSON = "watch.alerts.json";
    private static final String POSTURE = "tlsrpt.policy-posture";
    private static final String REPORTS = "tlsrpt.reports";
    private static final String USER = "User:" + JaasUtils.KAFKA_PLAIN_USER1;

    @TempDir
    static Path dir;
    static KafkaTestCluster.Secured cluster;
    static Path clientConfig;

    @BeforeAll
    static void start() throws Exception {
        cluster = KafkaTestCluster.startSecured(Map.of());
        try (Admin admin = cluster.admin()) {
            admin.createTopics(List.of(new NewTopic(DEAD_LETTER, 1, (short) 1), new NewTopic(RAW, 1, (short) 1),
                new NewTopic(ALERTS, 1, (short) 1), new NewTopic(WATCH_ALERTS, 1, (short) 1),
                new NewTopic(WATCH_ALERTS_JSON, 1, (short) 1), new NewTopic(REPORTS, 1, (short) 1),
                new NewTopic(POSTURE, 1, (short) 1).configs(Map.of("cleanup.policy", "compact"))))
                .all().get(30, TimeUnit.SECONDS);
        }
        deadLetterOne("{\"not\":\"a report\"}");
        clientConfig = dir.resolve("client.properties");
        Properties user = cluster.user();
        user.remove("bootstrap.servers");
        try (OutputStream out = Files.newOutputStream(clientConfig)) {
            user.store(out, "user1 of the secured test cluster");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    @Test
    void readAndDescribeListWriteOnTheRawTopicReplaysAndEachRefusalIsAnErrorLine() throws Exception {
        Run refused = run(args());
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("tlsrpt dead-letters: cannot read tlsrpt.dead-letter")
            .contains("Not authorized").doesNotContain("\tat ");

        grant(DEAD_LETTER, AclOperation.READ);   // Read implies Describe
        Run list = run(args());
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out().lines()).singleElement().asString().contains("\"reason\":\"not-a-report\"");

        Run replayRefused = run(args("--replay-to", RAW));
        assertThat(replayRefused.exit()).isEqualTo(1);
        assertThat(replayRefused.err()).contains("tlsrpt dead-letters:").containsIgnoringCase("authoriz")
            .doesNotContain("\tat ");
        // the line printed for the dead letter says the replay failed, never that it was written
        assertThat(replayRefused.out().lines()).allSatisfy(line -> assertThat(line)
            .doesNotContain("\"replay\":\"written\"").doesNotContain("replayed_to"));
        assertThat(TopicSnapshot.count(superUser(), RAW)).isZero();

        grant(RAW, AclOperation.WRITE);
        Run replay = run(args("--replay-to", RAW));
        assertThat(replay.exit()).as(replay.err()).isZero();
        assertThat(replay.err()).contains("1 replayed to tlsrpt.raw");
        assertThat(replay.out().lines()).singleElement().asString().contains("\"replay\":\"written\"")
            .contains("\"replayed_to\":\"tlsrpt.raw-0@0\"");
        assertThat(TopicSnapshot.count(superUser(), RAW)).isEqualTo(1);
    }

    @Test
    void readOnTheAlertTopicListsAlertsAndWithoutItTheRefusalIsAnErrorLine() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(superUser(), new ByteArraySerializer(),
            new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(ALERTS, utf8("example.org|certificate-expired"), utf8("{\"alert_id\":"
                + "\"a1\",\"status\":\"firing\",\"kind\":\"certificate-expired\",\"severity\":\"critical\","
                + "\"policy_domain\":\"example.org\",\"detected_at\":\"2026-11-29T10:00:00Z\"}")))
                .get(30, TimeUnit.SECONDS);
        }
        Run refused = run(alertsArgs("--open"));
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("tlsrpt alerts: cannot read tlsrpt.alerts.json")
            .containsIgnoringCase("authoriz").doesNotContain("\tat ");

        grant(ALERTS, AclOperation.READ);
        Run open = run(alertsArgs("--open"));
        assertThat(open.exit()).as(open.err()).isZero();
        assertThat(open.out().lines()).singleElement().asString().contains("\"alert_id\":\"a1\"");
    }

    @Test
    void theDigestNeedsReadOnTheStatisticsAndTheAlertTopics() throws Exception {
        String stats = "digest.domain-stats";
        String alerts = "digest.alerts.json";   // topics of its own: the grants above do not reach them
        try (Admin admin = cluster.admin()) {
            admin.createTopics(List.of(new NewTopic(stats, 1, (short) 1), new NewTopic(alerts, 1, (short) 1)))
                .all().get(30, TimeUnit.SECONDS);
        }
        String yesterday = LocalDate.now(ZoneOffset.UTC).minusDays(1).toString();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(superUser(), new ByteArraySerializer(),
            new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(alerts, utf8("example.org|certificate-expired"), utf8("{\"alert_id\":"
                + "\"d1\",\"status\":\"firing\",\"kind\":\"certificate-expired\",\"severity\":\"critical\","
                + "\"policy_domain\":\"example.org\",\"result_type\":\"certificate-expired\",\"window_start\":\""
                + yesterday + "T00:00:00Z\",\"failed_sessions\":40}"))).get(30, TimeUnit.SECONDS);
        }
        String[] digest = {"digest", "--bootstrap", cluster.bootstrapServers(), "--client-config",
            clientConfig.toString(), "--registry", "mock://secured-digest", "--stats-topic", stats, "--alerts-topic",
            alerts};
        Run noStats = run(digest);
        assertThat(noStats.exit()).isEqualTo(1);
        assertThat(noStats.err()).contains("tlsrpt digest: cannot read " + stats).containsIgnoringCase("authoriz")
            .doesNotContain("\tat ");

        grant(stats, AclOperation.READ);
        Run noAlerts = run(digest);
        assertThat(noAlerts.exit()).isEqualTo(1);
        assertThat(noAlerts.err()).contains("tlsrpt digest: cannot read " + alerts).containsIgnoringCase("authoriz")
            .doesNotContain("\tat ");

        grant(alerts, AclOperation.READ);
        Run shown = run(digest);
        assertThat(shown.exit()).as(shown.err()).isZero();
        assertThat(shown.out()).contains("| open | critical | certificate-expired | example.org | certificate-expired | "
            + yesterday + " | " + yesterday + " | - | 40 | d1 |");
    }

    @Test
    void readOnTheReportsTopicShowsTheReportsAndWithoutItTheRefusalIsAnErrorLine() throws Exception {
        String registry = "mock://operator-commands-it";
        try (Serializer<TlsReport> serializer = AvroSerdes.forClass(TlsReport.class,
                Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry), false).serializer();
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(superUser(), new ByteArraySerializer(),
                 new ByteArraySerializer())) {
            TlsReport report = TestTlsReports.report("Google Inc.", "g-1", 0, TestTlsReports.policy("sts",
                "example.org", List.of("mode: enforce"), 90, TestTlsReports.expired("mx1.example.org", "192.0.2.1",
                    "203.0.113.7", 10)));
            producer.send(new ProducerRecord<>(REPORTS, utf8(report.getDedupKey()),
                serializer.serialize(REPORTS, report))).get(30, TimeUnit.SECONDS);
        }
        String[] reportsArgs = {"reports", "--bootstrap", cluster.bootstrapServers(), "--client-config",
            clientConfig.toString(), "--registry", registry, "--domain", "example.org"};
        Run refused = run(reportsArgs);
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("tlsrpt reports: cannot read tlsrpt.reports")
            .containsIgnoringCase("authoriz").doesNotContain("\tat ");

        grant(REPORTS, AclOperation.READ);
        Run shown = run(reportsArgs);
        assertThat(shown.exit()).as(shown.err()).isZero();
        assertThat(shown.out()).startsWith("example.org: 1 report from 1 reporter, windows 2026-11-20 to 2026-11-20")
            .contains("certificate-expired at mx1.example.org (192.0.2.1): 10 failed sessions in 1 report");
    }

    @Test
    void theWatchNeedsWriteOnTheAlertTopicsReadAndWriteOnItsPostureTopicAndItsTransactionalId() throws Exception {
        // a zone that answers every question with nothing: no _smtp._tls record, no MTA-STS, no TLSA
        try (ScriptedDnsServer dns = new ScriptedDnsServer(query -> {
            org.xbill.DNS.Message answer = new org.xbill.DNS.Message(query.getHeader().getID());
            answer.getHeader().setFlag(org.xbill.DNS.Flags.QR);
            answer.addRecord(query.getQuestion(), org.xbill.DNS.Section.QUESTION);
            return answer;
        })) {
            String[] watch = {"watch", "--bootstrap", cluster.bootstrapServers(), "--client-config",
                clientConfig.toString(), "--registry", "mock://secured-watch", "--resolver",
                "127.0.0.1:" + dns.port(), "--alerts-topic", WATCH_ALERTS, "--alerts-json-topic", WATCH_ALERTS_JSON,
                "--rounds", "1", "unlisted.test"};

            Run noWrite = run(watch);
            assertThat(noWrite.exit()).isEqualTo(1);
            assertThat(noWrite.err()).contains("tlsrpt watch: cannot start: the alert topic watch.alerts does not "
                + "exist").doesNotContain("\tat ");

            grant(WATCH_ALERTS, AclOperation.WRITE);
            grant(WATCH_ALERTS_JSON, AclOperation.WRITE);
            Run noPosture = run(watch);
            assertThat(noPosture.exit()).isEqualTo(1);
            assertThat(noPosture.err()).contains("tlsrpt watch: cannot start:").containsIgnoringCase("authoriz")
                .doesNotContain("\tat ");

            grant(POSTURE, AclOperation.READ, AclOperation.WRITE);
            Run noTransactionalId = run(watch);
            assertThat(noTransactionalId.exit()).isEqualTo(1);
            assertThat(noTransactionalId.err()).contains("tlsrpt watch: cannot write to the cluster:")
                .containsIgnoringCase("authoriz").doesNotContain("\tat ");

            try (Admin admin = cluster.admin()) {
                KafkaTestCluster.grant(admin, List.of(new AclBinding(
                    new ResourcePattern(ResourceType.TRANSACTIONAL_ID, "tlsrpt-watch", PatternType.LITERAL),
                    new AccessControlEntry(USER, "*", AclOperation.WRITE, AclPermissionType.ALLOW))));
            }
            Run watched = run(watch);
            assertThat(watched.exit()).as(watched.err()).isZero();
            assertThat(watched.out().lines()).singleElement().asString()
                .contains("\"kind\":\"tlsrpt-record-broken\"").contains("\"result_type\":\"tlsrpt-record-missing\"");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> TopicSnapshot.count(superUser(), POSTURE) == 1
                    && TopicSnapshot.count(superUser(), WATCH_ALERTS_JSON) == 1
                    && TopicSnapshot.count(superUser(), WATCH_ALERTS) == 1);

            // a round that cannot be published (Write on the posture topic withdrawn) is aborted, nothing of it
            // visible, and done again at the next round once the right is back
            List<AclBinding> postureWrite = List.of(new AclBinding(
                new ResourcePattern(ResourceType.TOPIC, POSTURE, PatternType.LITERAL),
                new AccessControlEntry(USER, "*", AclOperation.WRITE, AclPermissionType.ALLOW)));
            try (Admin admin = cluster.admin()) {
                KafkaTestCluster.revoke(admin, postureWrite);
            }
            int port;
            try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
                port = free.getLocalPort();
            }
            List<String> twoRounds = new java.util.ArrayList<>(List.of(watch));
            twoRounds.set(twoRounds.indexOf("unlisted.test"), "second.test");
            twoRounds.set(twoRounds.indexOf("--rounds") + 1, "2");
            twoRounds.addAll(List.of("--interval", "PT3S", "--metrics-port", Integer.toString(port)));
            java.util.concurrent.CompletableFuture<Run> retrying = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> run(twoRounds.toArray(String[]::new)));
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                    + port + "/metrics")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body()
                    .contains("tlsrpt_watch_rounds_total{outcome=\"failed\"} 1.0"));
            try (Admin admin = cluster.admin()) {
                KafkaTestCluster.grant(admin, postureWrite);
            }
            Run retried = retrying.get(60, TimeUnit.SECONDS);
            assertThat(retried.exit()).as(retried.err()).isZero();
            // the next round: second.test's incident fires, unlisted.test (no longer listed) has its own resolved
            assertThat(retried.err()).contains("round 2: 1 domain(s) checked", "1 fired, 1 resolved")
                .doesNotContain("round 1:");
            assertThat(retried.out().lines().filter(l -> l.contains("\"policy_domain\":\"second.test\"")))
                .as("the aborted round's alert, published once by the next").hasSize(1);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> TopicSnapshot.count(superUser(), WATCH_ALERTS_JSON) == 3);
        }
    }

    private static String[] alertsArgs(String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("alerts", "--bootstrap", cluster.bootstrapServers(),
            "--client-config", clientConfig.toString()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String[] args(String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("dead-letters", "--bootstrap",
            cluster.bootstrapServers(), "--client-config", clientConfig.toString()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private static void grant(String topic, AclOperation... operations) throws Exception {
        List<AclBinding> acls = java.util.Arrays.stream(operations).map(op -> new AclBinding(
            new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL),
            new AccessControlEntry(USER, "*", op, AclPermissionType.ALLOW))).toList();
        try (Admin admin = cluster.admin()) {
            KafkaTestCluster.grant(admin, acls);
        }
    }

    /** A dead letter as the processor writes one for a raw record it could not decode. */
    private static void deadLetterOne(String raw) throws Exception {
        byte[] value = raw.getBytes(StandardCharsets.UTF_8);
        RecordHeaders headers = new RecordHeaders();
        headers.add("tlsrpt.source", "https".getBytes(StandardCharsets.UTF_8));
        headers.add("tlsrpt.received-at", "2026-11-29T10:00:00Z".getBytes(StandardCharsets.UTF_8));
        DeadLetters.annotate(headers, DeadLetters.STAGE_DECODE, "not-a-report", "no policies", RAW, 0, 0L, value,
            Instant.parse("2026-11-29T10:00:01Z"));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(superUser(), new ByteArraySerializer(),
            new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(DEAD_LETTER, null, "k1".getBytes(StandardCharsets.UTF_8), value,
                headers)).get(30, TimeUnit.SECONDS);
        }
    }

    private static Map<String, Object> superUser() {
        Map<String, Object> props = new HashMap<>();
        cluster.superUser().forEach((k, v) -> props.put(k.toString(), v));
        return props;
    }
}
