package io.tlsrpt.connect.record;

import io.tlsrpt.connect.Corpus;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RawRecordsTest {

    @Test
    void recordFollowsTheRawContract() {
        byte[] payload = Corpus.read("rfc8460-appendix-b.json");
        RawRecord raw = new RawRecord(payload, "spool", Instant.parse("2026-11-28T10:15:30.123456Z"),
                "application/tlsrpt+json", "report.json", "report.json", Map.of("source", "spool"), Map.of("seq", 7L));
        SourceRecord r = RawRecords.toSourceRecord(raw, "tlsrpt.raw");
        assertThat(r.topic()).isEqualTo("tlsrpt.raw");
        assertThat(r.key()).isEqualTo(RawRecords.sha256Hex(payload)).asString().matches("[0-9a-f]{64}");
        assertThat(r.value()).isSameAs(payload);
        Map<String, Object> headers = new HashMap<>();
        for (Header h : r.headers()) {
            headers.put(h.key(), h.value());
        }
        assertThat(headers).containsEntry("tlsrpt.source", "spool")
                .containsEntry("tlsrpt.received-at", "2026-11-28T10:15:30.123Z")
                .containsEntry("content-type", "application/tlsrpt+json")
                .containsEntry("tlsrpt.origin", "report.json")
                .containsEntry("tlsrpt.file-name", "report.json");
        assertThat(r.sourceOffset().get("seq")).isEqualTo(7L);
        assertThat(r.timestamp()).isEqualTo(Instant.parse("2026-11-28T10:15:30.123Z").toEpochMilli());
    }

    @Test
    void sha256OfKnownInput() {
        assertThat(RawRecords.sha256Hex("abc".getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
