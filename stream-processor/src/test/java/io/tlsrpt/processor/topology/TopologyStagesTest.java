package io.tlsrpt.processor.topology;

import static io.tlsrpt.processor.topology.ReportFixtures.failure;
import static io.tlsrpt.processor.topology.ReportFixtures.report;
import static org.assertj.core.api.Assertions.assertThat;

import io.tlsrpt.schema.FailureStats;
import io.tlsrpt.schema.TlsReport;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TopologyStagesTest {

    private final TopologyFixture f = new TopologyFixture();

    @AfterEach
    void close() {
        f.close();
    }

    private static String header(Headers headers, String name) {
        return headers.lastHeader(name) == null ? null
                : new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void decodesAReportToTheReportsTopicKeyedByDedupKey() {
        f.send(report("Google Inc.", "r-1", 3).policy("example.com", 990,
                failure("certificate-expired", 10, "203.0.113.5", "mx1.example.com")), 3);

        List<TestRecord<String, TlsReport>> out = f.reports.readRecordsToList();
        assertThat(out).hasSize(1);
        TlsReport report = out.get(0).value();
        assertThat(out.get(0).key()).isEqualTo(report.getDedupKey()).hasSize(64);
        assertThat(report.getOrganizationName()).isEqualTo("Google Inc.");
        assertThat(report.getPolicies().get(0).getPolicyDomain()).isEqualTo("example.com");
        assertThat(report.getProvenance().getSource()).isEqualTo("https");
        assertThat(f.metrics.snapshot().reportsDecoded()).isEqualTo(1);
        assertThat(f.deadLetter.isEmpty()).isTrue();
    }

    @Test
    void rejectedBytesGoToTheDeadLetterTopicWithReasonAndSource() {
        byte[] garbage = "this is not a report \u0001\u0002".getBytes(StandardCharsets.UTF_8);
        f.send(garbage, ReportFixtures.day(2), "imap");

        List<TestRecord<String, byte[]>> dead = f.deadLetter.readRecordsToList();
        assertThat(dead).hasSize(1);
        TestRecord<String, byte[]> d = dead.get(0);
        assertThat(d.value()).isEqualTo(garbage);
        assertThat(d.key()).isEqualTo(TopologyFixture.sha256(garbage));
        Headers h = d.headers();
        assertThat(header(h, DeadLetters.REASON)).isNotBlank();
        assertThat(header(h, DeadLetters.MESSAGE)).isNotBlank();
        assertThat(header(h, DeadLetters.STAGE)).isEqualTo("decode");
        assertThat(header(h, DeadLetters.SOURCE_TOPIC)).isEqualTo("tlsrpt.raw");
        assertThat(header(h, DeadLetters.SOURCE_PARTITION)).isEqualTo("0");
        assertThat(header(h, DeadLetters.SOURCE_OFFSET)).isEqualTo("0");
        assertThat(header(h, DeadLetters.FIRST_BYTES)).startsWith("this is not a report \\x01");
        assertThat(header(h, "tlsrpt.source")).as("original headers kept").isEqualTo("imap");
        assertThat(f.reports.isEmpty()).isTrue();
        assertThat(f.metrics.snapshot().rejected()).isEqualTo(1);
        assertThat(f.metrics.total(PipelineMetrics.DEAD_LETTERS)).isEqualTo(1);
    }

    @Test
    void theSameReportByMailAndHttpsCountsOnce() {
        ReportFixtures r = report("Microsoft Corporation", "133-abc", 4).policy("example.org", 500,
                failure("sts-policy-fetch-error", 20, "198.51.100.7", null));
        f.send(r.bytes(), ReportFixtures.day(5), "https");
        // the same report re-sent later, pretty-printed differently: other raw bytes, same dedup key
        byte[] again = r.json().replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
        f.send(again, ReportFixtures.day(5).plusSeconds(3600), "imap");
        f.send(r.bytes(), ReportFixtures.day(5).plusSeconds(7200), "https");

        assertThat(f.reports.readValuesToList()).hasSize(1);
        assertThat(f.metrics.snapshot().duplicatesDropped()).isEqualTo(2);
        List<FailureStats> stats = f.stats.readValuesToList();
        assertThat(stats).isNotEmpty();
        FailureStats last = stats.get(stats.size() - 1);
        assertThat(last.getFailedSessions()).isEqualTo(20);
        assertThat(last.getTotalSessions()).isEqualTo(520);
        assertThat(last.getReports()).isEqualTo(1);
    }

    @Test
    void dedupStoreForgetsKeysAfterItsRetention() {
        ReportFixtures r = report("Google Inc.", "old-1", 1).policy("example.net", 10);
        f.send(r.bytes(), ReportFixtures.day(2), "https");
        // stream time moves 20 days on (retention 14 days) with another report
        f.send(report("Google Inc.", "new-1", 21).policy("example.net", 10).bytes(), ReportFixtures.day(22), "https");
        f.send(r.bytes(), ReportFixtures.day(22).plusSeconds(60), "https");

        assertThat(f.reports.readValuesToList()).extracting(TlsReport::getReportId)
                .containsExactly("old-1", "new-1", "old-1");
        // and the re-sent old report is too late for its window: kept in reports, not in the statistics
        assertThat(f.metrics.snapshot().lateReports()).isEqualTo(1);
    }

    @Test
    void aggregatesPerDomainAndResultTypeWithTheDomainTotal() {
        f.send(report("Google Inc.", "g-1", 6)
                .policy("example.com", 900,
                        failure("certificate-expired", 30, "192.0.2.1", "mx1.example.com"),
                        failure("starttls-not-supported", 5, "192.0.2.2", "mx2.example.com"))
                .policy("example.com", 50), 6);
        f.send(report("Yahoo", "y-1", 6).policy("example.com", 1000,
                failure("certificate-expired", 12, "192.0.2.9", "MX1.Example.com.")), 6);

        Map<String, FailureStats> latest = f.stats.readKeyValuesToMap();
        FailureStats expired = latest.get("example.com|certificate-expired");
        assertThat(expired.getFailedSessions()).isEqualTo(42);
        assertThat(expired.getTotalSessions()).isEqualTo(900 + 35 + 50 + 1000 + 12);
        assertThat(expired.getReports()).isEqualTo(2);
        assertThat(expired.getReporters()).containsExactly("Google Inc.", "Yahoo");
        assertThat(expired.getTopSendingIps()).extracting(c -> c.getValue() + "=" + c.getCount())
                .containsExactly("192.0.2.1=30", "192.0.2.9=12");
        assertThat(expired.getTopReceivingMx()).extracting(c -> c.getValue() + "=" + c.getCount())
                .as("one host, however a reporter spells it (case, an absolute name's dot)")
                .containsExactly("mx1.example.com=42");
        assertThat(expired.getWindowStart()).isEqualTo(ReportFixtures.day(6));
        assertThat(expired.getWindowEnd()).isEqualTo(ReportFixtures.day(7));
        assertThat(expired.getUpdatedAt()).isEqualTo(TopologyFixture.NOW);
        assertThat(latest.get("example.com|starttls-not-supported").getFailedSessions()).isEqualTo(5);
    }

    @Test
    void aReceivingMxHostnameThatIsOnlyADotOrBlanksNamesNoHost() {
        f.send(report("Google Inc.", "g-1", 6).policy("example.com", 900,
                failure("certificate-expired", 30, "192.0.2.1", "."),
                failure("certificate-expired", 5, "192.0.2.2", "  "),
                failure("certificate-expired", 2, "192.0.2.3", "mx1.example.com")), 6);

        FailureStats expired = f.stats.readKeyValuesToMap().get("example.com|certificate-expired");
        assertThat(expired.getFailedSessions()).isEqualTo(37);
        assertThat(expired.getTopReceivingMx()).extracting(c -> c.getValue() + "=" + c.getCount())
                .containsExactly("mx1.example.com=2");
    }

    /**
     * A statistic is timestamped with its window's start, whatever the timestamps of the reports in it (and of a
     * window restored from its changelog, which carries the broker's append time).
     */
    @Test
    void statisticsAreTimestampedWithTheirWindowStart() {
        Instant sixInTheMorning = ReportFixtures.day(6).plusSeconds(6 * 3600);
        f.send(report("Google Inc.", "g-6am", sixInTheMorning).policy("example.com", 900,
                failure("certificate-expired", 30, "192.0.2.1", "mx1.example.com")).bytes(),
                ReportFixtures.day(7), "https");

        TestRecord<String, FailureStats> stat = f.stats.readRecord();
        assertThat(stat.value().getWindowStart()).isEqualTo(ReportFixtures.day(6));
        assertThat(stat.getRecordTime()).isEqualTo(ReportFixtures.day(6));
    }

    @Test
    void lateReportsInsideGraceCountAndOutsideGraceAreKeptButNotCounted() {
        f.send(report("Google Inc.", "d10", 10).policy("late.example", 100,
                failure("validation-failure", 1, null, null)), 10);
        // a report for day 9 arriving on day 11: window [9,10) closes at day 10 + 2 days grace
        f.send(report("Yahoo", "d9", 9).policy("late.example", 100,
                failure("validation-failure", 2, null, null)).bytes(), ReportFixtures.day(11), "imap");
        // stream time to day 14 (a report for day 14)
        f.send(report("Google Inc.", "d14", 14).policy("late.example", 100), 14);
        // now a report for day 10 is past its grace (closes day 13)
        f.send(report("Yahoo", "d10-late", 10).policy("late.example", 100,
                failure("validation-failure", 4, null, null)).bytes(), ReportFixtures.day(15), "imap");

        Map<String, FailureStats> byWindow = f.stats.readValuesToList().stream()
                .collect(Collectors.toMap(s -> s.getWindowStart().toString(), s -> s, (a, b) -> b));
        assertThat(byWindow.get(ReportFixtures.day(9).toString()).getFailedSessions()).isEqualTo(2);
        assertThat(byWindow.get(ReportFixtures.day(10).toString()).getFailedSessions()).isEqualTo(1);
        assertThat(f.metrics.snapshot().lateReports()).isEqualTo(1);
        assertThat(f.reports.readValuesToList()).extracting(TlsReport::getReportId).contains("d10-late");
    }

    @Test
    void reportsOutOfOrderGiveTheSameStatisticsAsInOrder() {
        List<ReportFixtures> week = new java.util.ArrayList<>();
        for (int day = 1; day <= 6; day++) {
            week.add(report("Google Inc.", "w" + day, day).policy("order.example", 1000 + day,
                    failure("certificate-host-mismatch", day, "192.0.2." + day, "mx1.order.example")));
            week.add(report("Yahoo", "y" + day, day).policy("order.example", 500,
                    failure("certificate-host-mismatch", 2, "192.0.2.99", "mx1.order.example")));
        }
        Map<String, FailureStats> inOrder = run(week);
        // days delivered as 2,1,4,3,6,5 and each day's two reports swapped: out of order, within the grace
        List<ReportFixtures> shuffled = new java.util.ArrayList<>();
        for (int pair = 0; pair < 3; pair++) {
            int first = pair * 4;
            shuffled.addAll(List.of(week.get(first + 3), week.get(first + 2), week.get(first + 1), week.get(first)));
        }
        Map<String, FailureStats> outOfOrder = run(shuffled);
        assertThat(outOfOrder.keySet()).isEqualTo(inOrder.keySet()).hasSize(6);
        inOrder.forEach((window, stats) -> {
            FailureStats other = outOfOrder.get(window);
            assertThat(other.getFailedSessions()).isEqualTo(stats.getFailedSessions());
            assertThat(other.getTotalSessions()).isEqualTo(stats.getTotalSessions());
            assertThat(other.getReporters()).isEqualTo(stats.getReporters());
            assertThat(other.getTopSendingIps()).isEqualTo(stats.getTopSendingIps());
        });
    }

    private static Map<String, FailureStats> run(List<ReportFixtures> reports) {
        try (TopologyFixture fixture = new TopologyFixture()) {
            Instant arrival = ReportFixtures.day(7);
            for (ReportFixtures r : reports) {
                arrival = arrival.plusSeconds(60);
                fixture.send(r.bytes(), arrival, "https");
            }
            return fixture.stats.readValuesToList().stream()
                    .collect(Collectors.toMap(s -> s.getWindowStart().toString(), s -> s, (a, b) -> b));
        }
    }
}
