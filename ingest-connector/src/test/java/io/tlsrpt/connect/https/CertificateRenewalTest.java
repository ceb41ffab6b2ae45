package io.tlsrpt.connect.https;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tlsrpt.testkafka.TestCertificateAuthority;
import io.tlsrpt.tls.TrustedCertificates;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The receiver's keystore renewed in place (a mounted secret cert-manager rotates): served from the next connection
 * on without restarting the task, and the expiry of the certificate in force on the connector's metrics. The
 * receiver looks at the file every 10 s of wall time, so this test takes that long.
 */
class CertificateRenewalTest {

    @TempDir
    Path dir;

    @Test
    void aRenewedKeystoreIsServedWithoutARestart() throws Exception {
        TestCertificateAuthority authority = new TestCertificateAuthority(dir);
        Path keystore = authority.keystore("intake", true);
        HttpClient client = HttpClient.newBuilder()
                .sslContext(TrustedCertificates.clientContext(authority.caCertificate())).build();
        try (ReceiverUnderTest r = new ReceiverUnderTest(keystore, Map.of(
                "https.keystore.password", TestCertificateAuthority.KEYSTORE_PASSWORD))) {
            X509Certificate first = served(client, r);
            assertThat(metric(r, "https-certificate-not-after-seconds", null))
                    .isEqualTo((double) first.getNotAfter().toInstant().getEpochSecond());

            authority.keystore("intake", true);
            Files.setLastModifiedTime(keystore, FileTime.from(Instant.now().plusSeconds(60)));
            X509Certificate renewed = await("the renewed certificate served").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(500)).until(() -> served(newClient(authority), r),
                            c -> !c.getSerialNumber().equals(first.getSerialNumber()));
            assertThat(metric(r, "https-certificate-reloads-total", "applied")).isEqualTo(1.0);
            assertThat(metric(r, "https-certificate-reloads-total", "failed")).isZero();
            assertThat(metric(r, "https-certificate-not-after-seconds", null))
                    .isEqualTo((double) renewed.getNotAfter().toInstant().getEpochSecond());
        }
    }

    /** A client of its own: a new connection, a full handshake. */
    private static HttpClient newClient(TestCertificateAuthority authority) {
        return HttpClient.newBuilder().sslContext(TrustedCertificates.clientContext(authority.caCertificate()))
                .build();
    }

    private static X509Certificate served(HttpClient client, ReceiverUnderTest r) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:"
                + r.port() + "/elsewhere")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(404);
        return (X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0];
    }

    private static double metric(ReceiverUnderTest r, String name, String result) {
        for (Metric m : r.metrics.metrics().values()) {
            if (m.metricName().name().equals(name)
                    && (result == null || result.equals(m.metricName().tags().get("result")))) {
                return ((Number) m.metricValue()).doubleValue();
            }
        }
        throw new AssertionError("no metric " + name + " " + r.metrics.metrics().keySet());
    }
}
