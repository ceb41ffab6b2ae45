package io.tlsrpt.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.search.Search;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Raw records are counted by intake (their {@code tlsrpt.source} header), the series the TlsRptReportsStoppedArriving
 * rule watches: every intake's series exists from the start, and a value no intake writes cannot add a series.
 */
class RawIntakeMetricsTest {

    private final TopologyFixture f = new TopologyFixture();

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void everyIntakeHasItsSeriesBeforeItsFirstRecord() {
        assertThat(byIntake()).isEqualTo(Map.of("cli", 0L, "https", 0L, "imap", 0L, "spool", 0L, "unknown", 0L));
    }

    @Test
    void rawRecordsCountUnderTheirIntakeAndAnythingElseUnderUnknown() throws IOException {
        Instant arrival = Instant.parse("2026-11-20T06:00:00Z");
        f.send(corpus("rfc8460-appendix-b.json"), arrival, "https");
        f.send(corpus("google-2024-09-15.eml"), arrival, "imap", "message/rfc822");
        f.send(corpus("microsoft-2025-06-14-no-ip-no-mx.json"), arrival, "spool");
        // a dead letter counts as well: its intake delivered
        f.send(corpus("not-a-report-cron-mail.eml"), arrival, "imap", "message/rfc822");
        // a value no intake writes (a hand-made record, a forged header), and a record without the header
        f.send(corpus("contact-info-null.json"), arrival, "made-up-" + "x".repeat(40));
        byte[] bare = corpus("microsoft-2025-05-23-tlsa-double-encoded.json");
        f.raw.pipeInput(new TestRecord<>(TopologyFixture.sha256(bare), bare, null, arrival));

        assertThat(byIntake()).isEqualTo(Map.of("cli", 0L, "https", 1L, "imap", 2L, "spool", 1L, "unknown", 2L));
        assertThat(f.metrics.snapshot().rawRecords()).isEqualTo(6);
        assertThat(f.deadLetter.readRecordsToList()).hasSize(1);
    }

    /** How far behind the processor reads, from each raw record's timestamp: the TlsRptProcessingBehind rule's. */
    @Test
    void eachRawRecordIsTimedFromItsReceiptToItsReading() throws IOException {
        Timer delay = f.metrics.registry().get(PipelineMetrics.RAW_READ_DELAY).timer();
        assertThat(delay.count()).as("registered before the first record").isZero();
        byte[] report = corpus("rfc8460-appendix-b.json");
        f.send(report, TopologyFixture.NOW.minusSeconds(3), "https");
        f.send(corpus("google-2024-09-15.eml"), TopologyFixture.NOW.minus(Duration.ofMinutes(10)), "imap",
                "message/rfc822");
        // a dead letter is read too; a timestamp ahead of the processor's clock counts as no delay
        f.send(corpus("not-a-report-cron-mail.eml"), TopologyFixture.NOW.plusSeconds(60), "imap", "message/rfc822");

        assertThat(delay.count()).isEqualTo(3);
        assertThat(delay.max(TimeUnit.SECONDS)).isEqualTo(600.0);
        assertThat(delay.totalTime(TimeUnit.SECONDS)).isEqualTo(603.0);
        Map<Double, Double> cumulative = new TreeMap<>();
        for (CountAtBucket bucket : delay.takeSnapshot().histogramCounts()) {
            cumulative.put(bucket.bucket(TimeUnit.SECONDS), bucket.count());
        }
        assertThat(cumulative).containsEntry(1.0, 1.0).containsEntry(5.0, 2.0).containsEntry(300.0, 2.0)
                .containsEntry(900.0, 3.0).containsEntry(86_400.0, 3.0);
    }

    /**
     * A dead letter replayed to the raw topic ({@code tlsrpt dead-letters --replay-to}) keeps its first arrival's
     * timestamp, days old: it counts under its intake but not as a delay, or replaying a day's dead letters would
     * raise TlsRptProcessingBehind for a processor that is not behind.
     */
    @Test
    void aReplayedDeadLetterCountsButIsNotTimedFromItsFirstArrival() throws IOException {
        Timer delay = f.metrics.registry().get(PipelineMetrics.RAW_READ_DELAY).timer();
        f.send(corpus("rfc8460-appendix-b.json"), TopologyFixture.NOW.minus(Duration.ofDays(3)), "https",
                "application/tlsrpt+json", Map.of(DecodeStage.REPLAYED_FROM, "tlsrpt.dead-letter-0@17"));
        f.send(corpus("google-2024-09-15.eml"), TopologyFixture.NOW.minusSeconds(2), "imap", "message/rfc822");

        assertThat(byIntake()).containsEntry("https", 1L).containsEntry("imap", 1L);
        assertThat(delay.count()).as("the fresh record only").isEqualTo(1);
        assertThat(delay.max(TimeUnit.SECONDS)).isEqualTo(2.0);
        assertThat(f.reports.readRecordsToList()).as("the replayed report decoded as any other").hasSize(2);
    }

    private Map<String, Long> byIntake() {
        Map<String, Long> counts = new TreeMap<>();
        for (Counter c : Search.in(f.metrics.registry()).name(PipelineMetrics.RAW_RECORDS).counters()) {
            counts.merge(c.getId().getTag("intake"), (long) c.count(), Long::sum);
        }
        return counts;
    }

    private static byte[] corpus(String name) throws IOException {
        try (InputStream in = RawIntakeMetricsTest.class.getResourceAsStream("/corpus/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }
}
