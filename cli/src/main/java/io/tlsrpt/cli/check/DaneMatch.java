package io.tlsrpt.cli.check;

import java.util.Objects;

/**
 * How the certificate chain an MX host presented compares with its TLSA records (RFC 7672 section 3), as a DANE
 * sender would judge it.
 *
 * @param matched the TLSA record it matched, as "usage selector matching-type" (null unless {@link Verdict#MATCH})
 * @param detail one sentence saying why
 */
public record DaneMatch(Verdict verdict, String matched, String detail) {

    /** The judgement. */
    public enum Verdict {
        /** A usable TLSA record matches: DANE senders deliver. */
        MATCH("match"),
        /** Usable TLSA records, none of which the chain satisfies: DANE senders defer the mail (tlsa-invalid). */
        MISMATCH("mismatch"),
        /**
         * No usable TLSA record (RFC 7672 section 3.1.3: only usages 2 and 3, selectors 0 and 1, matching types 0 to
         * 2): DANE senders still require TLS but authenticate nothing.
         */
        UNUSABLE("unusable");

        private final String code;

        Verdict(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    public DaneMatch {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(detail, "detail");
    }
}
