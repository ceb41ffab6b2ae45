package io.tlsrpt.cli.deadletter;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tlsrpt.connect.record.RawRecords;
import io.tlsrpt.processor.topology.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * One record of the dead-letter topic as the processor wrote it: the original key, bytes and provenance headers,
 * plus the {@code tlsrpt.dlq.*} headers saying why and where from.
 */
record DeadLetter(ConsumerRecord<byte[], byte[]> record) {

    String key() {
        return RawRecords.headerString(record.key());
    }

    String reason() {
        return header(DeadLetters.REASON);
    }

    String sourceTopic() {
        return header(DeadLetters.SOURCE_TOPIC);
    }

    /** When the processor dead-lettered it ({@code tlsrpt.dlq.failed-at}), or null when absent or unreadable. */
    Instant failedAt() {
        String value = header(DeadLetters.FAILED_AT);
        try {
            return value == null ? null : Instant.parse(value);
        } catch (DateTimeParseException e) {
            return null;   // written by something else than the processor; listed, but never time-selected
        }
    }

    /** {@code topic-partition@offset} of this dead letter. */
    String address() {
        return RawRecords.position(record.topic(), record.partition(), record.offset());
    }

    /**
     * Whether its value is a record of {@code topic} as first written. Only then can it go back there: a record
     * dead-lettered from an internal topic of the processor holds that topic's bytes, not a raw input.
     */
    boolean cameFrom(String topic) {
        return topic.equals(sourceTopic()) && record.value() != null;
    }

    /** The original headers (without the {@code tlsrpt.dlq.*} ones) and {@link RawRecords#HEADER_REPLAYED_FROM}. */
    Headers replayHeaders() {
        return replayHeaders(null);
    }

    /** As {@link #replayHeaders()}, with {@code dkim} (when not null) for the DKIM verdict the record carried. */
    Headers replayHeaders(String dkim) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : record.headers()) {
            if (!h.key().startsWith(DeadLetters.HEADER_PREFIX) && !h.key().equals(RawRecords.HEADER_REPLAYED_FROM)
                    && !(dkim != null && h.key().equals(RawRecords.HEADER_DKIM))) {
                headers.add(h.key(), h.value());
            }
        }
        if (dkim != null) {
            headers.add(RawRecords.HEADER_DKIM, dkim.getBytes(StandardCharsets.UTF_8));
        }
        headers.add(RawRecords.HEADER_REPLAYED_FROM, address().getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    /** The connector's DKIM verdict ({@code tlsrpt.dkim}), or null when the record was not checked. */
    String dkim() {
        return header(RawRecords.HEADER_DKIM);
    }

    /** When the connector received it ({@code tlsrpt.received-at}), else the record's timestamp. */
    Instant receivedAt() {
        String value = header(RawRecords.HEADER_RECEIVED_AT);
        try {
            return value == null ? Instant.ofEpochMilli(record.timestamp()) : Instant.parse(value);
        } catch (DateTimeParseException e) {
            return Instant.ofEpochMilli(record.timestamp());
        }
    }

    /** One JSON object: where it is, why it is there, where it came from, and its provenance headers. */
    ObjectNode toJson(ObjectMapper mapper) {
        ObjectNode json = mapper.createObjectNode();
        json.put("partition", record.partition());
        json.put("offset", record.offset());
        json.put("key", key());
        json.put("reason", reason());
        json.put("stage", header(DeadLetters.STAGE));
        json.put("message", header(DeadLetters.MESSAGE));
        json.put("failed_at", header(DeadLetters.FAILED_AT));
        json.put("source_topic", sourceTopic());
        putNumber(json, "source_partition", header(DeadLetters.SOURCE_PARTITION));
        putNumber(json, "source_offset", header(DeadLetters.SOURCE_OFFSET));
        json.put("bytes", record.value() == null ? 0 : record.value().length);
        json.put("first_bytes", header(DeadLetters.FIRST_BYTES));
        ObjectNode provenance = json.putObject("headers");
        for (Header h : record.headers()) {
            if (!h.key().startsWith(DeadLetters.HEADER_PREFIX)) {
                provenance.put(h.key(), RawRecords.headerString(h.value()));
            }
        }
        return json;
    }

    private static void putNumber(ObjectNode json, String field, String value) {
        try {
            json.put(field, value == null ? null : Long.valueOf(value));
        } catch (NumberFormatException e) {
            json.put(field, value);   // written by something else than the processor: shown as it is
        }
    }

    private String header(String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : RawRecords.headerString(h.value());
    }
}
