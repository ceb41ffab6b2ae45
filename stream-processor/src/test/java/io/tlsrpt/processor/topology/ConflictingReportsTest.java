package io.tlsrpt.processor.topology;

import static io.tlsrpt.processor.topology.ReportFixtures.failure;
import static io.tlsrpt.processor.topology.ReportFixtures.report;
import static org.assertj.core.api.Assertions.assertThat;

import io.tlsrpt.schema.FailureStats;
import io.tlsrpt.schema.TlsReport;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A report with the organisation, report-id and date range of an earlier one but other contents is another report:
 * a forgery sent first under a sender's predictable report-id must not keep the real report out.
 */
class ConflictingReportsTest {

    private final TopologyFixture f = new TopologyFixture();

    @AfterEach
    void close() {
        f.close();
    }

    /** The healthy report a forger sends first under Google's report-id of the day. */
    private static ReportFixtures forged() {
        return report("Google Inc.", "2026-11-08T00:00:00Z_example.com", 8).policy("example.com", 1000);
    }

    /** Google's real report of that day: a STARTTLS downgrade. */
    private static ReportFixtures real() {
        return report("Google Inc.", "2026-11-08T00:00:00Z_example.com", 8).policy("example.com", 600,
                failure("starttls-not-supported", 400, "203.0.113.9", "mx1.example.com"));
    }

    private long conflicting() {
        return f.metrics.total(PipelineMetrics.CONFLICTING_REPORTS);
    }

    @Test
    void aForgerySentFirstDoesNotKeepTheRealReportOut() {
        f.send(forged(), 8);
        f.send(real(), 8);

        List<KeyValue<String, TlsReport>> written = f.reports.readKeyValuesToList();
        assertThat(written).hasSize(2);
        String dedupKey = written.get(0).value.getDedupKey();
        assertThat(written.get(1).value.getDedupKey()).isEqualTo(dedupKey);
        assertThat(written.get(0).key).isEqualTo(dedupKey);
        // the second is keyed apart, or the reports topic's compaction would keep only one of the two
        assertThat(written.get(1).key).isEqualTo(dedupKey + DedupStage.VARIANT_SEPARATOR
                + HexFormat.of().formatHex(ReportFingerprint.of(written.get(1).value)));
        assertThat(written.get(1).value.getPolicies().get(0).getFailedSessions()).isEqualTo(400);
        assertThat(conflicting()).isEqualTo(1);
        assertThat(f.metrics.snapshot().distinctReports()).isEqualTo(2);

        List<FailureStats> stats = f.stats.readValuesToList();
        FailureStats last = stats.get(stats.size() - 1);
        assertThat(last.getResultType()).isEqualTo("starttls-not-supported");
        assertThat(last.getFailedSessions()).isEqualTo(400);
        assertThat(last.getTotalSessions()).as("both count").isEqualTo(2000);
        assertThat(last.getReports()).isEqualTo(2);
    }

    @Test
    void copiesOfEitherReportAreStillDuplicates() {
        f.send(forged(), 8);
        f.send(real(), 8);
        f.reports.readValuesToList();

        // retries of both, one by mail-like line ends: other raw bytes, the same contents
        f.send(real().json().replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8),
                ReportFixtures.day(9).plusSeconds(9 * 3600), "imap");
        f.send(forged(), 8);
        f.send(real(), 8);

        assertThat(f.reports.isEmpty()).isTrue();
        assertThat(f.metrics.snapshot().duplicatesDropped()).isEqualTo(3);
        assertThat(conflicting()).isEqualTo(1);
    }

    @Test
    void aThirdReportUnderTheSameIdentityCountsAsWell() {
        f.send(forged(), 8);
        f.send(real(), 8);
        f.send(report("Google Inc.", "2026-11-08T00:00:00Z_example.com", 8).policy("example.com", 999), 8);

        assertThat(f.reports.readKeyValuesToList()).extracting(kv -> kv.key).hasSize(3).doesNotHaveDuplicates();
        assertThat(conflicting()).isEqualTo(2);
    }

    @Test
    void aCopyOfTheLaterReportIsStillADuplicateWhenTheFirstWouldHaveBeenForgotten() {
        ReportFixtures first = report("Google Inc.", "late-twin", 1).policy("example.com", 1000);
        ReportFixtures second = report("Google Inc.", "late-twin", 1).policy("example.com", 990,
                failure("starttls-not-supported", 10, "203.0.113.9", "mx1.example.com"));
        f.send(first.bytes(), ReportFixtures.day(2), "https");
        f.send(second.bytes(), ReportFixtures.day(10), "https");
        // stream time moves to day 20: 14 days of retention forget what arrived before day 6, so the first entry
        // alone would be gone, and the second report's copy below would pass for new
        f.send(report("Google Inc.", "later", 19).policy("example.com", 1000).bytes(), ReportFixtures.day(20),
                "https");
        f.send(second.bytes(), ReportFixtures.day(20).plusSeconds(60), "https");

        assertThat(f.reports.readValuesToList()).extracting(TlsReport::getReportId)
                .containsExactly("late-twin", "late-twin", "later");
        assertThat(f.metrics.snapshot().duplicatesDropped()).isEqualTo(1);
        assertThat(conflicting()).isEqualTo(1);
    }

    @Test
    void anEntryStoredByAnEarlierVersionTakesEveryReportWithItsKeyForACopy() {
        f.send(forged(), 8);
        String dedupKey = f.reports.readValuesToList().get(0).getDedupKey();
        // what the version before fingerprints stored: the first copy's time alone
        KeyValueStore<String, DedupEntry> store = f.driver.getKeyValueStore(DedupStage.STORE);
        DedupEntry stored = store.get(dedupKey);
        assertThat(stored.fingerprint()).hasSize(ReportFingerprint.LENGTH);
        store.put(dedupKey, new DedupEntry(stored.firstSeen(), null));

        f.send(real(), 8);

        assertThat(f.reports.isEmpty()).isTrue();
        assertThat(f.metrics.snapshot().duplicatesDropped()).isEqualTo(1);
        assertThat(conflicting()).isZero();
    }

    @Test
    void aRecordAnEarlierVersionLeftOnTheRepartitionTopicIsTakenForACopy() {
        f.send(forged(), 8);
        TlsReport first = f.reports.readValuesToList().get(0);
        // the real report, as the version before fingerprints put it on the repartition topic: no fingerprint
        TlsReport realReport = TlsReport.newBuilder(first).setPolicies(
                real().decoded().getPolicies()).build();
        byte[] encoded = f.topics.reports.valueSerde().serializer().serialize(f.topics.reports.name(), realReport);
        RecordHeaders headers = new RecordHeaders();
        headers.add(ReportRouting.DEDUP_KEY_HEADER, first.getDedupKey().getBytes(StandardCharsets.UTF_8));
        TestInputTopic<String, byte[]> repartition = f.driver.createInputTopic(
                "tlsrpt-ttd-" + DedupStage.REPARTITION + "-repartition", Serdes.String().serializer(),
                Serdes.ByteArray().serializer());
        repartition.pipeInput(new TestRecord<>("example.com", encoded, headers, ReportFixtures.day(9)));

        assertThat(f.reports.isEmpty()).isTrue();
        assertThat(f.metrics.snapshot().duplicatesDropped()).isEqualTo(1);
        assertThat(conflicting()).isZero();
    }
}
