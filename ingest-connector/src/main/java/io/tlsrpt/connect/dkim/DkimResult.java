package io.tlsrpt.connect.dkim;

import java.util.Locale;

/**
 * The verdict on one mail, as the raw record's {@code tlsrpt.dkim} header gives it:
 * {@code <status> [d=<domain> s=<selector>] [(<reason>)]}, e.g. {@code pass d=google.com s=20230601} or
 * {@code fail d=example.com s=sel (body hash mismatch)}. The status words are RFC 8601's.
 */
public record DkimResult(Status status, String domain, String selector, String reason) {

    /** RFC 8601 section 2.7.1. */
    public enum Status {
        /** A signature verified. */
        PASS,
        /** A signature did not verify: the mail or the signature was changed, or it expired. */
        FAIL,
        /** A signature or its key is unusable: syntax, no key, a revoked or too short key, a forbidden tag. */
        PERMERROR,
        /** The key could not be fetched now (DNS); the same mail may verify later. */
        TEMPERROR,
        /** The mail has no DKIM-Signature. */
        NONE;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static DkimResult none() {
        return new DkimResult(Status.NONE, null, null, "no DKIM-Signature");
    }

    /** The header value. */
    public String header() {
        StringBuilder sb = new StringBuilder(status.code());
        if (domain != null) {
            sb.append(" d=").append(domain).append(" s=").append(selector);
        }
        if (reason != null && status != Status.PASS) {
            sb.append(" (").append(reason).append(')');
        }
        return sb.toString();
    }
}
