package io.tlsrpt.processor.decode;

/** Why an input was rejected. The codes are stable: dead-letter headers and dashboards key on them. */
public enum RejectReason {
    /** The input holds no TLS-RPT report: a mail without a report part, an empty input. */
    NO_REPORT_FOUND("no-report-found"),
    /** The payload is not JSON (nor gzip, zip or a mail), or its JSON is malformed. */
    NOT_JSON("not-json"),
    /** Well-formed JSON without what every report has: organization-name, report-id, date-range, policies[]. */
    NOT_A_REPORT("not-a-report"),
    /** The raw input is larger than {@code decoder.max.input.bytes}. */
    TOO_LARGE("too-large"),
    /** Decompressed data exceeds {@code decoder.max.decompressed.bytes} or the compression-ratio cap (a bomb). */
    DECOMPRESSION_LIMIT("decompression-limit"),
    /** Archives nested deeper than {@code decoder.max.archive.depth}, or a zip with too many entries. */
    ARCHIVE_LIMIT("archive-limit"),
    /** The gzip, zip or JSON data ends before it is complete. */
    TRUNCATED("truncated"),
    /** gzip or zip data that is corrupt: bad header, bad CRC, unsupported method, encrypted entry. */
    CORRUPT_ARCHIVE("corrupt-archive"),
    /** JSON deeper, longer or with more tokens than the {@code decoder.max.json.*} limits. */
    JSON_LIMIT("json-limit"),
    /**
     * An object with the same member name twice, at any depth: which of two {@code total-failure-session-count}s
     * is meant cannot be known, so the report is not guessed at (the message names the key and its JSON Pointer).
     */
    DUPLICATE_KEY("duplicate-key"),
    /** A mail with more parts or deeper nesting than {@code decoder.max.mime.*}. */
    MIME_LIMIT("mime-limit"),
    /** A mail whose MIME structure cannot be parsed. */
    MALFORMED_MIME("malformed-mime"),
    /** Bad base64 or quoted-printable transfer encoding, or JSON that is not valid UTF-8/16/32. */
    INVALID_ENCODING("invalid-encoding"),
    /** The input could not be read at all (the CLI's missing or unreadable file). */
    UNREADABLE("unreadable"),
    /** An unexpected failure inside the decoder or a library; the message carries the cause. */
    DECODER_ERROR("decoder-error"),
    /**
     * A report whose start-datetime lies more than {@code window.max.report.ahead} after its arrival (set by the
     * processor's decode stage, which knows the arrival): counted, it would carry stream time past every real window.
     */
    FUTURE_DATE_RANGE("future-date-range"),
    /**
     * A report about none of the policy domains this installation serves ({@code served.domains},
     * {@code served.domains.file}; set by the processor's decode stage): misdirected or forged. Replayed once its
     * domain is added to the list.
     */
    UNSERVED_POLICY_DOMAIN("unserved-policy-domain"),
    /**
     * With {@code mail.dkim.required}: a mail report without the connector's DKIM pass by its reporting domain
     * (set by the processor's decode stage from the raw record's {@code tlsrpt.dkim} header).
     */
    DKIM_FAILED("dkim-failed");

    private final String code;

    RejectReason(String code) {
        this.code = code;
    }

    /** The stable kebab-case code, e.g. {@code no-report-found}. */
    public String code() {
        return code;
    }

    /** The reason with this code, or null. */
    public static RejectReason fromCode(String code) {
        for (RejectReason reason : values()) {
            if (reason.code.equals(code)) {
                return reason;
            }
        }
        return null;
    }
}
