package io.tlsrpt.cli.digest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.cli.domains.DomainTable;
import io.tlsrpt.notify.AlertRecord;
import io.tlsrpt.schema.CountedValue;
import io.tlsrpt.schema.DomainStats;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A week's digest from statistics and alerts as the processor writes them. */
class DigestTest {

    private static final LocalDate MONDAY = LocalDate.parse("2026-11-23");
    private static final DigestPeriod WEEK = new DigestPeriod(MONDAY, MONDAY.plusDays(6));

    private static DomainStats day(String domain, int day, long total, long failed, long unenforced,
                                   CountedValue... failing) {
        Instant start = MONDAY.plusDays(day).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
        return DomainStats.newBuilder().setPolicyDomain(domain).setWindowStart(start)
            .setWindowEnd(start.plusSeconds(86_400)).setTotalSessions(total).setFailedSessions(failed)
            .setSessionsWithoutEnforcedPolicy(unenforced).setReports(1).setReporters(List.of("Google Inc."))
            .setFailingResultTypes(List.of(failing)).setTenant("acme").setUpdatedAt(start.plusSeconds(90_000))
            .build();
    }

    private static AlertRecord alert(String id, String status, String severity, String day, long failed) {
        String json = "{\"alert_id\":\"" + id + "\",\"status\":\"" + status + "\",\"kind\":\"certificate-expired\","
            + "\"severity\":\"" + severity + "\",\"policy_domain\":\"shop.example\",\"result_type\":"
            + "\"certificate-expired\",\"window_start\":\"" + day + "T00:00:00Z\",\"window_end\":\"" + day
            + "T23:59:59Z\",\"failed_sessions\":" + failed + ",\"summary\":\"" + status + " " + day + "\","
            + "\"tenant\":\"acme\"}";
        try {
            return AlertRecord.parse(json.getBytes(StandardCharsets.UTF_8));
        } catch (AlertRecord.InvalidAlertException e) {
            throw new AssertionError(e);
        }
    }

    private static Digest week() {
        DomainTable table = new DomainTable();
        for (int d = 0; d < 7; d++) {
            table.add(day("quiet.example", d, 1_000, 0, 0));
            table.add(d == 2 || d == 3
                ? day("shop.example", d, 1_000, 800, 0, new CountedValue("certificate-expired", 790L),
                    new CountedValue("certificate-not-trusted", 10L))
                : day("shop.example", d, 1_000, 10, 100, new CountedValue("certificate-not-trusted", 10L)));
        }
        IncidentDigest incidents = new IncidentDigest(WEEK);
        incidents.add(alert("old", "firing", "warning", "2026-11-10", 50));     // before the week, still open
        incidents.add(alert("gone", "firing", "warning", "2026-11-11", 50));    // before the week, resolved before it
        incidents.add(alert("gone", "resolved", "warning", "2026-11-12", 0));
        incidents.add(alert("week", "firing", "warning", "2026-11-25", 800));
        incidents.add(alert("week", "firing", "critical", "2026-11-26", 790)); // escalated
        incidents.add(alert("week", "resolved", "critical", "2026-11-27", 0));
        incidents.add(alert("later", "firing", "critical", "2026-11-30", 900)); // after the week
        DomainTable before = new DomainTable();   // the week before: shop.example failed 1 %, quiet.example unknown
        for (int d = -7; d < 0; d++) {
            before.add(day("shop.example", d, 1_000, 10, 0));
        }
        return Digest.of(Set.of("acme"), Set.of(), WEEK, table, before, incidents);
    }

    @Test
    void eachDomainWorstFirstWithWhatFailedMostAndItsWorstDay() {
        Digest digest = week();

        assertThat(digest.summaries()).extracting(s -> s.row().domain()).containsExactly("shop.example",
            "quiet.example");
        DomainSummary shop = digest.summaries().get(0);
        assertThat(shop.failingMost()).extracting(CountedValue::getValue, CountedValue::getCount).containsExactly(
            org.assertj.core.groups.Tuple.tuple("certificate-expired", 1_580L),
            org.assertj.core.groups.Tuple.tuple("certificate-not-trusted", 70L));
        assertThat(shop.worstDay()).as("the first of the two worst days").isEqualTo(MONDAY.plusDays(2));
        assertThat(shop.worstDayShare()).isEqualTo(0.8);
        assertThat(digest.summaries().get(1).worstDay()).as("no failed session").isNull();
        assertThat(digest.sessions()).isEqualTo(14_000);
        assertThat(digest.failed()).isEqualTo(1_650);
        assertThat(digest.withoutEnforcedPolicy()).isEqualTo(500);
    }

