package io.tlsrpt.connect.record;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

/**
 * Builds the tlsrpt.raw record of the shared contract: key = lower-case hex sha-256 of the payload, value = the
 * payload bytes, headers tlsrpt.source, tlsrpt.received-at (ISO-8601 UTC), content-type, tlsrpt.origin and, for
 * files, tlsrpt.file-name, and for mails when dkim.verify is on, tlsrpt.dkim; a record replayed from the dead-letter topic ({@code tlsrpt dead-letters}) also carries
 * tlsrpt.replayed-from (the dead letter's {@link #position}). Headers are strings; with the worker's default
 * SimpleHeaderConverter they reach Kafka as their UTF-8 bytes.
 */
public final class RawRecords {
    public static final String HEADER_SOURCE = "tlsrpt.source";
    public static final String HEADER_RECEIVED_AT = "tlsrpt.received-at";
    public static final String HEADER_CONTENT_TYPE = "content-type";
    public static final String HEADER_ORIGIN = "tlsrpt.origin";
    public static final String HEADER_FILE_NAME = "tlsrpt.file-name";
    public static final String HEADER_REPLAYED_FROM = "tlsrpt.replayed-from";
    /** The connector's DKIM verdict on a mail (dkim.verify): {@code pass d=google.com s=20230601}, {@code fail ...}. */
    public static final String HEADER_DKIM = "tlsrpt.dkim";

    private RawRecords() {
    }

    /** Where a record is, {@code topic-partition@offset}, as tlsrpt.replayed-from and the operator commands say it. */
    public static String position(String topic, int partition, long offset) {
        return topic + "-" + partition + "@" + offset;
    }

    public static String sha256Hex(byte[] payload) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    public static SourceRecord toSourceRecord(RawRecord raw, String topic) {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString(HEADER_SOURCE, raw.source());
        headers.addString(HEADER_RECEIVED_AT,
                DateTimeFormatter.ISO_INSTANT.format(raw.receivedAt().truncatedTo(ChronoUnit.MILLIS)));
        headers.addString(HEADER_CONTENT_TYPE, raw.contentType());
        headers.addString(HEADER_ORIGIN, raw.origin());
        if (raw.fileName() != null) {
            headers.addString(HEADER_FILE_NAME, raw.fileName());
        }
        if (raw.dkim() != null) {
            headers.addString(HEADER_DKIM, raw.dkim());
        }
        return new SourceRecord(raw.sourcePartition(), raw.sourceOffset(), topic, null,
                Schema.STRING_SCHEMA, sha256Hex(raw.payload()),
                Schema.BYTES_SCHEMA, raw.payload(),
                raw.receivedAt().toEpochMilli(), headers);
    }

    /** Decodes a header value written by the default header converter (tests and tools). */
    public static String headerString(byte[] value) {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }
}
