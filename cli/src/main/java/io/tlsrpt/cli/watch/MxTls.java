package io.tlsrpt.cli.watch;

import io.tlsrpt.cli.check.SmtpTlsProbe;
import java.time.Instant;
import java.util.Objects;

/**
 * What the probe of one MX host found (see {@link SmtpTlsProbe}).
 *
 * @param outcome tls, no-starttls, tls-failed, unreachable
 * @param notAfter the certificate's expiry (null unless tls)
 */
record MxTls(String host, String outcome, Instant notAfter, boolean trusted, boolean nameMatches, String detail) {

    MxTls {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(outcome, "outcome");
    }

    static MxTls of(SmtpTlsProbe.Result r) {
        return new MxTls(r.host(), r.outcome().code(), r.notAfter(), r.trusted(), r.nameMatches(), r.detail());
    }

    boolean tls() {
        return SmtpTlsProbe.Outcome.TLS.code().equals(outcome);
    }

    boolean unreachable() {
        return SmtpTlsProbe.Outcome.UNREACHABLE.code().equals(outcome);
    }

    /** What a change of it means, for the posture's changes (the detail text aside). */
    String summary() {
        return host + " " + outcome + (tls() ? " until " + notAfter + (trusted ? "" : " untrusted")
            + (nameMatches ? "" : " name-mismatch") : "");
    }
}
