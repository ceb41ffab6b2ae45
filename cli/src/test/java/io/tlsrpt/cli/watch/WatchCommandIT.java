package io.tlsrpt.cli.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.cli.CommandRunner;
import io.tlsrpt.cli.check.ConnectProxy;
import io.tlsrpt.cli.check.PolicyHttpsServer;
import io.tlsrpt.cli.check.TestPki;
import io.tlsrpt.embedded.EmbeddedKafka;
import io.tlsrpt.embedded.TopicSnapshot;
import io.tlsrpt.schema.Alert;
import io.tlsrpt.schema.serde.AvroSerdes;
import io.tlsrpt.testkafka.ScriptedDnsServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * {@code tlsrpt watch} against a real broker, a DNS server whose zone the test edits between rounds and a real HTTPS
 * policy server (test CA, through a CONNECT proxy): a domain whose policies break and are mended, each round a new
 * process-like run of the command that resumes from the posture topic.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WatchCommandIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REGISTRY = "mock://watch-it";
    private static final String DOMAIN = "watched.test";
    private static final String POLICY = "version: STSv1\nmode: enforce\nmx: *.watched.test\nmax_age: 604800\n";

    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;
    static TestPki pki;
    static PolicyHttpsServer https;
    static ConnectProxy proxy;
    static ScriptedDnsServer dns;
    /** The zone: "name type" to its records; a name with no entry for a type answers NODATA. */
    static final Map<String, List<Record>> ZONE = new ConcurrentHashMap<>();
    static volatile boolean servfail;
    /** Every answer with the AD bit, as a validating resolver gives for a DNSSEC-signed zone. */
    static volatile boolean signed;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.createTopics(List.of(new NewTopic("tlsrpt.alerts", 1, (short) 1),
                new NewTopic("tlsrpt.alerts.json", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        pki = TestPki.create(List.of("mta-sts." + DOMAIN, "tlsrpt." + DOMAIN));   // the policy and rua endpoints
        https = new PolicyHttpsServer(pki.serverContext());
        proxy = new ConnectProxy(https.port());
        dns = new ScriptedDnsServer(WatchCommandIT::answer);
        healthyZone();
    }

    @AfterAll
    static void stop() throws Exception {
        dns.close();
        proxy.close();
        https.close();
        kafka.close();
    }

    static void healthyZone() throws TextParseException {
        ZONE.clear();
        Name domain = Name.fromString(DOMAIN + ".");
        ZONE.put(DOMAIN + " MX", List.of(new MXRecord(domain, DClass.IN, 60, 10, Name.fromString("mx." + DOMAIN + "."))));
        txt("_smtp._tls." + DOMAIN, "v=TLSRPTv1; rua=mailto:tlsrpt@" + DOMAIN);
        txt("_mta-sts." + DOMAIN, "v=STSv1; id=20261201");
        https.serve("mta-sts." + DOMAIN, PolicyHttpsServer.Reply.policy(POLICY));
        servfail = false;
        signed = false;
    }

    /** The healthy zone, its MX host's address 127.0.0.1 (where a test SMTP server listens). */
    static void healthyZoneWithMxOnLoopback() throws TextParseException {
        healthyZone();
        ZONE.put("mx." + DOMAIN + " A", List.of(new org.xbill.DNS.ARecord(Name.fromString("mx." + DOMAIN + "."),
            DClass.IN, 60, java.net.InetAddress.getLoopbackAddress())));
    }

    static void txt(String name, String text) throws TextParseException {
        ZONE.put(name + " TXT", List.of(new TXTRecord(Name.fromString(name + "."), DClass.IN, 60, text)));
    }

    private static Message answer(Message query) {
        Record q = query.getQuestion();
        Message r = new Message(query.getHeader().getID());
        r.getHeader().setFlag(Flags.QR);
        r.getHeader().setFlag(Flags.RA);
        if (signed) {
            r.getHeader().setFlag(Flags.AD);
        }
        r.addRecord(q, Section.QUESTION);
        if (servfail) {
            r.getHeader().setRcode(Rcode.SERVFAIL);
            return r;
        }
        // names are case-insensitive in DNS (RFC 4343); the zone's keys are lower case
        String name = q.getName().toString(true).toLowerCase(java.util.Locale.ROOT);
        for (Record answer : ZONE.getOrDefault(name + " " + Type.string(q.getType()), List.of())) {
            r.addRecord(answer, Section.ANSWER);
        }
        return r;
    }

    private static CommandRunner.Run watch(String... extra) {
        List<String> args = new ArrayList<>(List.of("watch", "--bootstrap", kafka.bootstrapServers(), "--registry",
            REGISTRY, "--resolver", "127.0.0.1:" + dns.port(), "--https-proxy", proxy.hostPort(), "--policy-ca",
            pki.caPem.toString(), "--timeout", "3", "--allow-private-addresses"));   // the test's servers: loopback
        if (List.of(extra).contains("--policy-ca")) {   // the test's own CAs instead of the policy server's
            int at = args.indexOf("--policy-ca");
            args.subList(at, at + 2).clear();
        }
        args.addAll(List.of(extra));
        return CommandRunner.run(args.toArray(String[]::new));
    }

    /** One round; returns when what it published is visible to committed readers. */
    private static CommandRunner.Run round(String... more) {
        String before = java.time.Instant.now().toString();
        List<String> args = new ArrayList<>(List.of("--rounds", "1", DOMAIN));
        args.addAll(List.of(more));
        CommandRunner.Run run = watch(args.toArray(String[]::new));
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        postureOfRound(before);
        return run;
    }

    /**
     * Waits until a committed read sees what the last run published: its transaction's markers are written to the
     * partitions after the commit returns, and only then is it visible to read_committed readers.
     */
    private static JsonNode postureOfRound(String checkedAfter) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(java.time.Duration.ofSeconds(30)).until(() -> {
            last[0] = lastPosture();
            return last[0].get("checked_at").asText().compareTo(checkedAfter) > 0;
        });
        return last[0];
    }

    private static long postureCount() {
        return TopicSnapshot.count(kafka.clientProperties(), "tlsrpt.policy-posture");
    }

    private static List<JsonNode> alertsTopic() {
        return TopicSnapshot.readAll(kafka.clientProperties(), "tlsrpt.alerts.json").stream()
            .map(r -> json(new String(r.value(), StandardCharsets.UTF_8))).toList();
    }

    /** The last posture of the test's domain (other domains' records and tombstones left aside). */
    private static JsonNode lastPosture() {
        List<ConsumerRecord<byte[], byte[]>> records = TopicSnapshot.readAll(kafka.clientProperties(),
            "tlsrpt.policy-posture").stream().filter(r -> r.value() != null
                && new String(r.key(), StandardCharsets.UTF_8).equals(DOMAIN)).toList();
        return json(new String(records.get(records.size() - 1).value(), StandardCharsets.UTF_8));
    }

    /** An alert line the watch printed, as written to tlsrpt.alerts.json: it must validate against the topic's schema. */
    private static JsonNode alert(String text) {
        JsonNode alert = json(text);
        try (java.io.InputStream in = io.tlsrpt.schema.AlertJsonSchema.open()) {
            assertThat(com.networknt.schema.SchemaRegistry.withDefaultDialect(
                com.networknt.schema.SpecificationVersion.DRAFT_2020_12).getSchema(in).validate(alert)).as(text).isEmpty();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return alert;
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError(text, e);
        }
    }

    @Test
    @Order(1)
    void aHealthyDomainIsRecordedWithoutAnAlert() {
        CommandRunner.Run run = round();

        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("round 1: 1 domain(s) checked", "0 fired, 0 resolved, 0 open");
        JsonNode posture = lastPosture();
        assertThat(posture.get("policy_domain").asText()).isEqualTo(DOMAIN);
        assertThat(posture.get("enforced").asBoolean()).isTrue();
        assertThat(posture.get("mta_sts").get("status").asText()).isEqualTo("enforce");
        assertThat(posture.get("mta_sts").get("mx").get(0).asText()).isEqualTo("*.watched.test");
        assertThat(posture.get("tlsrpt").get("rua").get(0).asText()).isEqualTo("mailto:tlsrpt@watched.test");
        assertThat(proxy.targets()).contains("mta-sts." + DOMAIN + ":443");
        assertThat(alertsTopic()).isEmpty();
    }

    @Test
    @Order(2)
    void aNewMxOutsideThePolicyAndALostRecordFireOnceEach() throws Exception {
        Name domain = Name.fromString(DOMAIN + ".");
        ZONE.put(DOMAIN + " MX", List.of(new MXRecord(domain, DClass.IN, 60, 10, Name.fromString("mx." + DOMAIN + ".")),
            new MXRecord(domain, DClass.IN, 60, 20, Name.fromString("mx.backup-provider.test."))));
        ZONE.remove("_smtp._tls." + DOMAIN + " TXT");

        CommandRunner.Run broken = round();
        CommandRunner.Run again = round();

        assertThat(broken.out().lines().map(WatchCommandIT::alert).map(a -> a.get("kind").asText()).toList())
            .containsExactlyInAnyOrder("mta-sts-mx-not-covered", "tlsrpt-record-broken");
        List<JsonNode> alerts = alertsTopic();
        assertThat(alerts).hasSize(2).allSatisfy(a -> {
            assertThat(a.get("status").asText()).isEqualTo("firing");
            assertThat(a.get("policy_domain").asText()).isEqualTo(DOMAIN);
            assertThat(a.get("reporters").get(0).asText()).isEqualTo("tlsrpt watch");
        });
        JsonNode uncovered = alerts.stream().filter(a -> a.get("kind").asText().equals("mta-sts-mx-not-covered"))
            .findFirst().orElseThrow();
        assertThat(uncovered.get("severity").asText()).isEqualTo("critical");
        assertThat(uncovered.get("top_receiving_mx").get(0).asText()).isEqualTo("mx.backup-provider.test");
        assertThat(uncovered.get("summary").asText()).contains("mx.backup-provider.test match no mx: line");
        assertThat(again.out()).as("the next run resumes the open incidents from the posture topic").isEmpty();
        assertThat(again.err()).contains("0 fired, 0 resolved, 2 open");
        assertThat(alertsTopic()).hasSize(2);

        // the Avro topic carries the same alerts, as the processor writes them
        try (Deserializer<Alert> avro = AvroSerdes.forClass(Alert.class, REGISTRY, false).deserializer()) {
            List<Alert> avroAlerts = TopicSnapshot.readAll(kafka.clientProperties(), "tlsrpt.alerts").stream()
                .map(r -> avro.deserialize("tlsrpt.alerts", r.value())).toList();
            assertThat(avroAlerts).extracting(Alert::getAlertId).containsExactlyInAnyOrderElementsOf(
                alerts.stream().map(a -> a.get("alert_id").asText()).toList());
        }
        // and tlsrpt alerts lists them as incidents firing now
        CommandRunner.Run open = CommandRunner.run("alerts", "--bootstrap", kafka.bootstrapServers(), "--open");
        assertThat(open.exit()).as(open.err()).isZero();
        assertThat(open.jsonLines()).extracting(a -> a.get("kind").asText())
            .containsExactlyInAnyOrder("mta-sts-mx-not-covered", "tlsrpt-record-broken");
    }

    @Test
    @Order(3)
    void aResolverOutageNeitherResolvesNorFires() {
        servfail = true;
        try {
            CommandRunner.Run outage = round();

            assertThat(outage.out()).isEmpty();
            assertThat(outage.err()).contains("0 fired, 0 resolved, 2 open", "1 with lookups failed");
            assertThat(lastPosture().get("unknown").toString()).contains("tlsrpt", "mta_sts", "dane");
        } finally {
            servfail = false;
        }
    }

    @Test
    @Order(4)
    void mendedPoliciesResolveUnderTheIncidentsIds() throws Exception {
        List<String> firingIds = alertsTopic().stream().map(a -> a.get("alert_id").asText()).toList();
        healthyZone();

        CommandRunner.Run mended = round();

        List<JsonNode> resolved = mended.out().lines().map(WatchCommandIT::alert).toList();
        assertThat(resolved).extracting(a -> a.get("status").asText()).containsOnly("resolved");
        assertThat(resolved).extracting(a -> a.get("alert_id").asText()).containsExactlyInAnyOrderElementsOf(firingIds);
        assertThat(lastPosture().get("changes").toString()).contains("tlsrpt.status: missing -> valid");
        assertThat(lastPosture().get("open_incidents")).isEmpty();
    }

    @Test
    @Order(5)
    void aWithdrawnPolicyFiresWhileTheWatchRunsAndAnEditedListEndsADomain() throws Exception {
        https.serve("mta-sts." + DOMAIN, PolicyHttpsServer.Reply.policy(POLICY.replace("enforce", "testing")));
        txt("_mta-sts." + DOMAIN, "v=STSv1; id=20261201T1");   // a new mode needs a new id for senders to see it
        Path list = dir.resolve("domains.txt");
        Files.writeString(list, "# the domains we receive reports for (the processor's served.domains.file)\n"
            + DOMAIN + " tenant=acme   # main\n*.subsidiary.test tenant=acme-subsidiary\n");

        long before = postureCount();
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }

        java.util.concurrent.CompletableFuture<CommandRunner.Run> watching = java.util.concurrent.CompletableFuture
            .supplyAsync(() -> watch("--interval", "PT1S", "--rounds", "2", "--domains-file", list.toString(),
                "--metrics-port", Integer.toString(port)));
        // while it runs: Prometheus' view of it, and its liveness
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        // a scrape reads the meters one by one while a round may be publishing them: wait for one taken after a
        // round (the first or, if the scrape came late, the second, which changes no incident)
        await().atMost(java.time.Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
            assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port
                + "/metrics")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body())
                .containsPattern("tlsrpt_watch_rounds_total\\{outcome=\"published\"} [12]\\.0")
                .containsPattern("tlsrpt_watch_checks_total\\{outcome=\"complete\"} [12]\\.0")
                .contains("tlsrpt_watch_domains 1.0", "tlsrpt_watch_interval_seconds 1.0",
                    "tlsrpt_watch_incidents_open{kind=\"tls-policy-not-enforced\",severity=\"warning\","
                        + "tenant=\"acme\"} 1.0",
                    "tlsrpt_watch_alerts_total{kind=\"tls-policy-not-enforced\",severity=\"warning\",status=\"firing\","
                        + "tenant=\"acme\"} 1.0"));
        assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port
            + "/health")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        CommandRunner.Run running = watching.get(60, TimeUnit.SECONDS);

        assertThat(running.exit()).as(running.err()).isZero();
        await().atMost(java.time.Duration.ofSeconds(30)).until(() -> postureCount() == before + 2);
        assertThat(running.err()).contains("round 1:", "round 2:");
        assertThat(running.out().lines().map(WatchCommandIT::alert).map(a -> a.get("kind").asText() + " "
            + a.get("status").asText()).toList()).containsExactly("tls-policy-not-enforced firing");
        assertThat(running.out().lines().map(WatchCommandIT::alert).map(a -> a.get("tenant").asText()))
            .as("the tenant its line names, as the processor stamps it").containsExactly("acme");
        assertThat(lastPosture().get("changes").toString()).as("the first round saw the change, not the second")
            .isEqualTo("[]");
        assertThat(lastPosture().get("mta_sts").get("status").asText()).isEqualTo("testing");

        Files.writeString(list, "broken.test tenant=two words\n");
        assertThat(watch("--rounds", "1", "--domains-file", list.toString()).err())
            .contains("line 1: not a domain name: 'broken.test tenant=two words'");
        Files.writeString(list, "# empty now\n");
        CommandRunner.Run emptied = watch("--rounds", "1", "--domains-file", list.toString(), "other.test");
        assertThat(emptied.exit()).as(emptied.err()).isZero();
        await().atMost(java.time.Duration.ofSeconds(30)).until(() -> TopicSnapshot.readAll(kafka.clientProperties(),
            "tlsrpt.policy-posture").stream().anyMatch(r -> new String(r.key(), StandardCharsets.UTF_8)
            .equals("other.test")));
        assertThat(emptied.out().lines().map(WatchCommandIT::alert).filter(a -> a.get("policy_domain").asText()
            .equals(DOMAIN)).map(a -> a.get("status").asText() + " " + a.get("summary").asText()).toList())
            .singleElement().asString().startsWith("resolved").contains("no longer watched");
        List<ConsumerRecord<byte[], byte[]>> postures = TopicSnapshot.readAll(kafka.clientProperties(),
            "tlsrpt.policy-posture");
        assertThat(postures.stream().filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals(DOMAIN))
            .reduce((a, b) -> b).orElseThrow().value()).as("a tombstone ends the domain").isNull();
    }

    /**
     * --probe-mx: the MX host answers SMTP on a local port with a real TLS handshake, its certificate from test CAs
     * the watch trusts; the certificate changes between rounds as an MTA's would.
     */
    @Test
    @Order(7)
    void probedMxCertificatesFireAsTheyExpireOrNameAnotherHost() throws Exception {
        healthyZoneWithMxOnLoopback();
        MxCertificates certs = mxCertificates();
        TestPki good = certs.good();
        TestPki expiring = certs.expiring();
        TestPki misnamed = certs.misnamed();
        Path cas = certs.cas();
        StartTlsSmtpServer smtp = new StartTlsSmtpServer(good.serverContext());
        try {
            String[] probe = {"--probe-mx", "--smtp-port", Integer.toString(smtp.port()), "--policy-ca", cas.toString()};

            CommandRunner.Run valid = round(probe);
            assertThat(kinds(valid)).as(valid.err()).isEmpty();
            JsonNode tls = lastPosture().get("mx_tls").get(0);
            assertThat(tls.get("host").asText()).isEqualTo("mx." + DOMAIN);
            assertThat(tls.get("outcome").asText()).isEqualTo("tls");
            assertThat(tls.get("trusted").asBoolean()).isTrue();
            assertThat(tls.get("name_matches").asBoolean()).isTrue();
            assertThat(smtp.handshakes.get()).as("the server's last error: %s", smtp.lastError).isEqualTo(1);

            smtp.present(expiring.serverContext());
            assertThat(kinds(round(probe))).containsExactly("firing certificate-expiring");

            smtp.present(misnamed.serverContext());
            assertThat(kinds(round(probe))).containsExactlyInAnyOrder("resolved certificate-expiring",
                "firing certificate-invalid");
            assertThat(alertsTopic().get(alertsTopic().size() - 1).toString()).contains("certificate-host-mismatch");

            smtp.offerStartTls(false);
            assertThat(kinds(round(probe))).containsExactlyInAnyOrder("resolved certificate-invalid",
                "firing starttls-unavailable");

            smtp.close();
            CommandRunner.Run unreachable = round(probe);
            assertThat(unreachable.out()).as("an MX this machine cannot reach is no finding").isEmpty();
            assertThat(unreachable.err()).contains("1 open", "1 with lookups failed");
        } finally {
            smtp.close();   // closing twice is harmless
        }
    }

    /** An MX host's certificates, valid 90 days, valid 2 days, and for another host, and a file of their CAs. */
    private record MxCertificates(TestPki good, TestPki expiring, TestPki misnamed, Path cas) {
    }

    private static MxCertificates mxCertificates;

    /** Made once (twelve keytool runs), for the tests that probe an MX host. */
    private static synchronized MxCertificates mxCertificates() throws Exception {
        if (mxCertificates == null) {
            TestPki good = TestPki.create(List.of("mx." + DOMAIN), null, 90);
            TestPki expiring = TestPki.create(List.of("mx." + DOMAIN));   // two days
            TestPki misnamed = TestPki.create(List.of("mail.elsewhere.test"), null, 90);
            Path cas = dir.resolve("mx-cas.pem");
            Files.writeString(cas, Files.readString(pki.caPem) + Files.readString(good.caPem)
                + Files.readString(expiring.caPem) + Files.readString(misnamed.caPem));
            mxCertificates = new MxCertificates(good, expiring, misnamed, cas);
        }
        return mxCertificates;
    }

    /** check-record --probe-mx: the same probe, for a look by hand. */
    @Test
    @Order(8)
    void checkRecordShowsTheProbedMxCertificate() throws Exception {
        healthyZoneWithMxOnLoopback();
        TestPki mx = TestPki.create(List.of("mx." + DOMAIN), null, 90);
        Path cas = dir.resolve("check-cas.pem");
        Files.writeString(cas, Files.readString(pki.caPem) + Files.readString(mx.caPem));
        try (StartTlsSmtpServer smtp = new StartTlsSmtpServer(mx.serverContext())) {
            List<String> args = List.of("check-record", DOMAIN, "--resolver", "127.0.0.1:" + dns.port(),
                "--https-proxy", proxy.hostPort(), "--policy-ca", cas.toString(), "--timeout", "3", "--probe-mx",
                "--smtp-port", Integer.toString(smtp.port()), "--allow-private-addresses");

            CommandRunner.Run json = CommandRunner.run(java.util.stream.Stream.concat(args.stream(),
                java.util.stream.Stream.of("--json")).toArray(String[]::new));
            assertThat(json.exit()).as(json.err()).isZero();
            JsonNode probe = json.json().get("mx_tls").get(0);
            assertThat(probe.get("host").asText()).isEqualTo("mx." + DOMAIN);
            assertThat(probe.get("address").asText()).isEqualTo("127.0.0.1");
            assertThat(probe.get("outcome").asText()).isEqualTo("tls");
            assertThat(probe.get("trusted").asBoolean()).isTrue();
            assertThat(probe.get("name_matches").asBoolean()).isTrue();
            assertThat(java.time.Instant.parse(probe.get("not_after").asText()))
                .isAfter(java.time.Instant.now().plus(java.time.Duration.ofDays(80)));

            CommandRunner.Run text = CommandRunner.run(args.toArray(String[]::new));
            assertThat(text.out()).contains("MX STARTTLS (probed as a sender):",
                "mx." + DOMAIN + " at 127.0.0.1: tls, certificate valid until ", ", trusted, names the host");
        }
        assertThat(CommandRunner.run("check-record", "--record", "v=TLSRPTv1; rua=mailto:a@b.test", "--probe-mx")
            .exit()).isEqualTo(2);
    }

    /**
     * DANE (--probe-mx): the MX certificate judged against its DNSSEC-authenticated TLSA record as a DANE sender
     * judges it; a certificate replaced with a new key while the record still names the old one is the classic DANE
     * outage, found at the next round instead of in the next day's reports.
     */
    @Test
    @Order(9)
    void aCertificateReplacedWithoutItsTlsaRecordFiresDaneTlsaMismatch() throws Exception {
        healthyZoneWithMxOnLoopback();
        ZONE.remove("_mta-sts." + DOMAIN + " TXT");   // DANE alone: no MTA-STS sender checks names or dates
        MxCertificates certs = mxCertificates();
        TestPki current = certs.expiring();    // DANE-EE pins the key: its near expiry is no finding here
        TestPki replacement = certs.misnamed();   // a new key (its name does not matter to DANE-EE either)
        Path cas = certs.cas();
        signed = true;
        ZONE.put("_25._tcp.mx." + DOMAIN + " TLSA", List.of(tlsa311(current)));
        try (StartTlsSmtpServer smtp = new StartTlsSmtpServer(current.serverContext())) {
            String[] probe = {"--probe-mx", "--smtp-port", Integer.toString(smtp.port()), "--policy-ca", cas.toString()};

            CommandRunner.Run matching = round(probe);
            assertThat(kinds(matching)).as(matching.err()).noneMatch(k -> k.startsWith("firing"));
            JsonNode posture = lastPosture();
            assertThat(posture.get("dane").get("status").asText()).isEqualTo("authenticated");
            assertThat(posture.get("mx_tls").get(0).get("dane").asText()).isEqualTo("match");

            smtp.present(replacement.serverContext());
            assertThat(kinds(round(probe))).containsExactly("firing dane-tlsa-mismatch");
            JsonNode alert = alertsTopic().get(alertsTopic().size() - 1);
            assertThat(alert.get("result_type").asText()).isEqualTo("tlsa-invalid");
            assertThat(alert.get("summary").asText()).contains("mx." + DOMAIN, "matches none of the 1 usable TLSA");

            CommandRunner.Run check = CommandRunner.run("check-record", DOMAIN, "--resolver", "127.0.0.1:" + dns.port(),
                "--https-proxy", proxy.hostPort(), "--policy-ca", cas.toString(), "--timeout", "3", "--probe-mx",
                "--smtp-port", Integer.toString(smtp.port()), "--allow-private-addresses");
            assertThat(check.out()).contains("    DANE: mismatch: the certificate (CN=mail.elsewhere.test)");

            ZONE.put("_25._tcp.mx." + DOMAIN + " TLSA", List.of(tlsa311(current), tlsa311(replacement)));
            CommandRunner.Run mended = round(probe);
            assertThat(kinds(mended)).containsExactly("resolved dane-tlsa-mismatch");
            assertThat(mended.out()).contains("no longer found: the MX hosts: mx." + DOMAIN + " at 127.0.0.1 tls until",
                "dane-match");
        } finally {
            healthyZone();
        }
    }

    /** The policy file edited (a new MX provider) without a new id: senders would keep the cached policy. */
    @Test
    @Order(10)
    void aPolicyEditedWithoutANewIdFiresUntilTheIdChanges() throws Exception {
        healthyZone();
        round();
        https.serve("mta-sts." + DOMAIN, PolicyHttpsServer.Reply.policy(POLICY.replace("mx: *.watched.test\n",
            "mx: *.watched.test\nmx: mx.new-provider.test\n")));

        CommandRunner.Run edited = round();
        assertThat(kinds(edited)).containsExactly("firing mta-sts-id-unchanged");
        assertThat(edited.out()).contains("while the id of _mta-sts." + DOMAIN + " stayed 20261201");

        txt("_mta-sts." + DOMAIN, "v=STSv1; id=20261202");
        assertThat(kinds(round())).containsExactly("resolved mta-sts-id-unchanged");
    }

    /**
     * An MX host of several addresses (two IPv4, one IPv6, each a server of its own): senders pick any of them, so the
     * probe judges each, and an alert names the address whose certificate is wrong.
     */
    @Test
    @Order(11)
    void everyAddressOfAnMxHostIsProbed() throws Exception {
        healthyZone();
        Name mx = Name.fromString("mx." + DOMAIN + ".");
        ZONE.put("mx." + DOMAIN + " A", List.of(new org.xbill.DNS.ARecord(mx, DClass.IN, 60,
            java.net.InetAddress.getByName("127.0.0.1")), new org.xbill.DNS.ARecord(mx, DClass.IN, 60,
            java.net.InetAddress.getByName("127.0.0.2"))));
        ZONE.put("mx." + DOMAIN + " AAAA", List.of(new org.xbill.DNS.AAAARecord(mx, DClass.IN, 60,
            java.net.InetAddress.getByName("::1"))));
        MxCertificates certs = mxCertificates();
        TestPki good = certs.good();
        TestPki stale = certs.expiring();
        TestPki misnamed = certs.misnamed();
        Path cas = certs.cas();
        try (StartTlsSmtpServer first = new StartTlsSmtpServer(good.serverContext());
             StartTlsSmtpServer second = new StartTlsSmtpServer(stale.serverContext(),
                 java.net.InetAddress.getByName("127.0.0.2"), first.port());
             StartTlsSmtpServer v6 = new StartTlsSmtpServer(misnamed.serverContext(),
                 java.net.InetAddress.getByName("::1"), first.port())) {
            String[] probe = {"--probe-mx", "--smtp-port", Integer.toString(first.port()), "--policy-ca",
                cas.toString()};

            CommandRunner.Run ipv4 = round(probe);
            assertThat(kinds(ipv4)).containsExactly("firing certificate-expiring");
            assertThat(ipv4.out()).contains("mx." + DOMAIN + " at 127.0.0.2 (not after").doesNotContain("127.0.0.1 (");
            assertThat(lastPosture().get("mx_tls")).hasSize(2);
            assertThat(v6.handshakes.get()).as("IPv6 is probed only when asked").isZero();

            List<String> withIpv6 = new ArrayList<>(List.of(probe));
            withIpv6.add("--probe-ipv6");
            CommandRunner.Run both = round(withIpv6.toArray(String[]::new));
            assertThat(kinds(both)).containsExactly("firing certificate-invalid");
            assertThat(both.out()).contains("mx." + DOMAIN + " at 0:0:0:0:0:0:0:1 does not name the host");
            assertThat(lastPosture().get("mx_tls")).hasSize(3);

            int before = first.handshakes.get() + second.handshakes.get();
            CommandRunner.Run guarded = CommandRunner.run("check-record", DOMAIN, "--resolver", "127.0.0.1:"
                + dns.port(), "--https-proxy", proxy.hostPort(), "--policy-ca", cas.toString(), "--timeout", "3",
                "--probe-mx", "--smtp-port", Integer.toString(first.port()));
            assertThat(guarded.out()).as("by default the probe connects to no private address").contains(
                "mx." + DOMAIN + " at 127.0.0.2: unreachable (127.0.0.2 is a loopback, private or link-local address: "
                    + "not connected to (--allow-private-addresses");
            assertThat(first.handshakes.get() + second.handshakes.get()).isEqualTo(before);

            second.present(good.serverContext());
            assertThat(kinds(round(withIpv6.toArray(String[]::new)))).containsExactly("resolved certificate-expiring");
            assertThat(first.handshakes.get()).isEqualTo(3);
        } finally {
            healthyZone();
        }
        assertThat(watch("--rounds", "1", "--probe-ipv6", DOMAIN).exit()).as("--probe-ipv6 needs --probe-mx")
            .isEqualTo(2);
    }

    /**
     * The record's rua destinations: a mailbox whose domain takes no mail (null MX) loses every report, which the
     * reports themselves never show (they do not arrive); an HTTPS endpoint that answers with a valid certificate
     * takes them.
     */
    @Test
    @Order(12)
    void aRuaDestinationThatTakesNoReportsFiresUntilOneDoes() throws Exception {
        healthyZone();
        ZONE.put("nomail.test MX", List.of(new MXRecord(Name.fromString("nomail.test."), DClass.IN, 60, 0, Name.root)));
        ZONE.put("tlsrpt." + DOMAIN + " A", List.of(new org.xbill.DNS.ARecord(Name.fromString("tlsrpt." + DOMAIN + "."),
            DClass.IN, 60, java.net.InetAddress.getLoopbackAddress())));
        try {
            round();
            txt("_smtp._tls." + DOMAIN, "v=TLSRPTv1; rua=mailto:tlsrpt@nomail.test");
            CommandRunner.Run dead = round();
            assertThat(kinds(dead)).containsExactly("firing tlsrpt-rua-unreachable");
            assertThat(dead.out()).contains("mailto:tlsrpt@nomail.test: nomail.test publishes a null MX");
            assertThat(lastPosture().get("tlsrpt").get("rua_reach").get(0).get("outcome").asText())
                .isEqualTo("unreachable");

            // what the watch found, read back from its topic by tlsrpt posture
            CommandRunner.Run one = CommandRunner.run("posture", "--bootstrap", kafka.bootstrapServers(), DOMAIN);
            assertThat(one.exit()).as(one.err()).isZero();
            assertThat(one.out()).startsWith(DOMAIN + ": checked ").contains(
                "  _smtp._tls: valid\n    rua mailto:tlsrpt@nomail.test: unreachable (nomail.test publishes a null MX",
                "  MTA-STS: enforce, id 20261201", "tlsrpt-rua-unreachable (tlsrpt-rua-unreachable) since ");
            CommandRunner.Run all = CommandRunner.run("posture", "--bootstrap", kafka.bootstrapServers());
            assertThat(all.out().lines()).anyMatch(l -> l.startsWith(DOMAIN + " ") && l.contains("open: ")
                && l.contains("tlsrpt-rua-unreachable"));   // beside what the earlier tests left open unprobed
            CommandRunner.Run json = CommandRunner.run("posture", "--bootstrap", kafka.bootstrapServers(), DOMAIN,
                "--format", "json");
            assertThat(json(json.out().strip()).get("policy_domain").asText()).isEqualTo(DOMAIN);
            CommandRunner.Run unwatched = CommandRunner.run("posture", "--bootstrap", kafka.bootstrapServers(),
                "unwatched.test");
            assertThat(unwatched.exit()).isEqualTo(1);
            assertThat(unwatched.err()).contains("unwatched.test is not watched");
            CommandRunner.Run noTopic = CommandRunner.run("posture", "--bootstrap", kafka.bootstrapServers(),
                "--posture-topic", "no.such.posture");
            assertThat(noTopic.exit()).isEqualTo(1);
            assertThat(noTopic.err()).contains("no.such.posture does not exist");

            CommandRunner.Run check = CommandRunner.run("check-record", DOMAIN, "--resolver", "127.0.0.1:" + dns.port(),
                "--https-proxy", proxy.hostPort(), "--policy-ca", pki.caPem.toString(), "--timeout", "3");
            assertThat(check.out()).contains("  rua mailto:tlsrpt@nomail.test: unreachable (nomail.test publishes a "
                + "null MX");

            txt("_smtp._tls." + DOMAIN, "v=TLSRPTv1; rua=https://tlsrpt." + DOMAIN + "/v1/reports");
            CommandRunner.Run https = round();
            assertThat(kinds(https)).containsExactly("resolved tlsrpt-rua-unreachable");
            assertThat(lastPosture().get("tlsrpt").get("rua_reach").get(0).get("detail").asText())
                .startsWith("HTTPS answered HTTP 404 to HEAD");
            assertThat(proxy.targets()).contains("tlsrpt." + DOMAIN + ":443");
            CommandRunner.Run guarded = CommandRunner.run("check-record", DOMAIN, "--resolver", "127.0.0.1:" + dns.port(),
                "--https-proxy", proxy.hostPort(), "--policy-ca", pki.caPem.toString(), "--timeout", "3");
            assertThat(guarded.out()).contains("  rua https://tlsrpt." + DOMAIN + "/v1/reports: unknown (127.0.0.1 is a "
                + "loopback, private or link-local address");
        } finally {
            healthyZone();
        }
    }

    /** The TLSA 3 1 1 record of the PKI's server key, as an operator publishes it. */
    private static org.xbill.DNS.TLSARecord tlsa311(TestPki mx) throws Exception {
        byte[] spki = mx.serverChain().get(0).getPublicKey().getEncoded();
        return new org.xbill.DNS.TLSARecord(Name.fromString("_25._tcp.mx." + DOMAIN + "."), DClass.IN, 60, 3, 1, 1,
            java.security.MessageDigest.getInstance("SHA-256").digest(spki));
    }

    /** The run's alerts about the test's domain, as "status kind". */
    private static List<String> kinds(CommandRunner.Run run) {
        return run.out().lines().map(WatchCommandIT::json).filter(a -> a.get("policy_domain").asText().equals(DOMAIN))
            .map(a -> a.get("status").asText() + " " + a.get("kind").asText()).toList();
    }

    /**
     * A provider's MX host named by many watched domains is probed once a round, not once per domain (its rate limits
     * would otherwise answer a large watch list with refusals), and again the next round; each domain's posture has
     * the probe.
     */
    @Test
    @Order(13)
    void anMxHostSharedByWatchedDomainsIsProbedOnceARound() throws Exception {
        healthyZoneWithMxOnLoopback();
        List<String> customers = List.of("customer1.test", "customer2.test", "customer3.test");
        for (String customer : customers) {
            ZONE.put(customer + " MX", List.of(new MXRecord(Name.fromString(customer + "."), DClass.IN, 60, 10,
                Name.fromString("MX." + DOMAIN + "."))));
            txt("_smtp._tls." + customer, "v=TLSRPTv1; rua=mailto:tlsrpt@" + customer);
        }
        MxCertificates certs = mxCertificates();
        try (StartTlsSmtpServer smtp = new StartTlsSmtpServer(certs.good().serverContext())) {
            List<String> args = new ArrayList<>(List.of("--rounds", "2", "--interval", "PT1S", "--probe-mx",
                "--smtp-port", Integer.toString(smtp.port()), "--policy-ca", certs.cas().toString(), DOMAIN));
            args.addAll(customers);
            CommandRunner.Run run = watch(args.toArray(String[]::new));
            assertThat(run.exit()).as(run.out() + run.err()).isZero();
            assertThat(smtp.handshakes.get()).as("once a round for four domains; the server's last error: %s",
                smtp.lastError).isEqualTo(2);
            for (String customer : customers) {
                JsonNode posture = json(new String(TopicSnapshot.readAll(kafka.clientProperties(),
                    "tlsrpt.policy-posture").stream().filter(r -> r.value() != null
                        && new String(r.key(), StandardCharsets.UTF_8).equals(customer))
                    .reduce((a, b) -> b).orElseThrow().value(), StandardCharsets.UTF_8));
                assertThat(posture.get("mx_tls").get(0).get("outcome").asText()).as(customer).isEqualTo("tls");
                assertThat(posture.get("mx_tls").get(0).get("host").asText())
                    .as("as the customer's MX record spells it, whichever domain's check probed it")
                    .isEqualTo("MX." + DOMAIN);
            }
        } finally {
            for (String customer : customers) {
                ZONE.remove(customer + " MX");
                ZONE.remove("_smtp._tls." + customer + " TXT");
            }
        }
    }

    @Test
    @Order(6)
    void usageErrors() {
        assertThat(watch("--rounds", "1").exit()).isEqualTo(2);
        assertThat(watch("--interval", "PT0.5S", DOMAIN).exit()).isEqualTo(2);
        assertThat(watch("--rounds", "1", "not a domain").exit()).isEqualTo(2);
        CommandRunner.Run noTopic = watch("--rounds", "1", "--alerts-topic", "no.such.topic", DOMAIN);
        assertThat(noTopic.exit()).isEqualTo(1);
        assertThat(noTopic.err()).contains("the alert topic no.such.topic does not exist");
    }
}
