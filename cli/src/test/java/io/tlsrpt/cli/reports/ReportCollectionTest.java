package io.tlsrpt.cli.reports;

import static io.tlsrpt.cli.reports.TestTlsReports.detail;
import static io.tlsrpt.cli.reports.TestTlsReports.expired;
import static io.tlsrpt.cli.reports.TestTlsReports.policy;
import static io.tlsrpt.cli.reports.TestTlsReports.report;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.schema.FailureDetail;
import io.tlsrpt.schema.TlsReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReportCollectionTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LocalDate DAY = TestTlsReports.DAY;
    private static final List<String> ENFORCE = List.of("version: STSv1", "mode: enforce", "mx: *.example.org",
        "max_age: 604800");

    private static ReportSelection all(String... domains) {
        return new ReportSelection(Set.of(domains), Instant.MIN, Instant.MAX, Set.of(), null);
    }

    @Test
    void showsTheAskedDomainsAndTheirSubdomainsOnly() {
        ReportCollection c = new ReportCollection(all("Example.ORG."));
        c.add(report("Google Inc.", "g-1", 0,
            policy("sts", "example.org", ENFORCE, 900, expired("mx1.example.org", "192.0.2.1", "203.0.113.7", 100)),
            policy("sts", "mail.example.org", ENFORCE, 10),
            policy("sts", "notexample.org", ENFORCE, 50, expired("mx1.notexample.org", null, null, 7)),
            policy("no-policy-found", null, List.of(), 3)));
        c.add(report("Google Inc.", "g-2", 0, policy("sts", "other.example", ENFORCE, 5)));

        assertThat(c.rows()).extracting(ReportRow::policyDomain).containsExactly("example.org", "mail.example.org");
        assertThat(c.reports()).isEqualTo(1);
        assertThat(c.rows().get(0).policy()).isEqualTo("sts enforce");
        assertThat(c.rows().get(0).sessions()).isEqualTo(1000);
    }

    @Test
    void narrowsByWindowReporterAndResultType() {
        Instant from = DAY.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant until = DAY.plusDays(3).atStartOfDay(ZoneOffset.UTC).toInstant();
        ReportCollection c = new ReportCollection(new ReportSelection(Set.of("example.org"), from, until,
            Set.of("GOOGLE"), "certificate-expired"));
        for (int day = 0; day < 4; day++) {
            c.add(report("Google Inc.", "g-" + day, day, policy("sts", "example.org", ENFORCE, 900,
                expired("mx1.example.org", "192.0.2.1", "203.0.113.7", 10),
                detail("starttls-not-supported", "mx2.example.org", null, null, 3))));
            c.add(report("Microsoft Corporation", "m-" + day, day, policy("sts", "example.org", ENFORCE, 900,
                expired("mx1.example.org", "192.0.2.1", "198.51.100.9", 4))));
        }
        c.add(report("Google Inc.", "g-healthy", 2, policy("sts", "example.org", ENFORCE, 900)));

        assertThat(c.rows()).extracting(ReportRow::reportId).as("days 1 and 2, Google, with the type")
            .containsExactly("g-1", "g-2");
        assertThat(c.rows()).allSatisfy(r -> assertThat(r.details()).singleElement()
            .satisfies(d -> assertThat(d.getResultType()).isEqualTo("certificate-expired")));
    }

    @Test
    void aReportWrittenTwiceIsShownOnce() {
        ReportCollection c = new ReportCollection(all("example.org"));
        TlsReport report = report("Google Inc.", "g-1", 0, policy("sts", "example.org", ENFORCE, 10));
        c.add(report);
        c.add(TlsReport.newBuilder(report).build());

        assertThat(c.rows()).hasSize(1);
        assertThat(c.repeated()).isEqualTo(1);
    }

    @Test
    void failureDetailsAreSummedByTypeAndReceivingMxMostFailedFirst() {
        List<ReportRow> rows = new ArrayList<>();
        ReportSelection selection = all("example.org");
        rows.addAll(selection.rows(report("Google Inc.", "g-1", 0, policy("sts", "example.org", ENFORCE, 900,
            expired("MX1.example.org.", "192.0.2.1", "203.0.113.7", 60),
            expired("mx1.example.org", "192.0.2.1", "203.0.113.8", 5),
            detail("starttls-not-supported", "mx2.example.org", "192.0.2.2", "203.0.113.7", 30)))));
        rows.addAll(selection.rows(report("Microsoft Corporation", "m-1", 1, policy("sts", "example.org", ENFORCE,
            900, expired("mx1.example.org", "192.0.2.1", "198.51.100.9", 40)))));

        List<FailureGroup> groups = FailureGroup.of(rows);
        assertThat(groups).extracting(g -> g.key().resultType())
            .containsExactly("certificate-expired", "starttls-not-supported");
        FailureGroup expired = groups.get(0);
        assertThat(expired.key().receivingMx()).isEqualTo("mx1.example.org");
        assertThat(expired.failedSessions()).isEqualTo(105);
        assertThat(expired.reports()).isEqualTo(2);
        assertThat(expired.reporters()).containsExactly("Google Inc.", "Microsoft Corporation");
        assertThat(expired.sendingIps()).extracting(e -> e.getKey() + "=" + e.getValue())
            .containsExactly("203.0.113.7=60", "198.51.100.9=40", "203.0.113.8=5");
        assertThat(expired.firstDay()).isEqualTo(DAY);
        assertThat(expired.lastDay()).isEqualTo(DAY.plusDays(1));
        assertThat(expired.reasons()).containsExactly("certificate has expired");
    }

    @Test
    void aSenderWithADifferentReasonOnEachLineFillsNoScreen() {
        List<FailureDetail> details = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            details.add(FailureDetail.newBuilder(expired("mx1.example.org", null, null, 1))
                .setAdditionalInformation("session " + i).setFailureReasonCode(null).build());
        }
        List<ReportRow> rows = all("example.org").rows(report("Google Inc.", "g-1", 0,
            policy("sts", "example.org", ENFORCE, 0, details.toArray(FailureDetail[]::new))));

        FailureGroup group = FailureGroup.of(rows).get(0);
        assertThat(group.reasons()).hasSize(FailureGroup.MAX_REASONS);
        assertThat(group.reasonsLeftOut()).isEqualTo(12 - FailureGroup.MAX_REASONS);
    }

    /**
     * A provider's shared MX host loses its certificate: --mx with no domain finds every customer domain failing there
     * (and only those details), summed by host across the domains before the groups of each domain.
     */
    @Test
    void theDomainsFailingAtASharedMxHostAreFoundAndSummedByHost() {
        ReportCollection c = new ReportCollection(new ReportSelection(Set.of(), Instant.MIN, Instant.MAX, Set.of(),
            null, Set.of("Provider.Example.")));
        for (int i = 0; i < 12; i++) {
            c.add(report("Google Inc.", "g-" + i, 1, policy("sts", "customer" + i + ".example", ENFORCE, 100,
                expired("mx1.provider.example", "198.51.100.1", "203.0.113.7", 10 + i),
                detail("starttls-not-supported", "mx.elsewhere.example", null, null, 5))));
        }
        c.add(report("Microsoft Corporation", "m-1", 2, policy("sts", "customer0.example", ENFORCE, 100,
            expired("MX2.provider.example", "198.51.100.2", "203.0.113.9", 3))));
        c.add(report("Google Inc.", "g-own", 1, policy("sts", "own.example", ENFORCE, 100,
            expired("mx.own.example", null, null, 50))));
        c.add(report("Google Inc.", "g-ok", 1, policy("sts", "customer99.example", ENFORCE, 100)));

        assertThat(c.reports()).isEqualTo(13);
        assertThat(c.rows()).allSatisfy(r -> assertThat(r.details()).allSatisfy(d ->
            assertThat(d.getReceivingMxHostname()).endsWithIgnoringCase("provider.example")));
        List<MxHostGroup> hosts = MxHostGroup.of(c.rows());
        assertThat(hosts).extracting(g -> g.key().receivingMx()).containsExactly("mx1.provider.example",
            "mx2.provider.example");
        assertThat(hosts.get(0).domains()).hasSize(12).first().satisfies(e -> {
            assertThat(e.getKey()).isEqualTo("customer11.example");
            assertThat(e.getValue()).isEqualTo(21L);
        });
        assertThat(hosts.get(0).failedSessions()).isEqualTo(12 * 10 + 66);
        assertThat(hosts.get(0).tally().reports()).isEqualTo(12);

        StringWriter text = new StringWriter();
        ReportsText.print(c, new PrintWriter(text));
        List<String> lines = text.toString().lines().toList();
        assertThat(lines.get(0)).startsWith("12 policy domains: 13 reports from 2 reporters, windows 2026-11-21 to "
            + "2026-11-22");
        int across = lines.indexOf("failure details at each receiving MX host, across 12 policy domains, most failed"
            + " sessions first:");
        assertThat(across).isPositive();
        assertThat(lines.get(across + 1)).isEqualTo("  certificate-expired at mx1.provider.example: 186 failed "
            + "sessions of 12 policy domains in 12 reports, on 2026-11-21");
        assertThat(lines.get(across + 2)).startsWith("      policy domains: customer11.example (21), "
            + "customer10.example (20),").endsWith("customer2.example (12) and 2 more");
        assertThat(lines.get(across + 3)).isEqualTo("      reporters: Google Inc.");
        assertThat(lines.get(across + 4)).isEqualTo("  certificate-expired at mx2.provider.example: 3 failed "
            + "sessions of 1 policy domain in 1 report, on 2026-11-22");
        assertThat(lines).contains("failure details, summed by result type and receiving MX, most failed sessions "
            + "first:");
    }

    /** A receiving address asked for matches however a reporter writes it, and names its group. */
    @Test
    void aReceivingAddressIsComparedAsAnAddressAndNamesItsGroupWithoutAHostName() {
        ReportCollection c = new ReportCollection(new ReportSelection(Set.of(), Instant.MIN, Instant.MAX, Set.of(),
            null, Set.of("2001:db8::25")));
        c.add(report("Google Inc.", "g-1", 1, policy("sts", "customer1.example", ENFORCE, 100,
            expired(null, "2001:DB8:0:0:0:0:0:25", "203.0.113.7", 10),
            expired(null, "2001:db8::26", "203.0.113.7", 4))));
        c.add(report("Microsoft Corporation", "m-1", 1, policy("sts", "customer2.example", ENFORCE, 100,
            expired(null, "2001:db8::25", "203.0.113.9", 3))));

        assertThat(c.rows()).hasSize(2).first().satisfies(r -> assertThat(r.details()).singleElement()
            .satisfies(d -> assertThat(d.getReceivingIp()).isEqualTo("2001:DB8:0:0:0:0:0:25")));
        assertThat(MxHostGroup.of(c.rows())).singleElement().satisfies(g -> {
            assertThat(g.key().receivingMx()).as("the address in one spelling, where the senders named no host")
                .isEqualTo("2001:db8:0:0:0:0:0:25");
            assertThat(g.failedSessions()).isEqualTo(13);
        });
    }

    @Test
    void printsTheReportsThenWhatFailedWhere() {
        ReportCollection c = new ReportCollection(all("example.org"));
        c.add(report("Google Inc.", "g-1", 0, policy("sts", "example.org", ENFORCE, 900,
            expired("mx1.example.org", "192.0.2.1", "203.0.113.7", 100))));
        c.add(report("Microsoft Corporation", "m-1", 1, policy("tlsa", "example.org", List.of("3 1 1 ab"), 50),
            policy("no-policy-found", "example.org", List.of(), 7)));

        StringWriter text = new StringWriter();
        ReportsText.print(c, new PrintWriter(text));
        List<String> lines = text.toString().lines().toList();
        assertThat(lines.get(0)).isEqualTo("example.org: 2 reports from 2 reporters, windows 2026-11-20 to "
            + "2026-11-21: 1,057 sessions, 100 failed (9.46%)");
        assertThat(lines.get(2)).startsWith("day ").contains("policy domain", "sessions", "failed", "reporter");
        assertThat(lines.get(3)).startsWith("2026-11-20  example.org").contains("sts enforce", "1,000", "100",
            "Google Inc.", "imap", "g-1");
        assertThat(lines.get(4)).contains("tlsa", "50", "Microsoft Corporation", "m-1");
        assertThat(lines.get(5)).contains("no-policy-found", " 7 ");
        assertThat(text.toString()).contains("  certificate-expired at mx1.example.org (192.0.2.1): 100 failed sessions "
            + "in 1 report, on 2026-11-20\n      reporters: Google Inc.\n      sending MTAs: 203.0.113.7 (100)\n"
            + "      reasons: certificate has expired\n");

        StringWriter json = new StringWriter();
        ReportsJson.print(c, new PrintWriter(json));
        List<JsonNode> objects = json.toString().lines().map(ReportCollectionTest::parse).toList();
        assertThat(objects).hasSize(3);
        JsonNode first = objects.get(0);
        assertThat(first.get("policy_domain").asText()).isEqualTo("example.org");
        assertThat(first.get("window_start").asText()).isEqualTo("2026-11-20T00:00:00Z");
        assertThat(first.get("mode").asText()).isEqualTo("enforce");
        assertThat(first.get("failure_details").get(0).get("receiving_ip").asText()).isEqualTo("192.0.2.1");
        assertThat(first.get("failure_details").get(0).get("receiving_mx_helo").isNull()).isTrue();
        assertThat(first.get("source").asText()).isEqualTo("imap");
        assertThat(objects.get(1).get("mode").isNull()).as("tlsa has no mode").isTrue();
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (java.io.IOException e) {
            throw new AssertionError(line, e);
        }
    }
}
