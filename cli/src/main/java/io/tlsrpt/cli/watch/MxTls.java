package io.tlsrpt.cli.watch;

import io.tlsrpt.cli.check.DaneMatch;
import io.tlsrpt.cli.check.SmtpTlsProbe;
import java.time.Instant;
import java.util.Objects;

/**
 * What the probe of one MX host found (see {@link SmtpTlsProbe}).
 *
 * @param outcome tls, no-starttls, tls-failed, unreachable
 * @param address the address probed (null when the host has none)
 * @param notAfter the certificate's expiry (null unless tls)
 * @param dane its certificate against its TLSA records: match, mismatch, unusable (null: no TLSA records, or no TLS)
 * @param daneMatched the TLSA record matched, as "usage selector matching-type" (null unless a match)
 * @param daneDetail why, in a sentence (null with {@code dane})
 */
record MxTls(String host, String address, String outcome, Instant notAfter, boolean trusted, boolean nameMatches, String detail,
             String dane, String daneMatched, String daneDetail) {

    MxTls {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(outcome, "outcome");
    }

    static MxTls of(SmtpTlsProbe.Result r) {
        return new MxTls(r.host(), r.address(), r.outcome().code(), r.notAfter(), r.trusted(), r.nameMatches(), r.detail(),
            r.dane() == null ? null : r.dane().verdict().code(), r.dane() == null ? null : r.dane().matched(),
            r.dane() == null ? null : r.dane().detail());
    }

    boolean tls() {
        return SmtpTlsProbe.Outcome.TLS.code().equals(outcome);
    }

    /** Its certificate matches none of its usable TLSA records. */
    boolean daneMismatch() {
        return DaneMatch.Verdict.MISMATCH.code().equals(dane);
    }

    /** Its certificate matches a DANE-EE (usage 3) TLSA record: DANE senders check neither its names nor its dates. */
    boolean daneEeMatch() {
        return DaneMatch.Verdict.MATCH.code().equals(dane) && daneMatched != null && daneMatched.startsWith("3 ");
    }

    boolean unreachable() {
        return SmtpTlsProbe.Outcome.UNREACHABLE.code().equals(outcome);
    }

    /** The host, and its address when it has one: "mx.example.org at 192.0.2.1". */
    String where() {
        return address == null ? host : host + " at " + address;
    }

    /** What a change of it means, for the posture's changes (the detail text aside). */
    String summary() {
        return where() + " " + outcome + (tls() ? " until " + notAfter + (trusted ? "" : " untrusted")
            + (nameMatches ? "" : " name-mismatch") + (dane == null ? "" : " dane-" + dane) : "");
    }
}
