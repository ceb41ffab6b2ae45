package io.tlsrpt.processor.decode;

/**
 * What the decoder repaired or tolerated in a report, recorded in {@code TlsReport.deviations} in
 * declaration order. Each constant maps to a deviation seen from real senders (the number in
 * brackets is the item in docs/rfc8460-field-notes.md). Codes are stable kebab-case strings.
 */
public enum Deviation {
    // --- date-range (1, 2)
    TIMESTAMP_NO_OFFSET("timestamp-no-offset", "a date-range timestamp had no UTC offset; read as UTC [1]"),
    TIMESTAMP_LENIENT("timestamp-lenient",
        "a date-range timestamp was not RFC 3339 (space for T, date only, epoch seconds); repaired"),
    END_NEXT_DAY_MIDNIGHT("end-next-day-midnight",
        "end-datetime is 00:00:00Z of the following day instead of 23:59:59Z; kept as sent [2]"),
    DATE_RANGE_INVERTED("date-range-inverted", "end-datetime is before start-datetime; kept as sent"),

    // --- policy (3, 4, 5, 10, 15)
    MX_HOST_NOT_ARRAY("mx-host-not-array", "mx-host was a single string; read as a one-element list [3]"),
    POLICY_STRING_NOT_ARRAY("policy-string-not-array", "policy-string was a single string; read as a one-element list"),
    POLICY_STRING_DOUBLE_ENCODED("policy-string-double-encoded",
        "a policy-string element was itself a JSON-encoded array (Microsoft TLSA); flattened [4]"),
    POLICY_DOMAIN_MISSING("policy-domain-missing", "a policy had no policy-domain (Postfix no-policy-found) [5]"),
    POLICY_DOMAIN_NORMALISED("policy-domain-normalised",
        "policy-domain had upper case, a trailing dot or spaces; lower-cased and trimmed"),
    POLICY_DOMAIN_IDN("policy-domain-idn", "policy-domain is an internationalised name in A-labels (xn--) [15]"),
    POLICY_DOMAIN_U_LABEL("policy-domain-u-label", "policy-domain was sent in Unicode; converted to A-labels"),
    POLICY_DOMAIN_INVALID("policy-domain-invalid", "policy-domain is not a valid domain name; kept lower-cased"),
    POLICY_TYPE_UNKNOWN("policy-type-unknown", "policy-type is not tlsa, sts or no-policy-found; kept verbatim [10]"),
    POLICY_TYPE_MISSING("policy-type-missing", "a policy had no policy-type; recorded as \"unspecified\""),
    POLICIES_EMPTY("policies-empty", "the policies array was empty"),
    POLICY_ENTRY_SKIPPED("policy-entry-skipped", "a policies[] element was not an object; skipped"),

    // --- contact-info, failure details (6, 7, 8, 9, 10, 15, 16)
    CONTACT_INFO_MISSING("contact-info-missing", "contact-info was null or absent [6]"),
    FAILURE_DETAILS_ABSENT("failure-details-absent", "a policy had no failure-details key [6]"),
    FAILURE_DETAILS_EMPTY("failure-details-empty", "a policy had \"failure-details\": [] [6]"),
    FAILURE_DETAIL_WITHOUT_ADDRESSES("failure-detail-without-addresses",
        "a failure-details entry had no IP address and no host name [7]"),
    FAILURE_DETAIL_SKIPPED("failure-detail-skipped", "a failure-details element was not an object; skipped"),
    FAILURE_COUNTS_EXCEED_SUMMARY("failure-counts-exceed-summary",
        "failure-details counts add up to more than total-failure-session-count; kept as sent [8]"),
    FAILURE_REASON_FREE_TEXT("failure-reason-free-text",
        "failure-reason-code is free text (Go error, SMTP reply) rather than a code; kept verbatim [9]"),
    RESULT_TYPE_UNKNOWN("result-type-unknown", "result-type is not in the IANA registry; kept verbatim [10]"),
    RESULT_TYPE_MISSING("result-type-missing", "a failure-details entry had no result-type; recorded as \"unspecified\""),
    ADDITIONAL_INFORMATION_SPACES("additional-information-spaces",
        "additional-information is not a plain URI (holds spaces); kept verbatim [15]"),
    IP_ADDRESS_INVALID("ip-address-invalid",
        "sending-mta-ip or receiving-ip is not an IPv4/IPv6 literal (e.g. x.x.x.x); kept verbatim [16]"),
    COUNT_NEGATIVE("count-negative", "a session count was negative; clamped to 0 [16]"),
    COUNT_NOT_INTEGER("count-not-integer",
        "a session count was a fraction, a string or out of range (negative or above 10^12); truncated, parsed or"
            + " clamped (0 if unreadable) [16]"),
    SESSION_COUNT_MISSING("session-count-missing",
        "a session count (a summary total or failed-session-count) was absent or null; read as 0"),
    VALUE_TYPE_COERCED("value-type-coerced", "a string field held a number or boolean (or a list); converted to text"),
    TEXT_CONTROL_CHARACTERS("text-control-characters",
        "a string field held control characters (line breaks, terminal escapes, bidirectional overrides); line breaks "
            + "and tabs replaced by spaces, the others by U+FFFD, so that no terminal, mail or page shows them"),