    @Test
    void theIncidentsOfTheWeekAndThoseStillOpenAtItsEnd() {
        List<IncidentDigest.Incident> incidents = week().incidents();

        assertThat(incidents).extracting(IncidentDigest.Incident::alertId).containsExactly("old", "week");
        IncidentDigest.Incident open = incidents.get(0);
        assertThat(open.open()).isTrue();
        assertThat(open.firstWindow()).isEqualTo(Instant.parse("2026-11-10T00:00:00Z"));
        IncidentDigest.Incident week = incidents.get(1);
        assertThat(week.open()).isFalse();
        assertThat(week.severity()).as("as escalated").isEqualTo("critical");
        assertThat(week.firstWindow()).isEqualTo(Instant.parse("2026-11-25T00:00:00Z"));
        assertThat(week.lastAnomalous()).isEqualTo(Instant.parse("2026-11-26T00:00:00Z"));
        assertThat(week.resolved()).isEqualTo(Instant.parse("2026-11-27T00:00:00Z"));
        assertThat(week.peakFailed()).isEqualTo(800);
        assertThat(week.summary()).isEqualTo("firing 2026-11-26");
        assertThat(week.tenant()).isEqualTo("acme");
    }

    @Test
    void markdownReadsAsTextAndRendersAsAPage() {
        StringWriter out = new StringWriter();
        DigestMarkdown.print(week(), new PrintWriter(out));

        assertThat(out.toString().lines()).containsExactly(
            "# TLS-RPT digest: tenant acme, 2026-11-23 to 2026-11-29",
            "",
            "2 policy domains, 14,000 sessions reported by 1 reporter: 11.79% failed (1.00% the 7 days before), "
                + "3.57% under no enforced policy.",
            "2 incidents, 1 open at the end of the period.",
            "",
            "## Policy domains, worst first",
            "",
            "| policy domain | tenant | days | sessions | failed | failed before | no enforced policy | failing most "
                + "| worst day |",
            "|---|---|---:|---:|---:|---:|---:|---|---|",
            "| shop.example | acme | 7 | 7,000 | 23.57% | 1.00% | 7.14% | certificate-expired (1,580), "
                + "certificate-not-trusted (70) | 2026-11-25 (80.00%) |",
            "| quiet.example | acme | 7 | 7,000 | 0.00% | - | 0.00% | - | - |",
            "",
            "## Incidents, open first",
            "",
            "| status | severity | kind | policy domain | result type | from | last anomalous | resolved | peak failed "
                + "| alert_id |",
            "|---|---|---|---|---|---|---|---|---:|---|",
            "| open | warning | certificate-expired | shop.example | certificate-expired | 2026-11-10 | 2026-11-10 | - "
                + "| 50 | old |",
            "| resolved | critical | certificate-expired | shop.example | certificate-expired | 2026-11-25 | 2026-11-26 "
                + "| 2026-11-27 | 800 | week |");
    }

    /** A page a mail client shows: well-formed, self-contained, the same figures as the Markdown. */
    @Test
    void htmlIsAMailBodyWithTheSameFigures() throws Exception {
        StringWriter out = new StringWriter();
        DigestHtml.print(week(), new PrintWriter(out));
        String html = out.toString();

        assertThat(html).startsWith("<!DOCTYPE html>").doesNotContain("<script", "<link", "src=", "http");
        org.w3c.dom.Document page = xml(html.substring(html.indexOf('\n') + 1));
        javax.xml.xpath.XPath xpath = javax.xml.xpath.XPathFactory.newInstance().newXPath();
        assertThat(xpath.evaluate("/html/head/title", page))
            .isEqualTo("TLS-RPT digest: tenant acme, 2026-11-23 to 2026-11-29");
        assertThat(xpath.evaluate("/html/body/p", page)).contains("14,000 sessions reported by 1 reporter: 11.79% "
            + "failed (1.00% the 7 days before)").contains("2 incidents, 1 open at the end of the period.");
        assertThat(xpath.evaluate("count(//table[1]/tr)", page)).isEqualTo("3");
        assertThat(xpath.evaluate("//table[1]/tr[2]/td[1]", page)).isEqualTo("shop.example");
        assertThat(xpath.evaluate("//table[1]/tr[2]/td[8]", page))
            .isEqualTo("certificate-expired (1,580), certificate-not-trusted (70)");
        assertThat(xpath.evaluate("//table[1]/tr[2]/td[4]/@style", page)).contains("text-align:right");
        assertThat(xpath.evaluate("//table[2]/tr[3]/td[10]", page)).isEqualTo("week");
    }

