package io.tlsrpt.processor.decode;

import java.time.Instant;

/**
 * What is known about raw bytes besides the bytes themselves. Every field is nullable. The decoder
 * sniffs the content and trusts none of these blindly: they only break ties (a zip or gzip
 * attachment named by its file name) and are copied into {@code TlsReport.provenance}.
 *
 * @param contentType the declared media type (HTTP Content-Type, the raw record's content-type header)
 * @param fileName    a file name (attachment, spool file, CLI argument)
 * @param source      https, imap, spool or cli
 * @param receivedAt  when the bytes were received
 * @param origin      remote address, "mailbox/UIDVALIDITY/UID", or a file name
 * @param rawSha256   lower-case hex sha-256 of the raw bytes (the raw topic's key); copied into provenance as
 *                    given: the decoder does not hash its input (that would cost more than decoding a small
 *                    report, and the pipeline already has the hash)
 * @param dkim        the ingest connector's DKIM verdict on a mail (the raw record's tlsrpt.dkim header), copied into
 *                    provenance
 */
public record DecodeHints(String contentType, String fileName, String source, Instant receivedAt,
                          String origin, String rawSha256, String dkim) {

    private static final DecodeHints NONE = new DecodeHints(null, null, null, null, null, null, null);

    /** Hints without a DKIM verdict. */
    public DecodeHints(String contentType, String fileName, String source, Instant receivedAt, String origin,
                       String rawSha256) {
        this(contentType, fileName, source, receivedAt, origin, rawSha256, null);
    }

    /** No hints at all: the decoder relies on the content alone. */
    public static DecodeHints none() {
        return NONE;
    }

    /** Hints with just a content type and a file name. */
    public static DecodeHints of(String contentType, String fileName) {
        return new DecodeHints(contentType, fileName, null, null, null, null);
    }
}
