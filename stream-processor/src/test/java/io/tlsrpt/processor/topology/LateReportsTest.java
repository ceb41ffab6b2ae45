package io.tlsrpt.processor.topology;

import static io.tlsrpt.processor.topology.ReportFixtures.day;
import static io.tlsrpt.processor.topology.ReportFixtures.failure;
import static io.tlsrpt.processor.topology.ReportFixtures.report;
import static org.assertj.core.api.Assertions.assertThat;

import io.tlsrpt.schema.FailureStats;
import io.tlsrpt.schema.TlsReport;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Lateness by two clocks (window 1 day, grace 2 days, max partition drift 7 days: the defaults). A contribution
 * counts when it was received before window end + grace, or when the aggregate's stream time has not passed
 * window end + grace; past window end + grace + drift in stream time it is late whatever its arrival.
 */
class LateReportsTest {

    private final TopologyFixture f = new TopologyFixture();

    @AfterEach
    void close() {
        f.close();
    }

    private static ReportFixtures failing(String id, int day, long failed) {
        return report("Yahoo", id, day).policy("late.example", 100, failure("validation-failure", failed, null, null));
    }

    /** The last statistics of each window of late.example, by window start. */
    private Map<Instant, FailureStats> statsByWindow() {
        return f.stats.readValuesToList().stream()
                .collect(Collectors.toMap(FailureStats::getWindowStart, s -> s, (a, b) -> b));
    }

    private long late(String reason) {
        return (long) f.metrics.registry().get(PipelineMetrics.LATE_REPORTS).tag("reason", reason).counter().count();
    }

    @Test
    void aReportLateByStreamTimeButOnTimeByArrivalIsCounted() {
        f.send(failing("d14", 14, 1), 14);
        // received on day 11 (before day 10's window end + grace = day 13), read after day 14's report: a slower
        // input partition; stream time (day 14) alone would call it late
        f.send(failing("d10", 10, 7).bytes(), day(11).plusSeconds(6 * 3600), "imap");

        Map<Instant, FailureStats> byWindow = statsByWindow();
        assertThat(byWindow.get(day(10)).getFailedSessions()).isEqualTo(7);
        assertThat(byWindow.get(day(14)).getFailedSessions()).isEqualTo(1);
        assertThat(f.metrics.snapshot().lateReports()).isZero();
    }

    @Test
    void aReportLateByArrivalAndByStreamTimeIsCountedAsLateAndKeptInTheReportsTopic() {
        f.send(failing("d10", 10, 1), 10);
        f.send(failing("d14", 14, 1), 14);
        // received on day 15, after day 10's window end + grace (day 13), and stream time is day 14
        f.send(failing("d10-late", 10, 4).bytes(), day(15), "imap");

        assertThat(statsByWindow().get(day(10)).getFailedSessions()).as("not counted").isEqualTo(1);
        assertThat(late(PipelineMetrics.LATE_WINDOW_CLOSED)).isEqualTo(1);
        assertThat(late(PipelineMetrics.LATE_BEYOND_DRIFT)).isZero();
        assertThat(f.reports.readValuesToList()).extracting(TlsReport::getReportId)
                .containsExactly("d10", "d14", "d10-late");
    }

    @Test
    void anArchiveImportInEventTimeOrderIsCountedAsBefore() {
        // tlsrpt analyze of an old corpus: every file received now (weeks after the reports' days), read in
        // event-time order; late by arrival, on time by stream time
        Instant now = day(40);
        for (int d = 1; d <= 20; d++) {
            f.send(failing("archive-" + d, d, d).bytes(), now.plusSeconds(d), "cli");
        }
        Map<Instant, FailureStats> byWindow = statsByWindow();
        for (int d = 1; d <= 20; d++) {
            assertThat(byWindow.get(day(d)).getFailedSessions()).as("day %d", d).isEqualTo(d);
        }
        assertThat(f.metrics.snapshot().lateReports()).isZero();

        // and a file of the archive out of order by more than the grace is late, as before
        f.send(failing("archive-15-again", 15, 50).bytes(), now.plusSeconds(60), "cli");
        assertThat(f.stats.isEmpty()).as("no statistics update").isTrue();
        assertThat(late(PipelineMetrics.LATE_WINDOW_CLOSED)).isEqualTo(1);
    }

    @Test
    void aReportBeyondTheDriftHorizonIsCountedLateWithItsOwnReasonNeverDroppedSilently() {
        f.send(failing("d30", 30, 1), 30);
        // received on day 11, on time by arrival, but stream time (day 30) is past day 10's window end + grace +
        // drift (day 20): the aggregate would drop it, so the filter counts it late
        f.send(failing("d10", 10, 4).bytes(), day(11), "https");
        // received on day 22: on time by arrival, late by stream time (day 24 <= day 30), inside the horizon
        // (day 31): the aggregate keeps its window open past the grace and counts it
        f.send(failing("d21", 21, 6).bytes(), day(22), "https");

        // nothing dropped by Kafka Streams itself (its dropped-records metric would count the aggregate's drops)
        assertThat(droppedByKafkaStreams()).isZero();
        Map<Instant, FailureStats> byWindow = statsByWindow();
        assertThat(byWindow).doesNotContainKey(day(10));
        assertThat(byWindow.get(day(21)).getFailedSessions()).isEqualTo(6);
        assertThat(late(PipelineMetrics.LATE_BEYOND_DRIFT)).isEqualTo(1);
        assertThat(late(PipelineMetrics.LATE_WINDOW_CLOSED)).isZero();
        assertThat(f.reports.readValuesToList()).extracting(TlsReport::getReportId)
                .containsExactly("d30", "d10", "d21");
    }

    @Test
    void aReportWithoutReceivedAtIsJudgedByStreamTimeOnly() {
        f.send(failing("d14", 14, 1), 14);
        f.raw.pipeInput(TopologyFixture.sha256(failing("d10", 10, 3).bytes()), failing("d10", 10, 3).bytes(),
                day(11));

        assertThat(statsByWindow()).doesNotContainKey(day(10));
        assertThat(late(PipelineMetrics.LATE_WINDOW_CLOSED)).isEqualTo(1);
        assertThat(f.reports.readValuesToList()).extracting(r -> r.getProvenance().getReceivedAt())
                .as("the second one has no received_at").containsExactly(day(15).plusSeconds(6 * 3600), null);
    }

    private double droppedByKafkaStreams() {
        var dropped = f.driver.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals("dropped-records-total")).toList();
        assertThat(dropped).as("Kafka Streams' dropped-records metric").isNotEmpty();
        return dropped.stream().mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).sum();
    }
}