    /**
     * A report anyone may POST names its own domains and result types: each rendering shows them as text, never as
     * a table cell's end, a link, markup or a script.
     */
    @Test
    void hostileTextFromReportsStaysText() throws Exception {
        DomainTable table = new DomainTable();
        table.add(day("a|b.example", 0, 1_000, 10, 0,
            new CountedValue("[login](https://phish.example)<img src=x onerror=alert(1)>*_`x`_*", 10L)));
        Digest digest = Digest.of(Set.of("acme"), Set.of(), WEEK, table, new DomainTable(),
            new IncidentDigest(WEEK));

        StringWriter markdown = new StringWriter();
        DigestMarkdown.print(digest, new PrintWriter(markdown));
        assertThat(markdown.toString()).contains("| a\\|b.example | acme | 1 |")
            .contains("\\[login\\](https://phish.example)\\<img src=x onerror=alert(1)\\>\\*\\_\\`x\\`\\_\\* (10)")
            .doesNotContainPattern("[^\\\\]<img");
        assertThat(markdown.toString().lines().filter(l -> l.startsWith("| a")))
            .singleElement().satisfies(row -> assertThat(row.replace("\\|", "").chars().filter(c -> c == '|')
                .count()).as("ten cell borders, none from the domain").isEqualTo(10));

        StringWriter html = new StringWriter();
        DigestHtml.print(digest, new PrintWriter(html));
        assertThat(html.toString()).doesNotContain("<img", "<a ").contains("&lt;img src=x onerror=alert(1)&gt;");
        org.w3c.dom.Document page = xml(html.toString().substring(html.toString().indexOf('\n') + 1));
        javax.xml.xpath.XPath xpath = javax.xml.xpath.XPathFactory.newInstance().newXPath();
        assertThat(xpath.evaluate("//table[1]/tr[2]/td[1]", page)).isEqualTo("a|b.example");
        assertThat(xpath.evaluate("//table[1]/tr[2]/td[8]", page))
            .isEqualTo("[login](https://phish.example)<img src=x onerror=alert(1)>*_`x`_* (10)");
    }

