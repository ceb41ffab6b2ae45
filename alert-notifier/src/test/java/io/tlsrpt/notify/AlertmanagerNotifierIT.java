package io.tlsrpt.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import com.sun.net.httpserver.HttpServer;
import io.tlsrpt.testkafka.AlertmanagerProcess;
import io.tlsrpt.testkafka.Closeables;
import io.tlsrpt.testkafka.KafkaTestCluster;
import io.tlsrpt.testkafka.TestTokenEndpoint;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The notifier against a real Kafka broker (KRaft test kit) and two real Alertmanager processes (an HA pair:
 * the notifier posts to both).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AlertmanagerNotifierIT {

    private static final String TOPIC = "tlsrpt.alerts.json";
    private static final String GROUP = "notifier-it";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static KafkaClusterTestKit cluster;
    private static Admin admin;
    private static KafkaProducer<String, String> producer;
    private static AlertmanagerProcess amA;
    private static AlertmanagerProcess amB;
    private static AlertmanagerNotifier notifier;
    private static SimpleMeterRegistry meters;
    private static Path work;

    @BeforeAll
    static void startEverything() throws Exception {
        work = Files.createDirectories(Path.of("target", "alertmanager-it"));
        AlertmanagerProcess.binary();   // fail fast, with instructions, when the package is missing
        amA = new AlertmanagerProcess(Files.createTempDirectory(work, "am-a")).start();
        amB = new AlertmanagerProcess(Files.createTempDirectory(work, "am-b")).start();

        cluster = KafkaTestCluster.start(Map.of("offsets.topic.num.partitions", "1"));
        admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()));
        admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);

        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(p);

        notifier = startNotifier();
    }

    @AfterAll
    static void stopEverything() throws Exception {
        Closeables.closeAll(notifier, producer, admin, cluster, amA, amB);
    }

    private static AlertmanagerNotifier startNotifier() {
        meters = new SimpleMeterRegistry();
        return startNotifier(GROUP, amA.url() + "," + amB.url(), Map.of(), meters);
    }

    private static AlertmanagerNotifier startNotifier(String group, String urls, Map<String, String> extra,
                                                      SimpleMeterRegistry registry) {
        Map<String, String> props = new HashMap<>();
        props.put(NotifierConfig.BOOTSTRAP_SERVERS, cluster.bootstrapServers());
        props.put(NotifierConfig.GROUP_ID, group);
        props.put(NotifierConfig.ALERTMANAGER_URLS, urls);
        props.put(NotifierConfig.TIMEOUT_MS, "2000");
        props.put(NotifierConfig.RESEND_INTERVAL_MS, "2000");
        props.put(NotifierConfig.RETRY_BACKOFF_INITIAL_MS, "200");
        props.put(NotifierConfig.RETRY_BACKOFF_MAX_MS, "1000");
        props.put(NotifierConfig.EXTRA_LABELS, "team=mail");
        props.put(NotifierConfig.DOMAIN_URL, "http://tlsrpt.example.net:9464/v1/domains/{policy_domain}");
        props.putAll(extra);
        return AlertmanagerNotifier.start(NotifierConfig.from(props, Map.of()), registry);
    }

    private static void produce(AlertJson alert) throws Exception {
        // key as the stream processor writes it (one per incident, whatever its kind becomes); the notifier does not
        // depend on its form
        producer.send(new ProducerRecord<>(TOPIC, alert.parsed().policyDomain() + "|" + alert.parsed().resultType(),
                alert.json())).get(10, TimeUnit.SECONDS);
    }

    private static AlertJson firing(String id, String domain) {
        return AlertJson.firing(id).with("policy_domain", domain).detectedAt(Instant.now().minusSeconds(60)
                .truncatedTo(ChronoUnit.SECONDS));
    }

    private static AlertJson resolved(String id, String domain) {
        return AlertJson.resolved(id).with("policy_domain", domain).detectedAt(Instant.now()
                .truncatedTo(ChronoUnit.SECONDS));
    }

    private static long committedTotal() throws Exception {
        return committedTotal(GROUP);
    }

    private static long committedTotal(String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed =
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        return committed.values().stream().filter(java.util.Objects::nonNull).mapToLong(OffsetAndMetadata::offset).sum();
    }

    private static long endTotal() throws Exception {
        Map<TopicPartition, OffsetSpec> request = Map.of(new TopicPartition(TOPIC, 0), OffsetSpec.latest(),
                new TopicPartition(TOPIC, 1), OffsetSpec.latest());
        return admin.listOffsets(request).all().get(10, TimeUnit.SECONDS).values().stream()
                .mapToLong(i -> i.offset()).sum();
    }

    private static void awaitAllCommitted() {
        await("every record committed").atMost(WAIT).until(() -> committedTotal() == endTotal());
    }

    @Test
    void firingAlertAppearsInBothAlertmanagersWithTheLabels() throws Exception {
        AlertJson alert = firing("it-fire-1", "fire.example");
        produce(alert);

        for (AlertmanagerProcess am : List.of(amA, amB)) {
            await("firing alert in " + am.url()).atMost(WAIT).until(() -> am.alerts("it-fire-1").size() == 1);
            JsonNode posted = am.alerts("it-fire-1").get(0);
            Map<String, String> labels = new HashMap<>();
            posted.get("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
            assertThat(labels).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "alertname", "starttls-downgrade-suspected", "severity", "critical",
                    "policy_domain", "fire.example", "result_type", "starttls-not-supported",
                    "source", "tlsrpt", "alert_id", "it-fire-1", "receiving_mx", "mx1.example.org", "team", "mail"));
            assertThat(posted.path("annotations").path("summary").asText()).contains("STARTTLS downgrade suspected");
            assertThat(posted.path("annotations").path("description").asText())
                    .contains("120 of 4000 sessions").contains("Reporters: google.com, microsoft.com")
                    .contains("Top sending IPs: 203.0.113.7").contains("Top receiving MX: mx1.example.org")
                    .contains("Check first:");
            assertThat(posted.path("annotations").path("domain_url").asText())
                    .isEqualTo("http://tlsrpt.example.net:9464/v1/domains/fire.example");
            assertThat(Instant.parse(posted.get("startsAt").asText()))
                    .isEqualTo(Instant.parse(alert.parsed().detectedAt().toString()));
            assertThat(posted.path("status").path("state").asText()).isIn("active", "unprocessed");
        }
        awaitAllCommitted();
        assertThat(meters.get("tlsrpt.notifier.posts").tag("result", "accepted").counters())
                .isNotEmpty().allSatisfy(c -> assertThat(c.count()).isPositive());
    }

    @Test
    void resolvedAlertEndsTheAlertmanagerAlert() throws Exception {
        produce(firing("it-res-1", "resolve.example"));
        await().atMost(WAIT).until(() -> amA.alerts("it-res-1").size() == 1 && amB.alerts("it-res-1").size() == 1);
        double resolvedBefore = amA.metric("alertmanager_alerts_received_total{status=\"resolved\",version=\"v2\"}");

        produce(resolved("it-res-1", "resolve.example"));

        // GET /api/v2/alerts lists only alerts whose endsAt is still ahead: an ended alert leaves it
        await("resolved alert ended in both").atMost(WAIT)
                .until(() -> amA.alerts("it-res-1").isEmpty() && amB.alerts("it-res-1").isEmpty());
        assertThat(amA.metric("alertmanager_alerts_received_total{status=\"resolved\",version=\"v2\"}"))
                .isGreaterThan(resolvedBefore);
        awaitAllCommitted();
        // a resolved alert is not re-sent: it stays ended across several re-send intervals
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(8))
                .until(() -> amA.alerts("it-res-1").isEmpty() && amB.alerts("it-res-1").isEmpty());
    }

    @Test
    void anEscalatedIncidentEndsItsWarningAndFiresCriticalUnderTheSameAlertId() throws Exception {
        produce(firing("it-esc-1", "esc.example").with("kind", "starttls-unavailable").with("severity", "warning"));
        for (AlertmanagerProcess am : List.of(amA, amB)) {
            await("warning in " + am.url()).atMost(WAIT).until(() -> am.alerts("it-esc-1").stream()
                    .anyMatch(a -> a.path("labels").path("severity").asText().equals("warning")));
        }

        produce(firing("it-esc-1", "esc.example").with("failed_sessions", 80));

        // one Alertmanager alert again, the critical one: the warning's label set was ended, not left to time out,
        // and it stays so across re-sends (every 2 s here)
        for (AlertmanagerProcess am : List.of(amA, amB)) {
            await("only the critical alert in " + am.url()).atMost(WAIT).until(() -> onlyCritical(am, "it-esc-1"));
        }
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(8))
                .until(() -> onlyCritical(amA, "it-esc-1") && onlyCritical(amB, "it-esc-1"));
        awaitAllCommitted();
    }

    private static boolean onlyCritical(AlertmanagerProcess am, String alertId) throws Exception {
        List<JsonNode> alerts = am.alerts(alertId);
        return alerts.size() == 1 && alerts.get(0).path("labels").path("severity").asText().equals("critical")
                && alerts.get(0).path("labels").path("alertname").asText().equals("starttls-downgrade-suspected");
    }

    @Test
    void oneIncidentIsOneAlertmanagerAlert() throws Exception {
        for (long failed = 10; failed <= 40; failed += 10) {
            produce(firing("it-one-1", "one.example").with("failed_sessions", failed));
        }
        for (AlertmanagerProcess am : List.of(amA, amB)) {
            await("latest update in " + am.url()).atMost(WAIT).until(() -> am.alerts("it-one-1").stream()
                    .anyMatch(a -> a.path("annotations").path("failed_sessions").asText().equals("40")));
        }
        // updates and re-sends (every 2 s here) keep exactly one Alertmanager alert for the incident
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(8))
                .until(() -> amA.alerts("it-one-1").size() == 1 && amB.alerts("it-one-1").size() == 1);
        assertThat(amA.alerts().stream().filter(a -> "one.example".equals(a.path("labels").path("policy_domain").asText())))
                .hasSize(1);
    }

    @Test
    void alertmanagerStoppedMidRunLosesNothing() throws Exception {
        produce(firing("it-down-keep", "down.example"));
        produce(firing("it-down-end", "down.example"));
        await().atMost(WAIT).until(() -> amA.alerts("it-down-keep").size() == 1 && amA.alerts("it-down-end").size() == 1
                && amB.alerts("it-down-keep").size() == 1);
        awaitAllCommitted();

        amA.stop();
        produce(firing("it-down-new-1", "down.example"));
        produce(firing("it-down-new-2", "down2.example"));
        produce(resolved("it-down-end", "down.example"));

        // the live member of the pair keeps receiving while the other is down...
        await("B receives while A is down").atMost(WAIT).until(() -> amB.alerts("it-down-new-1").size() == 1
                && amB.alerts("it-down-new-2").size() == 1 && amB.alerts("it-down-end").isEmpty());
        // ...but nothing is committed that A has not accepted
        assertThat(committedTotal()).isLessThan(endTotal());
        assertThat(meters.get("tlsrpt.notifier.retries").counter().count()).isPositive();

        amA.start();   // same port; a restarted Alertmanager has forgotten every alert

        await("A gets the records it missed").atMost(WAIT)
                .until(() -> amA.alerts("it-down-new-1").size() == 1 && amA.alerts("it-down-new-2").size() == 1);
        await("A got the resolution it missed").atMost(WAIT).until(() ->
                amA.metric("alertmanager_alerts_received_total{status=\"resolved\",version=\"v2\"}") >= 1);
        await("the re-send restores what was firing before A restarted").atMost(WAIT)
                .until(() -> amA.alerts("it-down-keep").size() == 1);
        assertThat(amA.alerts("it-down-end")).isEmpty();
        awaitAllCommitted();
    }

    @Test
    void restartedNotifierRebuildsAndReSendsTheFiringAlerts() throws Exception {
        produce(firing("it-rb-firing", "rebuild.example"));
        produce(firing("it-rb-ended", "rebuild.example"));
        produce(resolved("it-rb-ended", "rebuild.example"));
        await().atMost(WAIT).until(() -> amB.alerts("it-rb-firing").size() == 1 && amB.alerts("it-rb-ended").isEmpty());
        awaitAllCommitted();

        notifier.close();
        assertThat(notifier.isRunning()).isFalse();
        amB.stop();
        amB.start();           // forgets everything
        assertThat(amB.alerts()).isEmpty();

        notifier = startNotifier();

        // nothing new on the topic: the firing alert comes back only through the rebuilt firing set
        await("rebuilt firing alert re-sent").atMost(WAIT).until(() -> amB.alerts("it-rb-firing").size() == 1);
        assertThat(amB.alerts("it-rb-ended")).isEmpty();
        assertThat(meters.get("tlsrpt.notifier.firing.alerts").gauge().value()).isPositive();
    }

    @Test
    void invalidRecordsAreCountedAndDoNotBlockTheOthers() throws Exception {
        producer.send(new ProducerRecord<>(TOPIC, "bad", "{not json")).get(10, TimeUnit.SECONDS);
        produce(firing("it-after-bad", "bad.example"));
        await().atMost(WAIT).until(() -> amA.alerts("it-after-bad").size() == 1 && amB.alerts("it-after-bad").size() == 1);
        awaitAllCommitted();
        assertThat(meters.get("tlsrpt.notifier.records.invalid").counter().count()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void exampleRouteFromDeployInhibitsWarningsWhileACriticalFiresForTheDomain() throws Exception {
        Path example = ExampleRoute.EXAMPLE;
        assertThat(example).as("deploy/alertmanager/alertmanager.yml").isRegularFile();
        try (AlertmanagerProcess am = new AlertmanagerProcess(Files.createTempDirectory(work, "am-deploy"), example, null,
                HttpClient.newHttpClient(), null).start();
             AlertmanagerNotifier routed = startNotifier("notifier-it-deploy", am.url().toString(), Map.of(),
                     new SimpleMeterRegistry())) {
            produce(firing("it-inh-critical", "inhibit.example"));
            produce(firing("it-inh-warning", "inhibit.example").with("severity", "warning").with("kind", "failure-spike")
                    .with("result_type", "certificate-expired"));
            produce(firing("it-inh-elsewhere", "other.example").with("severity", "warning").with("kind", "failure-spike"));

            await("warning inhibited by the critical alert of the same domain").atMost(WAIT).until(() ->
                    state(am, "it-inh-warning").equals("suppressed")
                            && am.alerts("it-inh-warning").get(0).path("status").path("inhibitedBy").size() == 1);
            assertThat(state(am, "it-inh-critical")).isEqualTo("active");
            // keyed by another domain it may be on the other partition, posted (and processed) a moment later
            await("a warning of another domain stays active").atMost(WAIT)
                    .until(() -> state(am, "it-inh-elsewhere").equals("active"));
            assertThat(routed.isRunning()).isTrue();
        }
    }

    /**
     * The watch finds a domain's rua destinations dead: the reports-stopped alerts of its reporters that follow are
     * muted in the example route (the cause is on call already); another domain's stay active.
     */
    @Test
    void exampleRouteFromDeployMutesReportsStoppedWhileTheWatchSaysTheReportsCannotArrive() throws Exception {
        try (AlertmanagerProcess am = new AlertmanagerProcess(Files.createTempDirectory(work, "am-rua"),
                ExampleRoute.EXAMPLE, null, HttpClient.newHttpClient(), null).start();
             AlertmanagerNotifier routed = startNotifier("notifier-it-deploy-rua", am.url().toString(), Map.of(),
                     new SimpleMeterRegistry())) {
            produce(firing("it-rua-dead", "dead-rua.example").with("severity", "warning")
                    .with("kind", "tlsrpt-rua-unreachable").with("result_type", "tlsrpt-rua-unreachable")
                    .withList("reporters", "tlsrpt watch"));
            produce(stopped("it-rua-stopped", "dead-rua.example", "google.com"));
            produce(stopped("it-rua-elsewhere", "alive-rua.example", "google.com"));

            await("the consequence muted by its cause").atMost(WAIT).until(() ->
                    state(am, "it-rua-stopped").equals("suppressed")
                            && am.alerts("it-rua-stopped").get(0).path("status").path("inhibitedBy").size() == 1);
            assertThat(state(am, "it-rua-dead")).isEqualTo("active");
            await("another domain's silence stays active").atMost(WAIT)
                    .until(() -> state(am, "it-rua-elsewhere").equals("active"));
            assertThat(routed.isRunning()).isTrue();
        }
    }

    /**
     * A reporter that stops for every domain at once (the intake refuses its mails, or it stopped sending) raises a
     * reports-stopped alert per domain: the example route makes them one group (one notification) per reporter,
     * while other warnings stay grouped by domain.
     */
    @Test
    void exampleRouteFromDeployGroupsAReporterThatStoppedOnManyDomainsIntoOneNotification() throws Exception {
        Path example = ExampleRoute.EXAMPLE;
        String everywhere = "stopped-everywhere.example";
        try (AlertmanagerProcess am = new AlertmanagerProcess(Files.createTempDirectory(work, "am-stopped"), example,
                null, HttpClient.newHttpClient(), null).start();
             AlertmanagerNotifier routed = startNotifier("notifier-it-deploy-stopped", am.url().toString(), Map.of(),
                     new SimpleMeterRegistry())) {
            for (int i = 0; i < 12; i++) {
                produce(stopped("it-stop-" + i, "stop" + i + ".example", everywhere));
            }
            produce(stopped("it-stop-other", "stop0.example", "once.example"));
            produce(firing("it-stop-spike", "stop1.example").with("severity", "warning").with("kind", "failure-spike"));

            await("the reporter's twelve alerts in one group").atMost(WAIT).until(() ->
                    alertsInGroup(am, "reporter", everywhere) == 12);
            JsonNode group = am.groups().stream()
                    .filter(g -> everywhere.equals(g.path("labels").path("reporter").asText())).findFirst().orElseThrow();
            assertThat(group.path("labels").size()).as("grouped by the reporter alone").isEqualTo(1);
            assertThat(group.path("receiver").path("name").asText()).isEqualTo("mail-oncall");
            await("another reporter's silence is a group of its own").atMost(WAIT).until(() ->
                    alertsInGroup(am, "reporter", "once.example") == 1);
            await("other warnings stay grouped by domain").atMost(WAIT).until(() ->
                    alertsInGroup(am, "policy_domain", "stop1.example") == 1);
            assertThat(routed.isRunning()).isTrue();
        }
    }

    /** A tenant's domains: the example mails the tenant its alerts and still takes them to the on-call. */
    @Test
    void exampleRouteFromDeploySendsATenantItsOwnDomainsAlertsAndTheOnCallToo() throws Exception {
        try (AlertmanagerProcess am = new AlertmanagerProcess(Files.createTempDirectory(work, "am-tenant"),
                ExampleRoute.EXAMPLE, null, HttpClient.newHttpClient(), null).start();
             AlertmanagerNotifier routed = startNotifier("notifier-it-deploy-tenant", am.url().toString(), Map.of(),
                     new SimpleMeterRegistry())) {
            produce(firing("it-tenant-1", "shop.acme.example").with("severity", "warning").with("tenant", "acme"));
            produce(firing("it-tenant-2", "other-customer.example").with("severity", "warning"));

            await("the tenant's and the on-call's groups").atMost(WAIT).untilAsserted(() -> {
                List<JsonNode> groups = am.groups();
                assertThat(receivers(groups, "shop.acme.example")).as(groups.toString())
                        .containsExactlyInAnyOrder("mail-tenant-acme", "mail-oncall");
                assertThat(receivers(groups, "other-customer.example")).as(groups.toString())
                        .containsExactly("mail-oncall");
            });
            assertThat(am.alerts().stream().filter(a -> a.path("labels").path("policy_domain").asText()
                    .equals("shop.acme.example")).findFirst().orElseThrow().path("labels").path("tenant").asText())
                    .isEqualTo("acme");
            assertThat(routed.isRunning()).isTrue();
        }
    }

    /** The receivers of the groups holding {@code domain}'s alerts. */
    private static List<String> receivers(List<JsonNode> groups, String domain) {
        return groups.stream().filter(g -> g.path("alerts").findValuesAsText("policy_domain").contains(domain))
                .map(g -> g.path("receiver").path("name").asText()).toList();
    }

    /**
     * The example's receivers end to end: the notifier posts to a real Alertmanager running the example configuration
     * (only its relay and paging webhook pointed at local servers and its waits shortened, {@link ExampleRoute}),
     * which mails the on-call with the subject and text its templates render (by domain for a failure, by reporter for
     * a reporter that stopped on several domains, and again when the failure resolves) and pages a critical alert, not
     * mailing it, firing and resolved.
     */
    @Test
    void exampleRouteFromDeployMailsTheOnCallAndPagesCriticalAlerts() throws Exception {
        try (ExampleDeployment deployed = ExampleDeployment.start("am-mail", "notifier-it-deploy-mail")) {
            String spikeSummary = "failure-spike on mailed.example: 310 of 2000 sessions failed with"
                    + " certificate-expired";
            produce(firing("it-mail-spike", "mailed.example").with("severity", "warning").with("kind", "failure-spike")
                    .with("result_type", "certificate-expired").with("failed_sessions", 310).with("total_sessions", 2000)
                    .with("summary", spikeSummary));
            for (String domain : List.of("quiet1.example", "quiet2.example", "quiet3.example")) {
                produce(stopped("it-mail-stop-" + domain, domain, "mute-reporter.example")
                        .with("summary", "reports-stopped on " + domain + ": no report from mute-reporter.example"));
            }

            MimeMessage spike = awaitMail(deployed.smtp(), "[TLS-RPT FIRING] mailed.example: failure-spike",
                    text -> true);
            assertThat(spike.getRecipients(Message.RecipientType.TO)).extracting(Object::toString)
                    .containsExactly(ExampleRoute.ONCALL);
            assertThat(ExampleRoute.plainText(spike)).contains(spikeSummary)
                    .contains("310 of 2000 sessions to mailed.example failed with certificate-expired (15.5%)")
                    .contains("Check first:");
            MimeMessage stop = awaitMail(deployed.smtp(),
                    "[TLS-RPT FIRING] mute-reporter.example: reports-stopped (3 alerts)",
                    text -> text.contains("quiet1.example") && text.contains("quiet2.example")
                            && text.contains("quiet3.example"));
            assertThat(ExampleRoute.plainText(stop)).contains("Reporter: mute-reporter.example");

            produce(resolved("it-mail-spike", "mailed.example").with("severity", "warning")
                    .with("kind", "failure-spike").with("result_type", "certificate-expired")
                    .with("summary", spikeSummary));
            MimeMessage ended = awaitMail(deployed.smtp(), "[TLS-RPT RESOLVED] mailed.example: failure-spike",
                    text -> true);
            assertThat(ExampleRoute.plainText(ended)).contains("Resolved: back to normal.");

            produce(firing("it-page-downgrade", "paged.example").withList("top_receiving_mx", "mx.paged.example"));
            JsonNode page = awaitPage(deployed.pages(), "paged.example", "firing");
            assertThat(page.path("receiver").asText()).isEqualTo("mail-oncall-page");
            JsonNode paged = page.path("alerts").get(0);
            assertThat(paged.path("labels").path("alertname").asText()).isEqualTo("starttls-downgrade-suspected");
            assertThat(paged.path("labels").path("severity").asText()).isEqualTo("critical");
            assertThat(paged.path("annotations").path("summary").asText()).startsWith("STARTTLS downgrade suspected");
            produce(resolved("it-page-downgrade", "paged.example").withList("top_receiving_mx"));
            awaitPage(deployed.pages(), "paged.example", "resolved");
            assertThat(deployed.smtp().getReceivedMessages()).extracting(MimeMessage::getSubject)
                    .as("a critical alert pages and is not mailed").noneMatch(subject -> subject.contains("paged.example"));
            assertThat(deployed.notifier().isRunning()).isTrue();
        }
    }

    /**
     * A provider's MX host shared by its customers' domains loses its certificate: every domain's reports say so, the
     * processor raises an alert per domain, and the example route makes them one group, paged once, listing the
     * domains; a domain with its own MX host and a warning at the shared host are groups of their own.
     */
    @Test
    void exampleRouteFromDeployPagesOnceForTheDomainsOfASharedMxHostThatFails() throws Exception {
        String shared = "mx1.shared-host.example";
        try (ExampleDeployment deployed = ExampleDeployment.start("am-shared-mx", "notifier-it-deploy-shared-mx")) {
            for (int i = 0; i < 12; i++) {
                produce(expired("it-mx-" + i, "customer" + i + ".example", shared));
            }
            produce(expired("it-mx-own", "own-mx.example", "mx.own-mx.example"));
            produce(firing("it-mx-warning", "customer0.example").with("kind", "starttls-unavailable")
                    .with("severity", "warning").withList("top_receiving_mx", shared));

            JsonNode page = awaitFirst("one page for the shared host's twelve domains", () -> deployed.pages(), p ->
                    shared.equals(p.path("commonLabels").path("receiving_mx").asText())
                            && p.path("alerts").size() == 12);
            assertThat(page.path("receiver").asText()).isEqualTo("mail-oncall-page");
            assertThat(page.path("groupLabels").size()).as("grouped by kind and MX hosts").isEqualTo(2);
            assertThat(page.path("commonLabels").has("policy_domain")).isFalse();
            assertThat(page.path("alerts").findValuesAsText("policy_domain")).hasSize(12)
                    .contains("customer0.example", "customer11.example");
            awaitFirst("the domain with its own MX host paged apart", () -> deployed.pages(), p ->
                    "own-mx.example".equals(p.path("commonLabels").path("policy_domain").asText()));
            await("the warning at the shared host a group of its own").atMost(WAIT).untilAsserted(() ->
                    assertThat(deployed.alertmanager().groups()).anySatisfy(g -> {
                        assertThat(g.path("labels").path("alertname").asText()).isEqualTo("starttls-unavailable");
                        assertThat(g.path("labels").path("receiving_mx").asText()).isEqualTo(shared);
                        assertThat(g.path("receiver").path("name").asText()).isEqualTo("mail-oncall");
                    }));
            assertThat(deployed.pages()).as("every page about the customers' domains is the shared host's group")
                    .filteredOn(p ->
                    p.path("alerts").findValuesAsText("policy_domain").stream().anyMatch(d -> d.startsWith("customer")))
                    .allSatisfy(p -> assertThat(p.path("groupLabels").path("receiving_mx").asText()).isEqualTo(shared));
            assertThat(deployed.notifier().isRunning()).isTrue();
        }
    }

    /**
     * A shared MX host failing for 150 customer domains makes one mail of bounded size: the count, one line for each
     * of the first 100, the command that lists them all, and no HTML part (Alertmanager's default HTML lists every
     * label of every alert); another failing for 120 domains at a critical kind pages with the first 100 alerts and
     * the others counted.
     */
    @Test
    void exampleRouteFromDeployKeepsALargeGroupsMailAndPageBounded() throws Exception {
        String mailed = "mx1.big-host.example";
        String paged = "mx1.bigger-host.example";
        try (ExampleDeployment deployed = ExampleDeployment.start("am-large-group", "notifier-it-deploy-large-group")) {
            for (int i = 0; i < 150; i++) {
                String domain = "tenant" + i + ".example";
                produce(firing("it-large-mail-" + i, domain).with("kind", "starttls-unavailable")
                        .with("severity", "warning").withList("top_receiving_mx", mailed)
                        .with("summary", "starttls-unavailable on " + domain + ": 7 of 9 sessions without STARTTLS"));
            }
            for (int i = 0; i < 120; i++) {
                produce(expired("it-large-page-" + i, "paged" + i + ".example", paged));
            }

            MimeMessage mail = awaitMail(deployed.smtp(),
                    "[TLS-RPT FIRING] " + mailed + ": starttls-unavailable (150 alerts)", text -> true);
            assertThat(ExampleRoute.hasPart(mail, "text/html")).as("an HTML part").isFalse();
            String text = ExampleRoute.plainText(mail);
            assertThat(text).startsWith("150 alerts at " + mailed + "; the first 100:")
                    .contains("(100 of the 150 listed)")
                    .contains("Every domain failing there, with its details: tlsrpt incidents --mx " + mailed);
            assertThat(text.lines().filter(line -> line.startsWith("- starttls-unavailable on tenant")))
                    .hasSize(100).doesNotHaveDuplicates();
            assertThat(mail.getSize()).as("bytes").isLessThan(16_384);

            JsonNode page = awaitFirst("the bigger host's page", () -> deployed.pages(), p ->
                    paged.equals(p.path("commonLabels").path("receiving_mx").asText())
                            && p.path("alerts").size() + p.path("truncatedAlerts").asInt() == 120);
            assertThat(page.path("alerts").size()).isEqualTo(100);
            assertThat(page.path("truncatedAlerts").asInt()).isEqualTo(20);
            assertThat(deployed.notifier().isRunning()).isTrue();
        }
    }

    private static AlertJson expired(String id, String domain, String mx) {
        return firing(id, domain).with("kind", "certificate-expired").with("result_type", "certificate-expired")
                .withList("top_receiving_mx", mx);
    }

    /**
     * The example configuration delivering (its mail to a local SMTP server, its pages to a local webhook keeping
     * each post), a real Alertmanager running it and a notifier of its own posting to it.
     */
    private record ExampleDeployment(GreenMail smtp, List<JsonNode> pages, HttpServer webhook,
                                     AlertmanagerProcess alertmanager, AlertmanagerNotifier notifier)
            implements AutoCloseable {

        static ExampleDeployment start(String directory, String notifierGroup) throws Exception {
            GreenMail smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
            smtp.start();
            List<JsonNode> pages = new CopyOnWriteArrayList<>();
            HttpServer pager = pager(pages);
            AlertmanagerProcess am = null;
            try {
                URI pagerUrl = URI.create("http://127.0.0.1:" + pager.getAddress().getPort() + "/page");
                Path config = ExampleRoute.deliveringTo(smtp.getSmtp().getPort(), pagerUrl,
                        Files.createTempDirectory(work, directory));
                am = new AlertmanagerProcess(config.getParent(), config, null, HttpClient.newHttpClient(), null)
                        .start();
                AlertmanagerNotifier notifier = startNotifier(notifierGroup, am.url().toString(), Map.of(),
                        new SimpleMeterRegistry());
                return new ExampleDeployment(smtp, pages, pager, am, notifier);
            } catch (Exception | Error e) {
                pager.stop(0);
                smtp.stop();
                if (am != null) {
                    am.close();
                }
                throw e;
            }
        }

        @Override
        public void close() {
            try {
                notifier.close();
            } finally {
                try {
                    alertmanager.close();
                } finally {
                    webhook.stop(0);
                    smtp.stop();
                }
            }
        }
    }

    /** A paging webhook on 127.0.0.1 keeping each post's JSON in {@code pages}; its path is /page. */
    private static HttpServer pager(List<JsonNode> pages) throws java.io.IOException {
        HttpServer pager = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        pager.createContext("/page", exchange -> {
            try (exchange) {
                pages.add(JSON.readTree(exchange.getRequestBody()));
                exchange.sendResponseHeaders(200, -1);
            }
        });
        pager.start();
        return pager;
    }

    /** The first webhook post about {@code domain} with the group status {@code status}; waits for it. */
    private static JsonNode awaitPage(List<JsonNode> pages, String domain, String status) {
        return awaitFirst("a page about " + domain + ", " + status, () -> pages, page ->
                status.equals(page.path("status").asText())
                        && domain.equals(page.path("commonLabels").path("policy_domain").asText()));
    }

    /** The first mail received with exactly this subject whose text passes {@code text}; waits for it. */
    private static MimeMessage awaitMail(GreenMail smtp, String subject, Predicate<String> text) {
        return awaitFirst("a mail \"" + subject + "\"", () -> List.of(smtp.getReceivedMessages()),
                mail -> subject.equals(mail.getSubject()) && text.test(ExampleRoute.plainText(mail)));
    }

    /** A test on what a receiver got, which may read a mail's parts. */
    private interface Check<T> {
        boolean test(T item) throws Exception;
    }

    /** The first of {@code received} (read again at each poll) that passes {@code check}; waits for it. */
    private static <T> T awaitFirst(String alias, Supplier<List<T>> received, Check<T> check) {
        AtomicReference<T> found = new AtomicReference<>();
        await(alias).atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(() -> {
            for (T item : received.get()) {
                if (check.test(item)) {
                    found.set(item);
                    return true;
                }
            }
            return false;
        });
        return found.get();
    }

    private static AlertJson stopped(String id, String domain, String reporter) {
        return firing(id, domain).with("kind", "reports-stopped").with("severity", "warning")
                .with("result_type", "none").withList("reporters", reporter);
    }

    /** The alerts of the group whose labels have {@code label} = {@code value} (0 when there is none). */
    private static int alertsInGroup(AlertmanagerProcess am, String label, String value) throws Exception {
        return am.groups().stream().filter(g -> value.equals(g.path("labels").path(label).asText()))
                .mapToInt(g -> g.path("alerts").size()).sum();
    }

    @Test
    void tlsWithBasicAuthDeliversAndAWrongPasswordLosesNothing() throws Exception {
        Path dir = Files.createTempDirectory(work, "am-tls");
        TestTls tls = new TestTls(dir);
        String webConfig = "tls_server_config:\n  cert_file: " + tls.certPem.toAbsolutePath() + "\n  key_file: "
                + tls.keyPem.toAbsolutePath() + "\nbasic_auth_users:\n  notifier: " + TestTls.bcrypt("s3cret-pw") + "\n";
        HttpClient trusting = HttpClient.newBuilder().sslContext(tls.clientContext()).build();
        try (AlertmanagerProcess am = new AlertmanagerProcess(dir, null, webConfig, trusting,
                TestTls.basicAuth("notifier", "s3cret-pw")).start()) {
            assertThat(am.url().getScheme()).isEqualTo("https");
            produce(firing("it-tls-1", "tls.example"));
            Map<String, String> tlsProps = Map.of(
                    NotifierConfig.TRUSTSTORE_PATH, tls.truststore.toString(),
                    NotifierConfig.TRUSTSTORE_PASSWORD, TestTls.TRUSTSTORE_PASSWORD,
                    NotifierConfig.BASIC_USERNAME, "notifier");

            SimpleMeterRegistry wrongMeters = new SimpleMeterRegistry();
            Map<String, String> wrong = new HashMap<>(tlsProps);
            wrong.put(NotifierConfig.BASIC_PASSWORD, "not-the-password");
            try (AlertmanagerNotifier refused = startNotifier("notifier-it-tls", am.url().toString(), wrong, wrongMeters)) {
                await("401 answers counted as failed posts").atMost(WAIT).until(() ->
                        wrongMeters.find("tlsrpt.notifier.posts").tag("result", "failed").counters().stream()
                                .mapToDouble(c -> c.count()).sum() > 0);
                assertThat(committedTotal("notifier-it-tls")).isZero();
                assertThat(refused.isRunning()).as("a refusing Alertmanager does not stop the notifier").isTrue();
            }
            assertThat(am.alerts("it-tls-1")).isEmpty();

            Map<String, String> right = new HashMap<>(tlsProps);
            right.put(NotifierConfig.BASIC_PASSWORD, "s3cret-pw");
            try (AlertmanagerNotifier accepted = startNotifier("notifier-it-tls", am.url().toString(), right,
                    new SimpleMeterRegistry())) {
                await("alert delivered over TLS with basic auth").atMost(WAIT)
                        .until(() -> am.alerts("it-tls-1").size() == 1);
                await().atMost(WAIT).until(() -> committedTotal("notifier-it-tls") == endTotal());
                assertThat(accepted.failure()).isNull();
            }
        }
        // the configuration and the 401s were logged, the secrets never
        String log = Files.readString(Path.of("target", "test-logs", "notifier.log"));
        assertThat(log).contains("auth.basic.password=******").contains("HTTP 401")
                .doesNotContain("s3cret-pw").doesNotContain("not-the-password")
                .doesNotContain(TestTls.basicAuth("notifier", "s3cret-pw").substring("Basic ".length()));
    }

    @Test
    void bearerTokenIsSentToAnAuthenticatingProxyInFrontOfAlertmanager() throws Exception {
        try (AlertmanagerProcess am = new AlertmanagerProcess(Files.createTempDirectory(work, "am-bearer")).start();
             BearerAuthProxy proxy = new BearerAuthProxy(am.url(), "t0ken-for-am");
             AlertmanagerNotifier viaProxy = startNotifier("notifier-it-bearer", proxy.url().toString(),
                     Map.of(NotifierConfig.BEARER_TOKEN, "t0ken-for-am"), new SimpleMeterRegistry())) {
            produce(firing("it-bearer-1", "bearer.example"));
            await("delivered through the proxy").atMost(WAIT).until(() -> am.alerts("it-bearer-1").size() == 1);
            assertThat(proxy.refused).hasValue(0);
            assertThat(viaProxy.failure()).isNull();
        }
        assertThat(Files.readString(Path.of("target", "test-logs", "notifier.log")))
                .contains("auth.bearer.token=******").doesNotContain("t0ken-for-am");
    }

    /**
     * auth.oauth2.*: the client credentials tokens of a real HTTPS token endpoint, sent to a gateway taking only the
     * newest token issued: the first token is refused (revoked before use) and not sent again; the next is.
     */
    @Test
    void oauthTokensOfATokenEndpointAreSentAndARefusedOneIsNotSentAgain() throws Exception {
        Path secretFile = Files.writeString(Files.createTempDirectory(work, "oauth-secret").resolve("client-secret"),
                "cl1ent-s3cret\n");
        AtomicInteger issued = new AtomicInteger();
        AtomicReference<String> taken = new AtomicReference<>("none yet");
        try (AlertmanagerProcess am = new AlertmanagerProcess(Files.createTempDirectory(work, "am-oauth")).start();
             TestTokenEndpoint endpoint = new TestTokenEndpoint(Files.createTempDirectory(work, "oauth"), request -> {
                 int n = issued.incrementAndGet();
                 if (n > 1) {
                     taken.set("am-tok-" + n);
                 }
                 return TestTokenEndpoint.bearer("am-tok-" + n, 3600);
             });
             BearerAuthProxy proxy = new BearerAuthProxy(am.url(), taken::get);
             AlertmanagerNotifier viaGateway = startNotifier("notifier-it-oauth", proxy.url().toString(),
                     Map.of(NotifierConfig.OAUTH2_TOKEN_URL, endpoint.uri().toString(),
                             NotifierConfig.OAUTH2_CLIENT_ID, "notifier", NotifierConfig.OAUTH2_CLIENT_SECRET_FILE,
                             secretFile.toString(), NotifierConfig.OAUTH2_SCOPES, "api://alertmanager/.default",
                             NotifierConfig.OAUTH2_CA_FILE, endpoint.caFile().toString()),
                     new SimpleMeterRegistry())) {
            produce(firing("it-oauth-1", "oauth.example"));
            await("delivered with the second token").atMost(WAIT).until(() -> am.alerts("it-oauth-1").size() == 1);
            int refused = proxy.refused.get();
            assertThat(refused).as("the first token").isPositive();
            // the resends (every 2 s) carry the kept second token: nothing refused, no token asked for
            await("resent with the kept token").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> proxy.refused.get() == refused && issued.get() == 2);
            assertThat(endpoint.requests()).allSatisfy(request -> assertThat(request.form())
                    .containsEntry("grant_type", "client_credentials").containsEntry("client_id", "notifier")
                    .containsEntry("client_secret", "cl1ent-s3cret").containsEntry("scope", "api://alertmanager/.default"));
            assertThat(viaGateway.failure()).isNull();
        }
        assertThat(Files.readString(Path.of("target", "test-logs", "notifier.log")))
                .contains("auth.oauth2.client.secret.file=" + secretFile).doesNotContain("cl1ent-s3cret")
                .doesNotContain("am-tok-");
    }

    @Test
    void aFullBacklogPausesConsumptionAndResumesWithoutLoss() throws Exception {
        try (AlertmanagerProcess am = new AlertmanagerProcess(Files.createTempDirectory(work, "am-pause")).start()) {
            am.stop();
            for (int i = 1; i <= 5; i++) {
                produce(firing("it-pause-" + i, "pause.example"));
            }
            SimpleMeterRegistry pausedMeters = new SimpleMeterRegistry();
            // a new group reads the whole topic; with room for 2 records it must pause while Alertmanager is down
            try (AlertmanagerNotifier paused = startNotifier("notifier-it-pause", am.url().toString(),
                    Map.of(NotifierConfig.MAX_PENDING_RECORDS, "2"), pausedMeters)) {
                await("consumption paused").atMost(WAIT).until(() ->
                        Files.readString(Path.of("target", "test-logs", "notifier.log")).contains("pausing consumption"));
                await("lag reported").atMost(WAIT)
                        .until(() -> pausedMeters.get("tlsrpt.notifier.lag.records").gauge().value() >= 5);
                assertThat(committedTotal("notifier-it-pause")).isZero();

                am.start();
                await("every record delivered after the pause").atMost(WAIT).until(() ->
                        am.alerts().stream().filter(a -> a.path("labels").path("alert_id").asText().startsWith("it-pause-"))
                                .count() == 5);
                await().atMost(WAIT).until(() -> committedTotal("notifier-it-pause") == endTotal());
                assertThat(paused.isRunning()).isTrue();
            }
        }
    }

    private static String state(AlertmanagerProcess am, String alertId) throws Exception {
        List<JsonNode> alerts = am.alerts(alertId);
        return alerts.size() == 1 ? alerts.get(0).path("status").path("state").asText() : "absent(" + alerts.size() + ")";
    }
}