    // --- report-id, mail headers (11, 12)
    REPORT_ID_TRAILING_PLUS("report-id-trailing-plus", "report-id ends in '+' (Microsoft); kept verbatim [11]"),
    SUBJECT_REPORT_ID_MISMATCH("subject-report-id-mismatch",
        "the subject's Report-ID differs from the JSON report-id; the JSON wins [11]"),
    SUBJECT_REPORT_ID_UNBRACKETED("subject-report-id-unbracketed", "the subject's Report-ID lacks the <...@...> form [11]"),
    SUBJECT_REPORT_ID_MISSING("subject-report-id-missing", "the mail subject carries no Report-ID"),
    TLS_REPORT_HEADERS_MISSING("tls-report-headers-missing", "TLS-Report-Domain or TLS-Report-Submitter header is missing"),
    SUBMITTER_MISMATCH("submitter-mismatch",
        "TLS-Report-Submitter does not match the contact-info domain [12]"),
    DKIM_SIGNATURE_MISSING("dkim-signature-missing", "the mail has no DKIM-Signature header (the RFC says to ignore it)"),
    DKIM_TLS_HEADERS_UNSIGNED("dkim-tls-headers-unsigned",
        "the DKIM signature does not cover TLS-Report-Domain/TLS-Report-Submitter [12]"),

    // --- mail structure and media types (13, 14)
    NOT_MULTIPART_REPORT("not-multipart-report", "the mail is not multipart/report; report-type=tlsrpt"),
    HUMAN_PART_HTML("human-part-html", "the human-readable part is text/html [13]"),
    EXTRA_PART_AFTER_REPORT("extra-part-after-report", "a MIME part follows the report attachment [13]"),
    NON_STANDARD_MEDIA_TYPE("non-standard-media-type",
        "the report came as application/tlsrpt, +zip, application/json, octet-stream, ... [14]"),
    MEDIA_TYPE_MISMATCH("media-type-mismatch", "the declared type or file name disagrees with the content; the content wins"),
    ZIP_ARCHIVE("zip-archive", "the report came inside a zip archive [14]"),

    // --- payload framing
    MULTIPLE_REPORTS_IN_PAYLOAD("multiple-reports-in-payload",
        "one payload held several reports (a JSON array or concatenated objects)"),
    TRAILING_DATA("trailing-data", "bytes after the JSON report were ignored"),
    LEADING_PADDING("leading-padding", "NUL bytes before the JSON were skipped"),
    UNDECODABLE_PART_SKIPPED("undecodable-part-skipped",
        "another part or archive entry of the same input could not be decoded (logged); this report was kept");

    private final String code;
    private final String description;

    Deviation(String code, String description) {
        this.code = code;
        this.description = description;
    }

    /** The stable kebab-case code stored in {@code TlsReport.deviations}. */
    public String code() {
        return code;
    }

    /** One line for people: what was seen and what the decoder did. */
    public String description() {
        return description;
    }

    /** The deviation with this code, or null. */
    public static Deviation fromCode(String code) {
        for (Deviation deviation : values()) {
            if (deviation.code.equals(code)) {
                return deviation;
            }
        }
        return null;
    }
}
