package io.tlsrpt.cli.domains;

import static io.tlsrpt.cli.CommandRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.sun.net.httpserver.HttpServer;
import io.tlsrpt.cli.CommandRunner.Run;
import io.tlsrpt.cli.TestProcessors;
import io.tlsrpt.embedded.EmbeddedKafka;
import io.tlsrpt.generate.GeneratorSettings;
import io.tlsrpt.generate.ReportGenerator;
import io.tlsrpt.generate.Scenario;
import io.tlsrpt.processor.app.ProcessorConfig;
import io.tlsrpt.schema.serde.MockSchemaRegistry;
import jakarta.mail.internet.MimeMessage;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tlsrpt domains} and {@code tlsrpt reports} on a real broker, over the domain statistics and reports the real
 * stream processor wrote for ten generated days of five domains: one with an expired certificate for three days (its
 * domain under a tenant), one whose MTA-STS policy was withdrawn for two.
 */
class DomainsCommandIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String APPLICATION_ID = "tlsrpt-domains-it";
    private static final String REGISTRY = "mock://" + APPLICATION_ID;
    private static final LocalDate START = GeneratorSettings.DEFAULT_START_DATE;

    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;

    @BeforeAll
    static void startAndProcess() {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        ReportGenerator generator = new ReportGenerator(GeneratorSettings.defaults().withDays(10)
            .withScenarios(List.of(Scenario.parse(Scenario.Kind.CERTIFICATE_EXPIRY, "expired.example@3", START),
                Scenario.parse(Scenario.Kind.STS_WITHDRAWN, "withdrawn.example@8+2", START))));
        // one partition: a backlog of old-dated reports read from two drifts apart, and the partition ahead can close
        // the other's windows before all their reports are in (late reports, counted in no window); closing the
        // processor commits the last statistics
        // every generated domain served, the expired one under a tenant: its alerts carry it (real broker, the file
        // read by the processor's start)
        Path served = dir.resolve("served-domains.txt");
        try {
            Files.writeString(served, "*.example\nexpired.example tenant=customer-7   # a provider's customer\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        TestProcessors.process(kafka, APPLICATION_ID, dir.resolve("state"), 1, generator, processor -> { },
            ProcessorConfig.SERVED_DOMAINS_FILE, served.toString());
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    @Test
    void everyDomainWorstFirst() {
        Run all = domains();
        assertThat(all.exit()).as(all.err()).isZero();
        List<String[]> rows = rows(all);
        // a tenant column, since one domain has a tenant: "-" for the others
        assertThat(rows).hasSize(5).allSatisfy(row -> assertThat(row[2]).isEqualTo("10"));
        // three days of ten with nearly every session failing
        assertThat(rows.get(0)[0]).isEqualTo("expired.example");
        assertThat(rows.get(0)[1]).isEqualTo("customer-7");
        assertThat(percent(rows.get(0)[4])).isBetween(15.0, 40.0);
        String[] withdrawn = row(rows, "withdrawn.example");
        assertThat(withdrawn[1]).isEqualTo("-");
        assertThat(percent(withdrawn[5])).isBetween(10.0, 30.0);
        assertThat(percent(row(rows, "expired.example")[5])).isZero();
        assertThat(all.err()).containsPattern("tlsrpt domains: \\d+ records read from tlsrpt.domain-stats, \\d+ kept, "
            + "5 domains shown");
        // the same rows by name, and the most sessions first
        assertThat(rows(domains("--order", "name"))).extracting(r -> r[0]).isSorted().hasSize(5);
        List<Long> sessions = rows(domains("--order", "sessions")).stream()
            .map(r -> Long.parseLong(r[3].replace(",", ""))).toList();
        assertThat(sessions).hasSize(5).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(domains("--order", "sideways").exit()).isEqualTo(2);
    }

    @Test
    void aDomainFromADay() {
        Run withdrawal = domains("--domain", "WITHDRAWN.example.", "--since", START.plusDays(7).toString());
        assertThat(withdrawal.exit()).as(withdrawal.err()).isZero();
        assertThat(rows(withdrawal)).singleElement().satisfies(row -> {
            assertThat(row[0]).isEqualTo("withdrawn.example");
            assertThat(row[1]).as("days 8 to 10 (no tenant column: no tenant among the rows)").isEqualTo("3");
            assertThat(percent(row[4])).as("two of the three days").isBetween(50.0, 80.0);
        });
        assertThat(readCount(withdrawal, "domains")).as("read from day 8 on, not from the topic's start")
            .isPositive().isLessThan(readCount(domains(), "domains"));
        assertThat(rows(domains("--domain", "nowhere.example"))).isEmpty();
        Run noTopic = domains("--topic", "tlsrpt.no-such-topic");
        assertThat(noTopic.exit()).as("not an empty table").isEqualTo(1);
        assertThat(noTopic.err()).contains("tlsrpt.no-such-topic does not exist on this cluster");
        assertThat(noTopic.out()).isEmpty();

        Run json = domains("--domain", "withdrawn.example", "--format", "json");
        assertThat(json.exit()).as(json.err()).isZero();
        assertThat(json.jsonLines()).singleElement().satisfies(row -> {
            assertThat(row.get("policy_domain").asText()).isEqualTo("withdrawn.example");
            assertThat(row.get("days").asInt()).isEqualTo(10);
            assertThat(row.get("without_enforced_policy_share").asDouble()).isBetween(0.10, 0.30);
            assertThat(row.get("sessions_without_enforced_policy").asLong()).isPositive()
                .isLessThan(row.get("sessions").asLong());
            assertThat(row.get("tenant").isNull()).isTrue();
        });
        assertThat(domains("--format", "xml").exit()).isEqualTo(2);
    }

    @Test
    void theReportsBehindTheWorstDomain() {
        // the drill-down from the table: which reports, which MX hosts, which senders
        Run text = reports("--domain", "expired.example", "--result-type", "certificate-expired");
        assertThat(text.exit()).as(text.err()).isZero();
        List<String> lines = text.out().lines().toList();
        assertThat(lines.get(0)).startsWith("expired.example: ").contains("windows " + START.plusDays(2) + " to "
            + START.plusDays(4));
        assertThat(text.out()).contains("failure details, summed by result type and receiving MX")
            .containsPattern("\\n  certificate-expired at [a-z0-9.-]+\\.expired\\.example[^:]*: [0-9,]+ failed sessions in "
                + "\\d+ reports, " + START.plusDays(2) + " to " + START.plusDays(4) + "\\n      reporters: .+\\n"
                + "      sending MTAs: ");
        assertThat(text.err()).containsPattern("tlsrpt reports: \\d+ records read from tlsrpt.reports, \\d+ reports "
            + "shown");

        Run json = reports("--domain", "expired.example", "--result-type", "certificate-expired", "--format", "json");
        assertThat(json.exit()).as(json.err()).isZero();
        assertThat(json.jsonLines()).isNotEmpty().allSatisfy(row -> {
            assertThat(row.get("policy_domain").asText()).isEqualTo("expired.example");
            assertThat(row.get("window_start").asText()).isBetween(START.plusDays(2).toString(),
                START.plusDays(5).toString());
            assertThat(row.get("failure_details")).isNotEmpty().allSatisfy(
                d -> assertThat(d.get("result_type").asText()).isEqualTo("certificate-expired"));
            assertThat(row.get("source").asText()).isEqualTo("cli");
        });
        // from the host's side: every domain failing at the MX hosts under expired.example, whatever the domain
        Run byHost = reports("--mx", "expired.example", "--format", "json");
        assertThat(byHost.exit()).as(byHost.err()).isZero();
        assertThat(byHost.jsonLines()).isNotEmpty().allSatisfy(row -> {
            assertThat(row.get("policy_domain").asText()).isEqualTo("expired.example");
            assertThat(row.get("failure_details")).isNotEmpty().allSatisfy(d ->
                assertThat(d.get("receiving_mx_hostname").asText()).endsWith(".expired.example"));
        });
        Run everyDay = reports("--domain", "expired.example", "--format", "json");
        assertThat(everyDay.jsonLines()).extracting(row -> row.get("window_start").asText().substring(0, 10))
            .as("the healthy days too, oldest first").contains(START.toString(), START.plusDays(9).toString())
            .isSorted();
    }

    @Test
    void theAlertsOfATenantsDomainCarryItsTenant() {
        Run tenant = run("alerts", "--bootstrap", kafka.bootstrapServers(), "--tenant", "customer-7");
        assertThat(tenant.exit()).as(tenant.err()).isZero();
        assertThat(tenant.jsonLines()).isNotEmpty().allSatisfy(alert -> {
            assertThat(alert.get("policy_domain").asText()).isEqualTo("expired.example");
            assertThat(alert.get("tenant").asText()).isEqualTo("customer-7");
        }).anySatisfy(alert -> assertThat(alert.get("kind").asText()).isEqualTo("certificate-expired"));
        Run all = run("alerts", "--bootstrap", kafka.bootstrapServers());
        assertThat(all.jsonLines()).as("another domain's alerts carry none")
            .anySatisfy(alert -> assertThat(alert.get("policy_domain").asText()).isNotEqualTo("expired.example"))
            .allSatisfy(alert -> assertThat(alert.get("tenant").isNull())
                .isEqualTo(!alert.get("policy_domain").asText().equals("expired.example")));
        Run text = run("alerts", "--bootstrap", kafka.bootstrapServers(), "--tenant", "customer-7", "--format", "text");
        assertThat(text.out().lines()).isNotEmpty().allSatisfy(line -> assertThat(line).contains(" tenant=customer-7 "));
    }

    @Test
    void theStatisticsOfATenantsDomainCarryItsTenant() {
        Run tenant = domains("--tenant", "customer-7", "--format", "json");
        assertThat(tenant.exit()).as(tenant.err()).isZero();
        assertThat(tenant.jsonLines()).singleElement().satisfies(row -> {
            assertThat(row.get("policy_domain").asText()).isEqualTo("expired.example");
            assertThat(row.get("tenant").asText()).isEqualTo("customer-7");
            assertThat(row.get("days").asInt()).isEqualTo(10);
        });
        assertThat(rows(domains("--tenant", "customer-7"))).singleElement()
            .satisfies(row -> assertThat(row).startsWith("expired.example", "customer-7", "10"));
        assertThat(rows(domains("--tenant", "nobody"))).isEmpty();
    }

    /** A provider's digest of one tenant's ten days: its one domain, what failed, its incident. */
    @Test
    void aTenantsDigest() throws Exception {
        String first = START.toString();
        String last = START.plusDays(9).toString();
        Run markdown = digest("--tenant", "customer-7", "--since", first, "--until", last);
        assertThat(markdown.exit()).as(markdown.err()).isZero();
        List<String> lines = markdown.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("# TLS-RPT digest: tenant customer-7, " + first + " to " + last);
        assertThat(lines.get(2)).startsWith("1 policy domain, ").contains(" sessions reported by ");
        assertThat(lines).filteredOn(l -> l.startsWith("| expired.example | customer-7 | 10 | ")).singleElement()
            .asString().contains("certificate-expired (").containsPattern("\\| " + START.getYear()
                + "-\\d\\d-\\d\\d \\(\\d+\\.\\d\\d%\\) \\|$");
        assertThat(lines).anySatisfy(l -> assertThat(l).containsPattern(
            "^\\| (open|resolved) \\| critical \\| certificate-expired \\| expired\\.example \\| certificate-expired \\| "
                + START.plusDays(3) + " \\|"));
        assertThat(markdown.out()).doesNotContain("withdrawn.example");

        Run json = digest("--tenant", "customer-7", "--since", first, "--until", last, "--format", "json");
        assertThat(json.exit()).as(json.err()).isZero();
        JsonNode digest = json.jsonLines().get(0);
        assertThat(digest.get("policy_domains")).singleElement().satisfies(d -> {
            assertThat(d.get("policy_domain").asText()).isEqualTo("expired.example");
            assertThat(d.get("failing_most").get(0).get("result_type").asText()).isEqualTo("certificate-expired");
            assertThat(d.get("worst_day").asText()).isBetween(START.plusDays(2).toString(),
                START.plusDays(4).toString());
        });
        assertThat(digest.get("incidents")).isNotEmpty().allSatisfy(
            i -> assertThat(i.get("tenant").asText()).isEqualTo("customer-7"));

        // everyone's last three days: the statistics are read from the period's first day, not the topic's start
        Run everyone = digest("--since", START.plusDays(7).toString(), "--until", last);
        assertThat(everyone.exit()).as(everyone.err()).isZero();
        assertThat(everyone.out()).contains("| withdrawn.example | - | 3 | ");
        Run whole = digest("--since", first, "--until", last);
        assertThat(readCount(everyone, "digest")).isPositive().isLessThan(readCount(whole, "digest"));

        // every tenant's digest in one pass, a file each: here the one tenant
        Path each = dir.resolve("digests");
        Run written = digest("--each-tenant", each.toString(), "--since", first, "--until", last);
        assertThat(written.exit()).as(written.err()).isZero();
        assertThat(written.err()).contains("tlsrpt digest: 1 tenants' digests written to " + each);
        try (java.util.stream.Stream<Path> files = Files.list(each)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("customer-7.md");
        }
        assertThat(Files.readString(each.resolve("customer-7.md"))).isEqualTo(markdown.out());
        // the processor's list with two more domains by name: one of customer-7 and one of a customer without any
        // report yet; each listed apart, and the new customer gets a digest of its own
        Path served = Files.writeString(dir.resolve("served-for-digest.txt"), String.join("\n", "*.example",
            "expired.example tenant=customer-7", "silent.example tenant=customer-7",
            "new-customer.example tenant=customer-9 # rua not set up yet", ""));
        Path listed = dir.resolve("digests-listed");
        Run withList = digest("--each-tenant", listed.toString(), "--served-domains-file", served.toString(),
            "--since", first, "--until", last);
        assertThat(withList.exit()).as(withList.err()).isZero();
        assertThat(Files.readString(listed.resolve("customer-7.md"))).contains("| expired.example | customer-7 |")
            .contains("## Policy domains without reports").contains("\n- silent.example\n")
            .doesNotContain("new-customer.example");
        assertThat(Files.readString(listed.resolve("customer-9.md"))).contains("0 policy domains")
            .contains("\n- new-customer.example\n").doesNotContain("expired.example");
        Run html = digest("--each-tenant", each.toString(), "--since", first, "--until", last, "--format", "html");
        assertThat(html.exit()).as(html.err()).isZero();
        assertThat(Files.readString(each.resolve("customer-7.html"))).startsWith("<!DOCTYPE html>")
            .contains("<td style=\"padding:4px 8px;border:1px solid #d0d7de;\">expired.example</td>")
            .endsWith("</html>" + System.lineSeparator());
        assertThat(digest("--each-tenant", each.toString(), "--tenant", "customer-7").exit()).isEqualTo(2);

        Run nobody = digest("--tenant", "nobody", "--since", first, "--until", last);
        assertThat(nobody.exit()).isEqualTo(1);
        assertThat(nobody.err()).contains("tlsrpt digest: nothing matched tenant nobody from " + first);
        assertThat(nobody.out()).isEmpty();
        Run noAlerts = digest("--since", first, "--until", last, "--alerts-topic", "tlsrpt.no-such-topic");
        assertThat(noAlerts.exit()).isEqualTo(1);
        assertThat(noAlerts.err()).contains("tlsrpt digest: tlsrpt.no-such-topic does not exist on this cluster");
        assertThat(digest("--since", last, "--until", first).exit()).isEqualTo(2);
        assertThat(digest("--format", "pdf").exit()).isEqualTo(2);
    }

    /**
     * A provider mails each customer its week: every tenant of the recipients file that had reports gets one mail, by a
     * real SMTP server over TLS with authentication; a tenant with nothing gets none; credentials the server refuses
     * fail the run.
     */
    @Test
    void theDigestIsMailedToEachTenantsRecipients() throws Exception {
        GreenMail smtp = new GreenMail(ServerSetupTest.SMTPS.dynamicPort());
        smtp.start();
        try {
            smtp.setUser("digest@provider.example", "digest", "s3cret");
            Path recipients = Files.writeString(dir.resolve("recipients.txt"), String.join("\n",
                "customer-7 ops@customer7.example, \"Customer 7 NOC\" <noc@customer7.example>",
                "customer-9 ops@customer9.example   # no domain yet", ""));
            Files.writeString(dir.resolve("smtp-password"), "s3cret\n");
            Path config = Files.writeString(dir.resolve("smtp.properties"), String.join("\n",
                "from=TLS-RPT digest <digest@provider.example>",
                "mail.smtp.host=127.0.0.1",
                "mail.smtp.port=" + smtp.getSmtps().getPort(),
                "mail.smtp.ssl.enable=true",
                // GreenMail's own certificate: trusted for this host only, and it names no host (a real server's
                // certificate is checked against the host name, Angus Mail's default)
                "mail.smtp.ssl.trust=127.0.0.1",
                "mail.smtp.ssl.checkserveridentity=false",
                "user=digest",
                "password.file=smtp-password", ""));
            String first = START.toString();
            String last = START.plusDays(9).toString();

            Run mailed = digest("--mail-recipients", recipients.toString(), "--smtp-config", config.toString(),
                "--since", first, "--until", last);
            assertThat(mailed.exit()).as(mailed.err()).isZero();
            assertThat(mailed.err()).contains("tlsrpt digest: customer-7's digest mailed to ops@customer7.example, "
                    + "Customer 7 NOC <noc@customer7.example>")
                .contains("tlsrpt digest: customer-9 had no reports or incidents: nothing mailed")
                .contains("tlsrpt digest: 1 digests mailed, 0 not");
            MimeMessage[] received = smtp.getReceivedMessages();
            assertThat(received).as("one copy per recipient").hasSize(2);
            for (MimeMessage mail : received) {
                assertThat(mail.getSubject()).isEqualTo("TLS-RPT digest: tenant customer-7, " + first + " to " + last);
                assertThat(mail.getFrom()[0].toString()).isEqualTo("TLS-RPT digest <digest@provider.example>");
                assertThat(mail.getHeader("Auto-Submitted", null)).isEqualTo("auto-generated");
                assertThat(mail.getContentType()).startsWith("multipart/alternative");
                assertThat(GreenMailUtil.getBody(mail)).contains("text/plain").contains("text/html").contains("expired.example").doesNotContain("withdrawn.example");
            }

            Files.writeString(dir.resolve("smtp-password"), "wrong\n");
            Run refused = digest("--mail-recipients", recipients.toString(), "--smtp-config", config.toString(),
                "--since", first, "--until", last);
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.err()).contains("tlsrpt digest: customer-7's digest not mailed to ")
                .contains("tlsrpt digest: 0 digests mailed, 1 not");
            assertThat(smtp.getReceivedMessages()).hasSize(2);
            assertThat(digest("--mail-recipients", recipients.toString()).exit()).as("without --smtp-config")
                .isEqualTo(2);
        } finally {
            smtp.stop();
        }
    }

    /** How many records of the statistics topic the command says it read. */
    private static long readCount(Run run, String command) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("tlsrpt " + command
            + ": .*?(\\d+) records read from tlsrpt.domain-stats").matcher(run.err());
        assertThat(m.find()).as(run.err()).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void reportsSaySoWhenNothingMatches() {
        Run mended = reports("--domain", "expired.example", "--result-type", "certificate-expired", "--since",
            START.plusDays(5).toString());
        assertThat(mended.exit()).as("mended after the third day").isEqualTo(1);
        assertThat(mended.err()).contains("no report matched expired.example with certificate-expired");
        assertThat(mended.out()).isEmpty();

        // the records are stamped with their arrival (now): a --since after it reads none of them
        Run ahead = reports("--domain", "expired.example", "--since", LocalDate.now().plusDays(3).toString());
        assertThat(ahead.exit()).isEqualTo(1);
        assertThat(ahead.err()).contains("0 records read from tlsrpt.reports");

        assertThat(reports("--domain", "expired.example", "--topic", "tlsrpt.no-such-topic").err())
            .contains("tlsrpt.no-such-topic does not exist on this cluster");
        Run neither = reports("--since", "2025-01-02");
        assertThat(neither.exit()).as("--domain or --mx is required").isEqualTo(2);
        assertThat(neither.err()).contains("give --domain, --mx or both");
        Run elsewhere = reports("--mx", "mx.nowhere.example");
        assertThat(elsewhere.exit()).isEqualTo(1);
        assertThat(elsewhere.err()).contains("no report matched any domain at mx.nowhere.example");
        assertThat(reports("--domain", "x.example", "--since", "2025-01-02", "--until", "2025-01-01").exit())
            .isEqualTo(2);
    }

    @Test
    void aRegistryThatCannotBeReachedIsAnErrorNotAnEmptyTable() {
        Run unreachable = run("domains", "--bootstrap", kafka.bootstrapServers(), "--registry", "http://127.0.0.1:1");
        assertThat(unreachable.exit()).isEqualTo(1);
        assertThat(unreachable.err()).contains("tlsrpt domains: cannot read tlsrpt.domain-stats with the schemas of "
            + "http://127.0.0.1:1");
        assertThat(unreachable.out()).isEmpty();
    }

    @Test
    void aRegistryThatWantsCredentialsGetsThemFromTheClientConfig() throws Exception {
        // a registry in front of the processor's schemas that answers only with the right basic credentials
        MockSchemaRegistry schemas = MockSchemaRegistry.forUrl(REGISTRY);
        String expected = "Basic " + Base64.getEncoder().encodeToString("siem:s3cret".getBytes(StandardCharsets.UTF_8));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/schemas/ids/", exchange -> {
            int id = Integer.parseInt(exchange.getRequestURI().getPath().substring("/schemas/ids/".length()));
            boolean allowed = expected.equals(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = (allowed ? JSON.createObjectNode().put("schema", schemas.getById(id).toString())
                : JSON.createObjectNode().put("error_code", 40101).put("message", "Unauthorized")).toString()
                .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
            exchange.sendResponseHeaders(allowed ? 200 : 401, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort();
            Run refused = run("domains", "--bootstrap", kafka.bootstrapServers(), "--registry", url);
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.err()).contains("with the schemas of " + url).contains("401");

            Path config = dir.resolve("client.properties");
            Files.writeString(config, "basic.auth.user.info=siem:s3cret\n");
            Run allowed = run("domains", "--bootstrap", kafka.bootstrapServers(), "--registry", url,
                "--client-config", config.toString());
            assertThat(allowed.exit()).as(allowed.err()).isZero();
            assertThat(rows(allowed)).hasSize(5);
        } finally {
            server.stop(0);
        }
    }

    private static Run domains(String... args) {
        List<String> all = new ArrayList<>(List.of("domains", "--bootstrap", kafka.bootstrapServers(),
            "--registry", REGISTRY));
        all.addAll(List.of(args));
        return run(all.toArray(String[]::new));
    }

    private static Run digest(String... args) {
        List<String> all = new ArrayList<>(List.of("digest", "--bootstrap", kafka.bootstrapServers(),
            "--registry", REGISTRY));
        all.addAll(List.of(args));
        return run(all.toArray(String[]::new));
    }

    private static Run reports(String... args) {
        List<String> all = new ArrayList<>(List.of("reports", "--bootstrap", kafka.bootstrapServers(),
            "--registry", REGISTRY));
        all.addAll(List.of(args));
        return run(all.toArray(String[]::new));
    }

    /** The table's rows (domain, days, sessions, failed, no enforced policy, reporters) after its header. */
    private static List<String[]> rows(Run run) {
        List<String> lines = run.out().lines().toList();
        assertThat(lines.get(0)).startsWith("policy domain ");
        int columns = lines.get(0).contains(" tenant ") ? 7 : 6;   // the reporters' names hold spaces
        return lines.subList(1, lines.size()).stream().map(l -> l.trim().split(" +", columns)).toList();
    }

    private static String[] row(List<String[]> rows, String domain) {
        return rows.stream().filter(r -> r[0].equals(domain)).findFirst()
            .orElseThrow(() -> new AssertionError("no row for " + domain));
    }

    private static double percent(String cell) {
        assertThat(cell).endsWith("%");
        return Double.parseDouble(cell.substring(0, cell.length() - 1));
    }
}
