package io.tlsrpt.processor.topology;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.Headers;

/** The dead-letter header contract (contracts.md): why, where from, and the first bytes for a quick look. */
public final class DeadLetters {

    /** The prefix of every header below: what a replay strips. */
    public static final String HEADER_PREFIX = "tlsrpt.dlq.";
    public static final String REASON = HEADER_PREFIX + "reason";
    public static final String MESSAGE = HEADER_PREFIX + "message";
    public static final String STAGE = HEADER_PREFIX + "stage";
    public static final String SOURCE_TOPIC = HEADER_PREFIX + "source-topic";
    public static final String SOURCE_PARTITION = HEADER_PREFIX + "source-partition";
    public static final String SOURCE_OFFSET = HEADER_PREFIX + "source-offset";
    public static final String FIRST_BYTES = HEADER_PREFIX + "first-bytes";
    public static final String FAILED_AT = HEADER_PREFIX + "failed-at";

    public static final String STAGE_DECODE = "decode";
    public static final String STAGE_PROCESS = "process";
    public static final String STAGE_PRODUCE = "produce";

    private static final int MAX_MESSAGE = 1000;
    private static final int FIRST_BYTES_LENGTH = 64;

    private DeadLetters() {
    }

    /** Adds the dead-letter headers to {@code headers} (which keep the original provenance headers). */
    public static Headers annotate(Headers headers, String stage, String reason, String message, String topic,
                                   Integer partition, Long offset, byte[] raw, Instant failedAt) {
        put(headers, STAGE, stage);
        put(headers, REASON, reason);
        put(headers, MESSAGE, truncate(message == null ? reason : message));
        if (topic != null) {
            put(headers, SOURCE_TOPIC, topic);
        }
        if (partition != null && partition >= 0) {
            put(headers, SOURCE_PARTITION, Integer.toString(partition));
        }
        if (offset != null && offset >= 0) {
            put(headers, SOURCE_OFFSET, Long.toString(offset));
        }
        put(headers, FIRST_BYTES, firstBytes(raw));
        put(headers, FAILED_AT, failedAt.toString());
        return headers;
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String truncate(String s) {
        return s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE) + "...";
    }

    /** The first bytes as printable ASCII, other bytes as \xNN. */
    static String firstBytes(byte[] raw) {
        if (raw == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(raw.length, FIRST_BYTES_LENGTH); i++) {
            int b = raw[i] & 0xff;
            if (b >= 0x20 && b < 0x7f && b != '\\') {
                sb.append((char) b);
            } else {
                sb.append(String.format("\\x%02x", b));
            }
        }
        return sb.toString();
    }
}
