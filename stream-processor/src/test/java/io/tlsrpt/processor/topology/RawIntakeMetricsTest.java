package io.tlsrpt.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.search.Search;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
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
