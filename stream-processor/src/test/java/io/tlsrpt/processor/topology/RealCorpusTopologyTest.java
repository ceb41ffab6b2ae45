package io.tlsrpt.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The real reports of the shared corpus through the whole topology: each is a report or a dead letter, never lost. */
class RealCorpusTopologyTest {

    private static final List<String> FILES = List.of("contact-info-null.json", "google-2024-09-15.eml",
            "mailru-2023-01-25.eml", "microsoft-2024-09-13-sts-tlsa.eml", "microsoft-2025-05-23-tlsa-double-encoded.json",
            "microsoft-2025-06-14-no-ip-no-mx.json", "not-a-report-cron-mail.eml", "rfc8460-appendix-b.json",
            "synthetic-unknown-policy-type-no-domain.json");

    private final TopologyFixture f = new TopologyFixture();

    @AfterEach
    void close() {
        f.close();
    }

    private static byte[] read(String name) throws IOException {
        try (InputStream in = RealCorpusTopologyTest.class.getResourceAsStream("/corpus/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    @Test
    void everyFileIsAccountedFor() throws IOException {
        Instant arrival = Instant.parse("2026-11-20T00:00:00Z");
        for (String name : FILES) {
            arrival = arrival.plusSeconds(60);
            f.send(read(name), arrival, name.endsWith(".eml") ? "imap" : "spool");
            boolean report = !f.reports.isEmpty();
            List<TestRecord<String, byte[]>> dead = f.deadLetter.readRecordsToList();
            f.reports.readRecordsToList();
            assertThat(report || dead.size() == 1).as(name + " is a report or a dead letter").isTrue();
            if (name.startsWith("not-a-report")) {
                assertThat(dead).as(name).hasSize(1);
                assertThat(new String(dead.get(0).headers().lastHeader(DeadLetters.REASON).value(),
                        StandardCharsets.UTF_8)).isNotBlank();
            }
            if (name.endsWith(".json")) {
                assertThat(report).as(name + " decodes").isTrue();
            }
        }
        PipelineMetrics.Snapshot s = f.metrics.snapshot();
        assertThat(s.rawRecords()).isEqualTo(FILES.size());
        assertThat(s.distinctReports() + s.duplicatesDropped()).isEqualTo(s.reportsDecoded());
        assertThat(s.reportsDecoded() + s.rejected()).isGreaterThanOrEqualTo(FILES.size());
    }
}
