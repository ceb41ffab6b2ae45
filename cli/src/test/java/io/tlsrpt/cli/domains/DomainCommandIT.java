package io.tlsrpt.cli.domains;

import static io.tlsrpt.cli.CommandRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.cli.CommandRunner.Run;
import io.tlsrpt.cli.TestProcessors;
import io.tlsrpt.embedded.EmbeddedKafka;
import io.tlsrpt.generate.GeneratorSettings;
import io.tlsrpt.generate.ReportGenerator;
import io.tlsrpt.generate.Scenario;
import io.tlsrpt.processor.app.ProcessorConfig;
import io.tlsrpt.processor.app.TlsRptProcessor;
import io.tlsrpt.testkafka.TestCertificateAuthority;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tlsrpt domain}, {@code tlsrpt domains --processor} and {@code tlsrpt incidents} against a real stream
 * processor's HTTP server, on a real broker,
 * over ten generated days of five domains, one of them with an expired certificate from the third day; then asked while
 * that processor restarts, now over HTTPS ({@code --ca-file}), with a token and a tenant.
 */
class DomainCommandIT {

    private static final LocalDate START = GeneratorSettings.DEFAULT_START_DATE;
    private static final Pattern DAY_ROW = Pattern.compile(
        "^(\\d{4}-\\d\\d-\\d\\d) +([\\d,]+) +(\\d+\\.\\d\\d)% +(\\d+\\.\\d\\d)% +(\\d+)(?:  (.+))?$", Pattern.MULTILINE);

    @TempDir
    Path dir;