    /** The page as XML: it must be well-formed for that. */
    private static org.w3c.dom.Document xml(String page) throws Exception {
        javax.xml.parsers.DocumentBuilderFactory factory = javax.xml.parsers.DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new org.xml.sax.InputSource(new java.io.StringReader(page)));
    }

    @Test
    void jsonForATemplateOrAPortal() throws Exception {
        StringWriter out = new StringWriter();
        DigestJson.print(week(), new PrintWriter(out));

        JsonNode digest = new ObjectMapper().readTree(out.toString());
        assertThat(digest.get("first_day").asText()).isEqualTo("2026-11-23");
        assertThat(digest.get("last_day").asText()).isEqualTo("2026-11-29");
        assertThat(digest.get("tenants")).extracting(JsonNode::asText).containsExactly("acme");
        assertThat(digest.get("totals").get("sessions").asLong()).isEqualTo(14_000);
        assertThat(digest.get("totals").get("open_incidents").asLong()).isEqualTo(1);
        JsonNode shop = digest.get("policy_domains").get(0);
        assertThat(shop.get("policy_domain").asText()).isEqualTo("shop.example");
        assertThat(shop.get("tenant").asText()).isEqualTo("acme");
        assertThat(shop.get("failing_most").get(0).get("result_type").asText()).isEqualTo("certificate-expired");
        assertThat(shop.get("failing_most").get(0).get("failed_sessions").asLong()).isEqualTo(1_580);
        assertThat(shop.get("worst_day").asText()).isEqualTo("2026-11-25");
        assertThat(shop.get("failed_share_before").asDouble()).isEqualTo(0.01);
        assertThat(digest.get("policy_domains").get(1).get("failed_share_before").isNull()).isTrue();
        assertThat(digest.get("totals").get("failed_share_before").asDouble()).isEqualTo(0.01);
        JsonNode resolved = digest.get("incidents").get(1);
        assertThat(resolved.get("status").asText()).isEqualTo("resolved");
        assertThat(resolved.get("resolved_window_start").asText()).isEqualTo("2026-11-27T00:00:00Z");
        assertThat(digest.get("incidents").get(0).get("resolved_window_start").isNull()).isTrue();
    }

    /**
     * The domains the served-domains file lists that had no report in the period are listed apart (their rua may be
     * broken), in every rendering; a tenant with only such domains still has a digest.
     */
    @Test
    void listedDomainsWithoutReportsAreShownApart() throws Exception {
        DomainTable table = new DomainTable();
        table.add(day("shop.example", 0, 1_000, 10, 0));
        Digest digest = Digest.of(Set.of("acme"), Set.of(), WEEK, table, new DomainTable(), new IncidentDigest(WEEK),
            Set.of("shop.example", "silent.example", "also_silent.example"));

        assertThat(digest.withoutReports()).containsExactly("also_silent.example", "silent.example");
        StringWriter markdown = new StringWriter();
        DigestMarkdown.print(digest, new PrintWriter(markdown));
        assertThat(markdown.toString().lines().dropWhile(l -> !l.equals("## Policy domains without reports")))
            .containsExactly("## Policy domains without reports", "",
                "2 listed policy domains had no report from 2026-11-23 to 2026-11-29: a sender that delivered mail to "
                    + "them over TLS would have reported it the next day. If mail to them is expected, check each "
                    + "one's _smtp._tls record and the rua destinations it names.", "",
                "- also\\_silent.example", "- silent.example");
        StringWriter html = new StringWriter();
        DigestHtml.print(digest, new PrintWriter(html));
        org.w3c.dom.Document page = xml(html.toString().substring(html.toString().indexOf('\n') + 1));
        javax.xml.xpath.XPath xpath = javax.xml.xpath.XPathFactory.newInstance().newXPath();
        assertThat(xpath.evaluate("count(//ul/li)", page)).isEqualTo("2");
        assertThat(xpath.evaluate("//ul/li[2]", page)).isEqualTo("silent.example");
        StringWriter json = new StringWriter();
        DigestJson.print(digest, new PrintWriter(json));
        assertThat(new ObjectMapper().readTree(json.toString()).get("policy_domains_without_reports"))
            .extracting(JsonNode::asText).containsExactly("also_silent.example", "silent.example");

        DigestGroups groups = new DigestGroups(WEEK, true);
        groups.add(day("shop.example", 0, 1_000, 10, 0));
        groups.expect("shop.example", "acme");
        groups.expect("new.example", "globex");
        groups.expect("plain.example", null);
        assertThat(groups.groups()).containsExactly("acme", "globex");
        assertThat(groups.digest("acme", Set.of("acme"), Set.of()).withoutReports()).isEmpty();
        Digest globex = groups.digest("globex", Set.of("globex"), Set.of());
        assertThat(globex.isEmpty()).isFalse();
        assertThat(globex.summaries()).isEmpty();
        assertThat(globex.withoutReports()).containsExactly("new.example");
    }

    /** Every tenant's digest from one pass: a record goes to the tenant it was written for, none without one. */
    @Test
    void perTenantEachRecordGoesToItsTenant() {
        DigestGroups groups = new DigestGroups(WEEK, true);
        DomainStats moved = day("moved.example", 5, 1_000, 0, 0);
        moved.setTenant("globex");
        DomainStats untenanted = day("plain.example", 1, 1_000, 0, 0);
        untenanted.setTenant(null);
        List.of(day("shop.example", 0, 1_000, 10, 0), day("moved.example", 1, 1_000, 0, 0), moved, untenanted,
            day("shop.example", -3, 1_000, 20, 0), day("shop.example", -8, 1_000, 900, 0)).forEach(groups::add);
        groups.add(alert("week", "firing", "critical", "2026-11-25", 800));

        assertThat(groups.groups()).containsExactly("acme", "globex");
        Digest acme = groups.digest("acme", Set.of("acme"), Set.of());
        assertThat(acme.summaries()).extracting(d -> d.row().domain() + " " + d.row().days())
            .containsExactlyInAnyOrder("shop.example 1", "moved.example 1");
        assertThat(acme.incidents()).extracting(IncidentDigest.Incident::alertId).containsExactly("week");
        assertThat(acme.summaries()).filteredOn(d -> d.row().domain().equals("shop.example")).singleElement()
            .satisfies(d -> assertThat(d.failedShareBefore()).as("the week before only, not the day before it")
                .isEqualTo(0.02));
        Digest globex = groups.digest("globex", Set.of("globex"), Set.of());
        assertThat(globex.summaries()).extracting(d -> d.row().domain()).containsExactly("moved.example");
        assertThat(globex.incidents()).isEmpty();

        DigestGroups one = new DigestGroups(WEEK, false);
        List.of(moved, untenanted).forEach(one::add);
        assertThat(one.groups()).containsExactly(DigestGroups.ALL);
        assertThat(one.digest(DigestGroups.ALL, Set.of(), Set.of()).summaries()).hasSize(2);
    }

    @Test
    void aPeriodEndsOnOrAfterItBegins() {
        assertThat(DigestPeriod.lastSevenDays(LocalDate.parse("2026-12-02")))
            .isEqualTo(new DigestPeriod(LocalDate.parse("2026-11-25"), LocalDate.parse("2026-12-01")));
        assertThat(WEEK.days()).isEqualTo(7);
        assertThat(WEEK.before()).isEqualTo(new DigestPeriod(MONDAY.minusDays(7), MONDAY.minusDays(1)));
        assertThat(WEEK.contains(Instant.parse("2026-11-29T23:59:59Z"))).isTrue();
        assertThat(WEEK.contains(Instant.parse("2026-11-30T00:00:00Z"))).isFalse();
        assertThatThrownBy(() -> new DigestPeriod(MONDAY, MONDAY.minusDays(1)))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
