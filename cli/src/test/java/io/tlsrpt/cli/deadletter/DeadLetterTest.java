package io.tlsrpt.cli.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tlsrpt.connect.record.RawRecords;
import io.tlsrpt.processor.topology.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** The view of a dead-letter record: what is listed, what may be replayed where, and with which headers. */
class DeadLetterTest {

    private static final byte[] RAW = "{\"not\":\"a report\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void aDecoderRejectionIsListedWithItsReasonAndProvenanceAndReplayableOnlyToItsSourceTopic() {
        Headers headers = new RecordHeaders().add("tlsrpt.source", utf8("https"))
            .add("tlsrpt.received-at", utf8("2026-11-29T10:00:00Z"));
        DeadLetters.annotate(headers, DeadLetters.STAGE_DECODE, "not-a-report", "no policies", "tlsrpt.raw", 2, 41L,
            RAW, Instant.parse("2026-11-29T10:00:01Z"));
        DeadLetter letter = new DeadLetter(record("abc123", RAW, headers));

        ObjectNode json = letter.toJson(new ObjectMapper());
        assertThat(json.get("reason").asText()).isEqualTo("not-a-report");
        assertThat(json.get("stage").asText()).isEqualTo("decode");
        assertThat(json.get("source_partition").asInt()).isEqualTo(2);
        assertThat(json.get("source_offset").asLong()).isEqualTo(41);
        assertThat(json.get("bytes").asInt()).isEqualTo(RAW.length);
        assertThat(json.get("first_bytes").asText()).isEqualTo("{\"not\":\"a report\"}");
        assertThat(json.get("headers").fieldNames()).toIterable()
            .containsExactly("tlsrpt.source", "tlsrpt.received-at");

        assertThat(letter.failedAt()).isEqualTo(Instant.parse("2026-11-29T10:00:01Z"));
        assertThat(letter.cameFrom("tlsrpt.raw")).isTrue();
        assertThat(letter.cameFrom("tlsrpt.other")).isFalse();
        Headers replay = letter.replayHeaders();
        assertThat(replay).extracting(Header::key)
            .containsExactly("tlsrpt.source", "tlsrpt.received-at", RawRecords.HEADER_REPLAYED_FROM);
        assertThat(new String(replay.lastHeader(RawRecords.HEADER_REPLAYED_FROM).value(), StandardCharsets.UTF_8))
            .isEqualTo("tlsrpt.dead-letter-0@7");
    }

    @Test
    void aRecordFromAnInternalTopicOrWithoutBytesIsNotReplayableToTheRawTopic() {
        Headers fromRepartition = DeadLetters.annotate(new RecordHeaders(), DeadLetters.STAGE_PROCESS,
            "processing-exception", "boom", "tlsrpt-processor-report-by-primary-domain-repartition", 0, 3L, RAW,
            Instant.now());
        assertThat(new DeadLetter(record("k", RAW, fromRepartition)).cameFrom("tlsrpt.raw")).isFalse();

        Headers empty = DeadLetters.annotate(new RecordHeaders(), DeadLetters.STAGE_DECODE, "not-json", "empty",
            "tlsrpt.raw", 0, 4L, null, Instant.now());
        assertThat(new DeadLetter(record("k", null, empty)).cameFrom("tlsrpt.raw")).isFalse();
    }

    @Test
    void anUnreadableFailureTimeIsNoTime() {
        Headers headers = new RecordHeaders().add("tlsrpt.dlq.failed-at", utf8("yesterday"));
        assertThat(new DeadLetter(record("k", RAW, headers)).failedAt()).isNull();
        assertThat(new DeadLetter(record("k", RAW, new RecordHeaders())).failedAt()).isNull();
    }

    @Test
    void aReplayedRecordDeadLetteredAgainCarriesOnlyItsLatestOrigin() {
        Headers again = new RecordHeaders().add(RawRecords.HEADER_REPLAYED_FROM, utf8("tlsrpt.dead-letter-0@1"));
        DeadLetters.annotate(again, DeadLetters.STAGE_DECODE, "json-limit", "deep", "tlsrpt.raw", 0, 9L, RAW,
            Instant.now());
        Headers replay = new DeadLetter(record("k", RAW, again)).replayHeaders();
        assertThat(replay.headers(RawRecords.HEADER_REPLAYED_FROM)).hasSize(1);
        assertThat(new String(replay.lastHeader(RawRecords.HEADER_REPLAYED_FROM).value(), StandardCharsets.UTF_8))
            .isEqualTo("tlsrpt.dead-letter-0@7");
    }

    private static ConsumerRecord<byte[], byte[]> record(String key, byte[] value, Headers headers) {
        return new ConsumerRecord<>("tlsrpt.dead-letter", 0, 7L, 1_764_410_400_000L, TimestampType.CREATE_TIME,
            key.length(), value == null ? 0 : value.length, utf8(key), value, headers, Optional.empty());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
