package io.tlsrpt.processor.app;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tlsrpt.tls.RevokedCertificates;
import io.tlsrpt.tls.ServerCertificate;

/**
 * The HTTP server's certificate on {@code /metrics}: {@code tlsrpt_http_tls_certificate_not_after_seconds} (when the
 * certificate in force expires, for an alert before it lapses) and
 * {@code tlsrpt_http_tls_reloads_total{result="applied|failed"}}; with revoked client certificates,
 * {@code tlsrpt_http_tls_client_revoked_total}.
 */
public final class CertificateMeters {

    private CertificateMeters() {
    }

    /** Registers the meters of {@code certificate} and returns it. */
    public static ServerCertificate register(ServerCertificate certificate, MeterRegistry registry) {
        Gauge.builder("tlsrpt.http.tls.certificate.not.after", certificate,
                        c -> c.certificate().getNotAfter().toInstant().getEpochSecond())
                .description("When the certificate the HTTP server presents (http.tls.certificate.file) expires,"
                        + " as a Unix time")
                .baseUnit("seconds")
                .register(registry);
        String reloads = "Changed certificate and key files of the HTTP server read again and served (applied), or"
                + " refused, the pair before staying in force (failed)";
        FunctionCounter.builder("tlsrpt.http.tls.reloads", certificate, ServerCertificate::reloadsApplied)
                .description(reloads).tag("result", "applied").register(registry);
        FunctionCounter.builder("tlsrpt.http.tls.reloads", certificate, ServerCertificate::reloadsRefused)
                .description(reloads).tag("result", "failed").register(registry);
        return certificate;
    }

    /** Registers the count of handshakes refused for a revoked client certificate and returns {@code revoked}. */
    public static RevokedCertificates register(RevokedCertificates revoked, MeterRegistry registry) {
        FunctionCounter.builder("tlsrpt.http.tls.client.revoked", revoked, RevokedCertificates::refused)
                .description("Handshakes of the queries refused because the client presented a certificate the"
                        + " revocation lists of http.tls.client.crl.file list: a revoked (leaked) certificate in use")
                .register(registry);
        return revoked;
    }
}
