package io.tlsrpt.processor.app;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tlsrpt.tls.ServerCertificate;

/**
 * The HTTP server's certificate on {@code /metrics}: {@code tlsrpt_http_tls_certificate_not_after_seconds} (when the
 * certificate in force expires, for an alert before it lapses) and
 * {@code tlsrpt_http_tls_reloads_total{result="applied|failed"}}.
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
}
