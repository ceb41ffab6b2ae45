package io.tlsrpt.processor.topology;

import static io.tlsrpt.processor.topology.ReportFixtures.day;
import static io.tlsrpt.processor.topology.ReportFixtures.failure;
import static io.tlsrpt.processor.topology.ReportFixtures.report;
import static org.assertj.core.api.Assertions.assertThat;

import io.tlsrpt.schema.Alert;
import io.tlsrpt.schema.FailureStats;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A report dated ahead of its arrival (a sender's clock years off, or a forged POST to the public intake) must not
 * move the by-domain path's stream time: that would close every real window of its partition as late and expire
 * their baselines, so that a downgrade on any domain there went unseen. Beyond {@code window.max.report.ahead}
 * (default one day) it is dead-lettered as {@code future-date-range}.
 */
class FutureDatedReportsTest {

    private final TopologyFixture f = new TopologyFixture();

    @AfterEach
    void close() {
        f.close();
    }

    private void healthyWeek() {
        for (int d = 1; d <= 7; d++) {
            f.send(report("Google Inc.", "h" + d, d).policy("victim.example", 1000), d);
        }
    }

    private void downgradeOnDay8() {
        f.send(report("Google Inc.", "attack", 8).policy("victim.example", 1000,
                failure("starttls-not-supported", 400, "203.0.113.9", "mx.victim.example")), 8);
    }

    private static String header(Headers headers, String name) {
        return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void aReportDatedYearsAheadIsDeadLetteredAndDoesNotBlindTheDetector() {
        healthyWeek();
        // received on day 8 (in the night after day 7), dated ten years later
        byte[] forged = report("Forger", "future", 3650).policy("other.example", 1000,
                failure("certificate-expired", 50, null, null)).bytes();
        f.send(forged, day(8).plusSeconds(3600), "https");
        downgradeOnDay8();

        List<Alert> alerts = f.allAlerts();
        assertThat(alerts).extracting(Alert::getKind).containsExactly("starttls-downgrade-suspected");
        assertThat(alerts.get(0).getPolicyDomain()).isEqualTo("victim.example");

        List<TestRecord<String, byte[]>> dead = f.deadLetter.readRecordsToList();
        assertThat(dead).singleElement().satisfies(r -> {
            assertThat(r.value()).as("the original bytes").isEqualTo(forged);
            assertThat(header(r.headers(), DeadLetters.REASON)).isEqualTo("future-date-range");
            assertThat(header(r.headers(), DeadLetters.MESSAGE)).contains("report future of Forger starts at 2036-")
                    .contains("window.max.report.ahead PT24H");
        });
        assertThat(f.metrics.snapshot().rejected()).isEqualTo(1);
        assertThat(f.reports.readValuesToList()).extracting(r -> r.getReportId()).doesNotContain("future");
        assertThat(f.stats.readValuesToList()).extracting(FailureStats::getPolicyDomain).doesNotContain("other.example");
    }

    /**
     * The other domains of a multi-domain report cross a repartition topic with the report's start as timestamp, so
     * one dated years ahead also carried the task's stream time there, and the dedup store's stream-time sweep then
     * forgot every key: the next copy of a real report counted again (checked with the tolerance set to a century).
     */
    @Test
    void aReportDatedAheadDoesNotMakeDeduplicationForget() {
        byte[] real = report("Google Inc.", "r1", 8).policy("a.example", 1000).bytes();
        f.send(real, day(9), "https");
        f.send(report("Forger", "future", 3650).policy("b.example", 10).policy("c.example", 10).bytes(),
                day(9).plusSeconds(60), "https");
        f.send(real, day(9).plusSeconds(120), "imap");

        assertThat(f.metrics.snapshot().duplicatesDropped()).isEqualTo(1);
        assertThat(f.metrics.snapshot().distinctReports()).isEqualTo(1);
        assertThat(f.reports.readValuesToList()).extracting(r -> r.getReportId()).containsExactly("r1");
    }

    @Test
    void aRecordWithoutReceivedAtIsJudgedByItsTimestamp() {
        healthyWeek();
        byte[] forged = report("Forger", "future", 400).policy("other.example", 1000).bytes();
        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", "application/tlsrpt+json".getBytes(StandardCharsets.UTF_8));
        f.raw.pipeInput(new TestRecord<>(TopologyFixture.sha256(forged), forged, headers, day(8).plusSeconds(60)));
        downgradeOnDay8();

        assertThat(f.allAlerts()).extracting(Alert::getKind).containsExactly("starttls-downgrade-suspected");
        assertThat(f.deadLetter.readRecordsToList()).extracting(r -> header(r.headers(), DeadLetters.REASON))
                .containsExactly("future-date-range");
    }

    /** A sender's clock a few hours ahead, within the tolerance: its report counts as sent. */
    @Test
    void aReportDatedAheadWithinTheToleranceCounts() {
        Instant arrival = day(9).minusSeconds(6 * 3600);   // day 8, 18:00: a report of day 9 "from the future"
        f.send(report("Early Clock", "early", 9).policy("early.example", 500,
                failure("certificate-expired", 20, null, null)).bytes(), arrival, "https");
        assertThat(f.deadLetter.readRecordsToList()).isEmpty();
        assertThat(f.stats.readValuesToList()).extracting(FailureStats::getPolicyDomain).contains("early.example");
    }
}
