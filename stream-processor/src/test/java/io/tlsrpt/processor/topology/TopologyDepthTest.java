package io.tlsrpt.processor.topology;

import static io.tlsrpt.processor.topology.ReportFixtures.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tlsrpt.processor.decode.ReportDecoder;
import io.tlsrpt.schema.TlsReport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The benchmark's cut topologies ({@code tlsrpt bench --depth}): each runs the real stages up to its cut, writes
 * what it reached to the reports topic, and nothing further. The same four raw records go through each: a real
 * Google report mail, the same mail again, a mail that is no report, and a report with failures.
 */
class TopologyDepthTest {

    private static final Instant ARRIVAL = ReportFixtures.day(3).plusSeconds(6 * 3600);

    private static byte[] corpus(String name) throws IOException {
        try (InputStream in = TopologyDepthTest.class.getResourceAsStream("/corpus/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    private static List<byte[]> inputs() throws IOException {
        byte[] google = corpus("google-2024-09-15.eml");
        return List.of(google, google, corpus("not-a-report-cron-mail.eml"),
                ReportFixtures.report("Example Sender", "depth-1", 2)
                        .policy("example.org", 500, failure("certificate-expired", 40, "192.0.2.7", "mx1.example.org"))
                        .bytes());
    }

    private static TopologyFixture sendAll(TopologyDepth depth) throws IOException {
        TopologyFixture f = new TopologyFixture(TopologySettings.defaults("mock://depth-" + UUID.randomUUID()), depth);
        List<byte[]> inputs = inputs();
        for (int i = 0; i < inputs.size(); i++) {
            boolean mail = i < 3;
            f.send(inputs.get(i), ARRIVAL.plusSeconds(i), mail ? "imap" : "https",
                    mail ? "message/rfc822" : "application/tlsrpt+json");
        }
        return f;
    }

    @Test
    void copyWritesEveryRawRecordUnchangedAndDecodesNothing() throws IOException {
        try (TopologyFixture f = sendAll(TopologyDepth.COPY)) {
            List<TestRecord<String, byte[]>> copied = f.driver.createOutputTopic(f.topics.reports.name(),
                    Serdes.String().deserializer(), Serdes.ByteArray().deserializer()).readRecordsToList();
            List<byte[]> inputs = inputs();
            assertThat(copied).hasSize(inputs.size());
            for (int i = 0; i < inputs.size(); i++) {
                assertThat(copied.get(i).value()).isEqualTo(inputs.get(i));
                assertThat(copied.get(i).key()).isEqualTo(TopologyFixture.sha256(inputs.get(i)));
                assertThat(new String(copied.get(i).headers().lastHeader("tlsrpt.source").value(),
                        StandardCharsets.UTF_8)).isEqualTo(i < 3 ? "imap" : "https");
            }
            assertThat(f.deadLetter.isEmpty()).isTrue();
            assertThat(f.stats.isEmpty()).isTrue();
            PipelineMetrics.Snapshot s = f.metrics.snapshot();
            assertThat(s.rawRecords()).isEqualTo(4);
            assertThat(s.reportsDecoded()).isZero();
        }
    }

    @Test
    void decodeWritesEveryDecodedReportDuplicatesIncludedAndDeadLettersTheRest() throws IOException {
        try (TopologyFixture f = sendAll(TopologyDepth.DECODE)) {
            List<TlsReport> reports = f.reports.readValuesToList();
            assertThat(reports).extracting(TlsReport::getReportId).hasSize(3).contains("depth-1")
                    .containsOnlyOnce("depth-1");
            assertThat(reports.get(0).getDedupKey()).isEqualTo(reports.get(1).getDedupKey());
            assertThat(f.deadLetter.readRecordsToList()).hasSize(1);
            assertThat(f.stats.isEmpty()).isTrue();
            assertThat(f.metrics.snapshot().duplicatesDropped()).isZero();
        }
    }

    @Test
    void dedupDropsTheDuplicateAndAggregatesNothing() throws IOException {
        try (TopologyFixture f = sendAll(TopologyDepth.DEDUP)) {
            assertThat(f.reports.readValuesToList()).extracting(TlsReport::getReportId).hasSize(2)
                    .contains("depth-1");
            assertThat(f.deadLetter.readRecordsToList()).hasSize(1);
            assertThat(f.stats.isEmpty()).isTrue();
            assertThat(f.alerts.isEmpty()).isTrue();
            assertThat(f.metrics.snapshot().duplicatesDropped()).isEqualTo(1);
        }
    }

    @Test
    void fullAlsoWritesTheStatistics() throws IOException {
        try (TopologyFixture f = sendAll(TopologyDepth.FULL)) {
            assertThat(f.reports.readValuesToList()).hasSize(2);
            assertThat(f.deadLetter.readRecordsToList()).hasSize(1);
            assertThat(f.stats.readKeyValuesToMap()).containsKey("example.org|certificate-expired");
        }
    }

    @ParameterizedTest
    @EnumSource(TopologyDepth.class)
    void eachDepthHasOnlyTheStoresAndRepartitionTopicsOfItsStages(TopologyDepth depth) {
        String described = TopologyFactory.buildTopology(TopologySettings.defaults("mock://depth-describe"),
                new ReportDecoder(), new PipelineMetrics(new SimpleMeterRegistry()), Clock.systemUTC(), depth)
                .describe().toString();
        boolean dedup = depth.compareTo(TopologyDepth.DEDUP) >= 0;
        boolean full = depth == TopologyDepth.FULL;
        assertThat(described.contains(DecodeStage.PROCESSOR + " ")).as("decode").isEqualTo(depth != TopologyDepth.COPY);
        assertThat(described.contains(DedupStage.STORE)).as("dedup store").isEqualTo(dedup);
        assertThat(described.contains(DedupStage.REPARTITION + "-repartition")).as("repartition").isEqualTo(dedup);
        assertThat(described.contains("domain-window-store")).as("window store").isEqualTo(full);
        assertThat(described.contains("failure-stats-sink")).as("statistics").isEqualTo(full);
    }

    @Test
    void depthCodesIgnoreCaseAndAnUnknownOneNamesTheChoices() {
        assertThat(TopologyDepth.of("DEDUP")).isEqualTo(TopologyDepth.DEDUP);
        assertThat(TopologyDepth.of("copy")).isEqualTo(TopologyDepth.COPY);
        assertThatThrownBy(() -> TopologyDepth.of("aggregate")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("copy, decode, dedup, full");
    }
}
