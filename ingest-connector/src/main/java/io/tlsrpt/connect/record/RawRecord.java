package io.tlsrpt.connect.record;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One payload exactly as received, with its provenance and its place in the source (Connect partition and offset).
 *
 * @param payload         the raw bytes (never modified)
 * @param source          https, imap or spool
 * @param receivedAt      when the connector received it
 * @param contentType     what the sender declared (HTTPS), message/rfc822 (IMAP), or from the file name (spool)
 * @param origin          remote address; mailbox/UIDVALIDITY/UID; file name
 * @param fileName        original file name (spool only), else null
 * @param sourcePartition Connect source partition
 * @param sourceOffset    Connect source offset
 * @param dkim            the DKIM verdict on a mail ({@code tlsrpt.dkim}), or null when not checked
 */
public record RawRecord(byte[] payload, String source, Instant receivedAt, String contentType, String origin,
                        String fileName, Map<String, ?> sourcePartition, Map<String, ?> sourceOffset, String dkim) {

    /** A record whose DKIM signature was not checked. */
    public RawRecord(byte[] payload, String source, Instant receivedAt, String contentType, String origin,
                     String fileName, Map<String, ?> sourcePartition, Map<String, ?> sourceOffset) {
        this(payload, source, receivedAt, contentType, origin, fileName, sourcePartition, sourceOffset, null);
    }

    public RawRecord {
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(origin, "origin");
    }
}