    @Test
    void oneDomainDayByDayWithItsIncidentFromTheRunningProcessor() throws Exception {
        ReportGenerator generator = new ReportGenerator(GeneratorSettings.defaults().withDays(10)
            .withScenarios(List.of(Scenario.parse(Scenario.Kind.CERTIFICATE_EXPIRY, "expired.example@3", START),
                Scenario.parse(Scenario.Kind.CERTIFICATE_EXPIRY, "lapsed.example@4", START))));
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            // one partition, so that every day counts (a backlog read from two drifts apart; DomainsCommandIT)
            TestProcessors.process(kafka, "tlsrpt-domain-it", dir.resolve("state"), 1, generator, processor -> {
                String url = "http://127.0.0.1:" + processor.httpAddress().getPort();

                Run table = run("domain", "Expired.Example.", "--processor", url);
                assertThat(table.exit()).as(table.err()).isZero();
                assertThat(table.out()).startsWith("expired.example: 10 days kept by 127.0.0.1:"
                    + processor.httpAddress().getPort() + ", as of ");
                Matcher rows = DAY_ROW.matcher(table.out());
                int days = 0;
                while (rows.find()) {
                    LocalDate day = LocalDate.parse(rows.group(1));
                    assertThat(day).isEqualTo(START.plusDays(days));
                    double failed = Double.parseDouble(rows.group(3));
                    if (day.isBefore(START.plusDays(2))) {
                        assertThat(failed).as(rows.group()).isLessThan(5.0);
                    } else if (day.isBefore(START.plusDays(5))) {
                        assertThat(failed).as(rows.group()).isGreaterThan(50.0);
                        assertThat(rows.group(6)).as(rows.group()).startsWith("certificate-expired ");
                    }
                    days++;
                }
                assertThat(days).as(table.out()).isEqualTo(10);
                // it can fire from the fourth day: detector.min.baseline.windows (3) days before it
                assertThat(table.out()).containsPattern("incidents:\\n  (firing|resolved) +critical +certificate-expired "
                    + "\\(certificate-expired\\) from " + START.plusDays(3) + ", last anomalous .*, alert_id \\w+, mx "
                    + "mx[12]\\.expired\\.example");

                Run json = run("domain", "expired.example", "--processor", url + "/", "--format", "json");
                assertThat(json.exit()).as(json.err()).isZero();
                JsonNode state = readJson(json.out());
                assertThat(state.get("policy_domain").asText()).isEqualTo("expired.example");
                assertThat(state.get("tenant").isNull()).as("no served-domains list: no tenant").isTrue();
                assertThat(state.get("windows")).hasSize(10);
                assertThat(state.get("incidents")).singleElement()
                    .satisfies(i -> {
                        assertThat(i.get("kind").asText()).isEqualTo("certificate-expired");
                        assertThat(i.get("receiving_mx")).as("where its failures were").isNotEmpty()
                            .allSatisfy(h -> assertThat(h.asText()).matches("mx[12]\\.expired\\.example"));
                    });

                // tlsrpt incidents: the same incident in the application's list, open only while it fires
                Run all = run("incidents", "--processor", url, "--status", "all");
                assertThat(all.exit()).as(all.err()).isZero();
                assertThat(all.out()).startsWith("2 incidents, 1 partitions on 1 instances, as of ")
                    .containsPattern("\n  expired\\.example: (firing|resolved) +critical +certificate-expired "
                        + "\\(certificate-expired\\) from " + START.plusDays(3) + ", last anomalous .*, alert_id \\w+, mx "
                    + "mx[12]\\.expired\\.example");
                String alertId = state.get("incidents").get(0).get("alert_id").asText();
                assertThat(all.out()).contains("alert_id " + alertId);
                Run byId = run("incidents", "--processor", url, "--status", "all", "--alert-id", alertId);
                assertThat(byId.exit()).as(byId.err()).isZero();
                assertThat(byId.out()).startsWith("1 incident with alert_id " + alertId + ", 1 partitions on 1 instances")
                    .contains("  expired.example: ");
                // by the MX hosts of their failures: the generator's are mx1. and mx2. of each domain
                assertThat(all.out()).containsPattern("\n  expired\\.example: .*, alert_id " + alertId
                    + ", mx mx[12]\\.expired\\.example(,mx[12]\\.expired\\.example)?\n");
                Run atMx = run("incidents", "--processor", url, "--status", "all", "--mx", "Expired.Example.");
                assertThat(atMx.out()).as(atMx.err()).startsWith("1 incident at MX expired.example, 1 partitions")
                    .contains("  expired.example: ").doesNotContain("lapsed.example");
                Run byMx = run("incidents", "--processor", url, "--status", "all", "--by-mx", "--limit", "1");
                assertThat(byMx.exit()).as(byMx.err()).isZero();
                assertThat(byMx.out()).as("page by page (--limit 1), then summed by host").containsPattern(
                    "^\\d MX hosts? of 2 incidents, the most domains first, as of ")
                    .containsPattern("\n  mx[12]\\.expired\\.example: 1 domain, 1 incident \\(critical 1\\): "
                        + "certificate-expired 1\n      expired\\.example\n");
                Run byMxJson = run("incidents", "--processor", url, "--status", "all", "--by-mx", "--format", "json");
                assertThat(readJson(byMxJson.out()).get("hosts")).as("each domain's own MX hosts").isNotEmpty()
                    .allSatisfy(h -> assertThat(h.get("policy_domains")).singleElement().satisfies(d ->
                        assertThat(h.get("host").asText()).endsWith("." + d.asText())));
                assertThat(run("incidents", "--processor", url, "--by-mx", "--after", "x").exit()).isEqualTo(2);
                assertThat(run("incidents", "--processor", url, "--status", "all", "--mx", "mx1.nowhere.example").out())
                    .startsWith("0 incidents at MX mx1.nowhere.example, ");
                boolean firing = state.get("incidents").get(0).get("status").asText().equals("firing");
                Run open = run("incidents", "--processor", url, "--domain", "expired.example", "--format", "json");
                assertThat(open.exit()).as(open.err()).isZero();
                JsonNode openList = readJson(open.out());
                assertThat(openList.get("status").asText()).isEqualTo("open");
                assertThat(openList.get("incidents")).hasSize(firing ? 1 : 0);
                Run elsewhere = run("incidents", "--processor", url, "--status", "all", "--domain", "nowhere.example");
                assertThat(elsewhere.out()).startsWith("0 incidents under nowhere.example, 1 partitions on 1 instances");
                assertThat(run("incidents", "--processor", url, "--status", "firing").exit()).isEqualTo(2);
                Run limited = run("incidents", "--processor", url, "--status", "all", "--limit", "1", "--format",
                    "json");
                assertThat(readJson(limited.out()).get("limit").asInt()).as(limited.err()).isEqualTo(1);
                assertThat(readJson(limited.out()).get("count").asInt()).isEqualTo(2);
                assertThat(run("incidents", "--processor", url, "--limit", "0").exit()).isEqualTo(2);
                // two pages of one: the second after the first's cursor; --all walks them into one list
                JsonNode first = readJson(limited.out());
                Run second = run("incidents", "--processor", url, "--status", "all", "--limit", "1", "--after",
                    first.get("next").asText(), "--format", "json");
                assertThat(readJson(second.out()).get("next").isNull()).as(second.out()).isTrue();
                List<JsonNode> paged = List.of(first.get("incidents").get(0), readJson(second.out()).get("incidents")
                    .get(0));
                Run walked = run("incidents", "--processor", url, "--status", "all", "--limit", "1", "--all",
                    "--format", "json");
                assertThat(walked.exit()).as(walked.err()).isZero();
                assertThat(readJson(walked.out()).get("incidents")).containsExactlyElementsOf(paged);
                assertThat(readJson(walked.out()).get("next").isNull()).isTrue();
                Run walkedText = run("incidents", "--processor", url, "--status", "all", "--limit", "1", "--all");
                assertThat(walkedText.out()).startsWith("2 incidents, 1 partitions on 1 instances, as of ")
                    .contains("  expired.example: ").contains("  lapsed.example: ").doesNotContain("--after");
                assertThat(all.out()).as("without a limit: one page").doesNotContain("--after");
                Run notACursor = run("incidents", "--processor", url, "--after", "page2");
                assertThat(notACursor.exit()).isEqualTo(1);
                assertThat(notACursor.err()).contains("400").contains("'next' of an earlier answer");

                // tlsrpt domains --processor: every domain from the processor's state, worst first, with its open
                // incidents, in pages
                Run domains = run("domains", "--processor", url, "--format", "json");
                assertThat(domains.exit()).as(domains.err()).isZero();
                JsonNode domainList = readJson(domains.out());
                int domainCount = domainList.get("count").asInt();
                assertThat(domainList.get("domains")).hasSize(domainCount).hasSizeGreaterThan(2);
                JsonNode expired = null;
                for (JsonNode d : domainList.get("domains")) {
                    if (d.get("policy_domain").asText().equals("expired.example")) {
                        expired = d;
                    }
                }
                assertThat(expired).as(domains.out()).isNotNull();
                assertThat(expired.get("days").asInt()).isEqualTo(10);
                assertThat(expired.get("open_incidents").asInt()).isEqualTo(firing ? 1 : 0);
                Run domainTable = run("domains", "--processor", url);
                assertThat(domainTable.exit()).as(domainTable.err()).isZero();
                assertThat(domainTable.out()).startsWith(domainCount + " domains, 1 partitions on 1 instances, as of ")
                    .containsPattern(
                        "\npolicy domain +days +sessions +failed +no enforced policy +incidents  reporters\n")
                    .containsPattern("\nexpired\\.example +10 +[\\d,]+ +\\d+\\.\\d\\d% +\\d+\\.\\d\\d% +"
                        + (firing ? 1 : 0) + "  \\S")
                    .doesNotContain("--after");
                Run firstTwo = run("domains", "--processor", url, "--limit", "2");
                assertThat(firstTwo.out()).as(firstTwo.err())
                    .startsWith(domainCount + " domains, the 2 worst listed, 1 partitions on 1 instances")
                    .contains("\n" + (domainCount - 2) + " more after these: --after ");
                Run walkedDomains = run("domains", "--processor", url, "--limit", "2", "--all", "--format", "json");
                assertThat(walkedDomains.exit()).as(walkedDomains.err()).isZero();
                assertThat(readJson(walkedDomains.out()).get("domains"))
                    .containsExactlyElementsOf(domainList.get("domains"));
                Run byName = run("domains", "--processor", url, "--order", "name", "--limit", "2", "--all", "--format",
                    "json");
                assertThat(byName.exit()).as(byName.err()).isZero();
                assertThat(readJson(byName.out()).get("domains")).extracting(d -> d.get("policy_domain").asText())
                    .isSorted().hasSize(domainCount);
                Run bySessions = run("domains", "--processor", url, "--order", "sessions", "--limit", "1");
                assertThat(bySessions.out()).as(bySessions.err())
                    .startsWith(domainCount + " domains, by sessions, the first 1 listed, 1 partitions on 1 instances");
                assertThat(run("domains", "--processor", url, "--order", "sideways").exit()).isEqualTo(2);
                Run under = run("domains", "--processor", url, "--domain", "Expired.Example.", "--format", "json");
                assertThat(readJson(under.out()).get("domains")).singleElement()
                    .satisfies(d -> assertThat(d.get("policy_domain").asText()).isEqualTo("expired.example"));
                assertThat(run("domains").exit()).as("neither --bootstrap nor --processor").isEqualTo(2);
                assertThat(run("domains", "--processor", url, "--bootstrap", "127.0.0.1:1").exit()).isEqualTo(2);
                Run topicOption = run("domains", "--processor", url, "--topic", "tlsrpt.domain-stats");
                assertThat(topicOption.exit()).isEqualTo(2);
                assertThat(topicOption.err())
                    .contains("--topic reads a topic: give --bootstrap instead of --processor");
                Run pageOfTopic = run("domains", "--bootstrap", "127.0.0.1:1", "--limit", "2");
                assertThat(pageOfTopic.exit()).isEqualTo(2);
                assertThat(pageOfTopic.err()).contains("--limit asks a processor");
                assertThat(run("domains", "--processor", url, "--domain", "a.example", "--domain", "b.example").exit())
                    .isEqualTo(2);

                Run unknown = run("domain", "nowhere.example", "--processor", url);
                assertThat(unknown.exit()).isEqualTo(1);
                assertThat(unknown.err()).contains("404").contains("no reports about nowhere.example");
                assertThat(unknown.out()).isEmpty();
                assertThat(run("domain", "expired.example", "--processor", url, "--format", "xml").exit()).isEqualTo(2);
            }, ProcessorConfig.HTTP_PORT, "0");

            // the processor restarted as in production: over HTTPS, asking a token of domain queries and naming the
            // domain's tenant; asked before it listens, the command waits until it can answer
            int port = freePort();
            TestCertificateAuthority authority = new TestCertificateAuthority(dir.resolve("pki"));
            TestCertificateAuthority.PemPair tls = authority.pemPair("processor");
            String ca = authority.caCertificate().toString();
            String url = "https://127.0.0.1:" + port;
            Path token = java.nio.file.Files.writeString(dir.resolve("token"), "domain-it-" + java.util.UUID.randomUUID());
            Path served = java.nio.file.Files.writeString(dir.resolve("served"), "*.example\nexpired.example tenant=acme\n");
            CompletableFuture<Run> asked = CompletableFuture.supplyAsync(() -> run("domain", "expired.example",
                "--processor", url, "--wait", "90", "--token-file", token.toString(), "--ca-file", ca));
            try (TlsRptProcessor restarted = TlsRptProcessor.start(TestProcessors.config(kafka, "tlsrpt-domain-it",
                dir.resolve("state"), 1, ProcessorConfig.HTTP_PORT, Integer.toString(port),
                ProcessorConfig.HTTP_DOMAINS_TOKEN_FILE, token.toString(), ProcessorConfig.SERVED_DOMAINS_FILE,
                served.toString(), ProcessorConfig.HTTP_TLS_CERTIFICATE_FILE, tls.certificate().toString(),
                ProcessorConfig.HTTP_TLS_KEY_FILE, tls.key().toString()))) {
                assertThat(restarted.httpAddress().getPort()).isEqualTo(port);
                Run waited = asked.get(2, TimeUnit.MINUTES);
                assertThat(waited.exit()).as(waited.err()).isZero();
                assertThat(waited.err()).contains("tlsrpt domain: the processor ").contains("; asking again in ");
                assertThat(waited.out()).startsWith("expired.example (tenant acme): 10 days kept by 127.0.0.1:" + port
                    + ", as of ");
                Run acme = run("incidents", "--processor", url, "--status", "all", "--tenant", "acme",
                    "--token-file", token.toString(), "--ca-file", ca);
                assertThat(acme.exit()).as(acme.err()).isZero();
                assertThat(acme.out()).startsWith("1 incident of tenant acme, 1 partitions on 1 instances")
                    .contains("\n  expired.example [acme]: ");
                Run other = run("incidents", "--processor", url, "--status", "all", "--tenant", "umbrella",
                    "--token-file", token.toString(), "--ca-file", ca);
                assertThat(other.out()).startsWith("0 incidents of tenant umbrella");
                Run acmeDomains = run("domains", "--processor", url, "--tenant", "acme", "--token-file",
                    token.toString(), "--ca-file", ca);
                assertThat(acmeDomains.exit()).as(acmeDomains.err()).isZero();
                assertThat(acmeDomains.out()).startsWith("1 domain of tenant acme, 1 partitions on 1 instances")
                    .containsPattern("\nexpired\\.example +acme +10 ");
                Run noToken = run("incidents", "--processor", url, "--ca-file", ca);
                assertThat(noToken.exit()).isEqualTo(1);
                assertThat(noToken.err()).contains("tlsrpt incidents: 401 from ");
                Run withoutToken = run("domain", "expired.example", "--processor", url, "--ca-file", ca);
                assertThat(withoutToken.exit()).isEqualTo(1);
                assertThat(withoutToken.err()).contains("401").contains("Authorization: Bearer");
                Run untrusted = run("domain", "expired.example", "--processor", url, "--token-file", token.toString());
                assertThat(untrusted.exit()).isEqualTo(1);
                assertThat(untrusted.err()).startsWith("tlsrpt domain: no TLS connection to " + url)
                    .contains("--ca-file names the authorities of the processor's certificate");
                Run plain = run("domain", "expired.example", "--processor", "http://127.0.0.1:" + port, "--wait", "0");
                assertThat(plain.exit()).as("the port speaks TLS only").isEqualTo(1);
                assertThat(run("domain", "expired.example", "--processor", url, "--ca-file", token.toString()).err())
                    .contains("--ca-file " + token + ": no PEM certificate");
            }

            // and with client certificates asked (mutual TLS, the probes on a port of their own): the commands
            // present one with --cert-file and --key-file, and get no connection without
            TestCertificateAuthority.PemPair client = authority.pemPair("on-call");
            try (TlsRptProcessor mutual = TlsRptProcessor.start(TestProcessors.config(kafka, "tlsrpt-domain-it",
                dir.resolve("state"), 1, ProcessorConfig.HTTP_PORT, Integer.toString(port),
                ProcessorConfig.HTTP_DOMAINS_TOKEN_FILE, token.toString(), ProcessorConfig.HTTP_TLS_CERTIFICATE_FILE,
                tls.certificate().toString(), ProcessorConfig.HTTP_TLS_KEY_FILE, tls.key().toString(),
                ProcessorConfig.HTTP_TLS_CLIENT_CA_FILE, ca, ProcessorConfig.HTTP_MANAGEMENT_PORT, "0"))) {
                Run certified = run("domains", "--processor", url, "--wait", "90", "--token-file", token.toString(),
                    "--ca-file", ca, "--cert-file", client.certificate().toString(), "--key-file",
                    client.key().toString());
                assertThat(certified.exit()).as(certified.err()).isZero();
                assertThat(certified.out()).containsPattern("\\nexpired\\.example +10 ");
                Run uncertified = run("domain", "expired.example", "--processor", url, "--wait", "0", "--token-file",
                    token.toString(), "--ca-file", ca);
                assertThat(uncertified.exit()).isEqualTo(1);
                assertThat(uncertified.out()).isEmpty();
                assertThat(run("domain", "expired.example", "--processor", url, "--cert-file",
                    client.certificate().toString()).err()).contains("--cert-file and --key-file: both or neither");
                assertThat(mutual.managementAddress().getPort()).isPositive();
            }
        }
        Run down = run("domain", "expired.example", "--processor", "http://127.0.0.1:1", "--wait", "0");
        assertThat(down.exit()).isEqualTo(1);
        assertThat(down.err()).contains("http://127.0.0.1:1/v1/domains/expired.example does not answer");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static JsonNode readJson(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
