package io.tlsrpt.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.tlsrpt.testkafka.TestCertificateAuthority;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real TLS handshakes with a JDK HTTPS server presenting the certificate, before and after its files change. */
class ServerCertificateTest {

    @TempDir
    Path dir;

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-02T12:00:00Z"));
    private final InstantSource clock = now::get;
    private TestCertificateAuthority authority;
    private HttpsServer server;

    @BeforeEach
    void authority() throws Exception {
        authority = new TestCertificateAuthority(dir);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void servesARenewedCertificateAfterItsFilesChangeAndKeepsTheOldOneWhenTheNewPairDoesNotMatch() throws Exception {
        TestCertificateAuthority.PemPair files = authority.pemPair("server");
        ServerCertificate certificate = ServerCertificate.fromPem(files.certificate(), files.key(), clock);
        serve(certificate);
        BigInteger first = served();
        assertThat(first).isEqualTo(leaf(files).getSerialNumber());
        assertThat(certificate.certificate()).isEqualTo(leaf(files));

        renew();
        assertThat(served()).as("not looked at again within the interval").isEqualTo(first);
        later();
        BigInteger second = served();
        assertThat(second).isNotEqualTo(first).isEqualTo(leaf(files).getSerialNumber());
        assertThat(certificate.reloadsApplied()).isEqualTo(1);

        // the certificate written, the key not yet: refused, the renewed pair stays in force (warned about once)
        TestCertificateAuthority.PemPair other = authority.pemPair("other");
        Files.copy(other.certificate(), files.certificate(), StandardCopyOption.REPLACE_EXISTING);
        touch(files);
        later();
        assertThat(served()).isEqualTo(second);
        later();
        assertThat(served()).isEqualTo(second);
        assertThat(certificate.reloadsRefused()).isEqualTo(1);

        // the key follows: the new pair is served
        Files.copy(other.key(), files.key(), StandardCopyOption.REPLACE_EXISTING);
        touch(files);
        later();
        assertThat(served()).isEqualTo(leaf(files).getSerialNumber()).isNotEqualTo(second);
        assertThat(certificate.reloadsApplied()).isEqualTo(2);
    }

    @Test
    void aKeystoreRenewedInPlaceIsServedToo() throws Exception {
        Path keystore = authority.keystore("intake", true);
        char[] password = TestCertificateAuthority.KEYSTORE_PASSWORD.toCharArray();
        ServerCertificate certificate = ServerCertificate.fromKeyStore(keystore, "PKCS12", password, password, clock);
        serve(certificate);
        BigInteger first = served();
        assertThat(first).isEqualTo(certificate.certificate().getSerialNumber());

        // a keystore that cannot be opened (a wrong password's, a half-written file) is refused
        Files.write(keystore, new byte[] {1, 2, 3});
        later();
        assertThat(served()).isEqualTo(first);
        assertThat(certificate.reloadsRefused()).isEqualTo(1);

        authority.keystore("intake", true);
        Files.setLastModifiedTime(keystore, FileTime.from(Instant.now().plusSeconds(60)));
        later();
        assertThat(served()).isNotEqualTo(first).isEqualTo(certificate.certificate().getSerialNumber());
        assertThat(certificate.reloadsApplied()).isEqualTo(1);
    }

    @Test
    void aClientThatDoesNotTrustTheAuthorityIsRefused() throws Exception {
        TestCertificateAuthority.PemPair files = authority.pemPair("server");
        serve(ServerCertificate.fromPem(files.certificate(), files.key(), clock));
        HttpClient stranger = HttpClient.newBuilder().sslContext(TrustedCertificates.clientContext(
                new TestCertificateAuthority(dir.resolve("elsewhere")).caCertificate())).build();

        assertThatThrownBy(() -> stranger.send(request(), HttpResponse.BodyHandlers.discarding()))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void refusesAKeyThatIsNotTheCertificates() throws Exception {
        TestCertificateAuthority.PemPair one = authority.pemPair("one");
        TestCertificateAuthority.PemPair two = authority.pemPair("two");

        assertThatThrownBy(() -> ServerCertificate.checkPem(one.certificate(), two.key()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the key of " + two.key() + " is not the key of the first certificate of "
                        + one.certificate() + " (CN=one)");
        ServerCertificate.checkPem(one.certificate(), one.key());
    }

    private void serve(ServerCertificate certificate) throws Exception {
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
        server.setHttpsConfigurator(new HttpsConfigurator(certificate.serverContext()));
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
    }

    /** The serial number of the certificate a new connection (a full handshake) is shown. */
    private BigInteger served() throws Exception {
        HttpClient client = HttpClient.newBuilder()
                .sslContext(TrustedCertificates.clientContext(authority.caCertificate())).build();
        HttpResponse<Void> response = client.send(request(), HttpResponse.BodyHandlers.discarding());
        assertThat(response.statusCode()).isEqualTo(204);
        return ((X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0]).getSerialNumber();
    }

    private HttpRequest request() {
        return HttpRequest.newBuilder(URI.create("https://localhost:" + server.getAddress().getPort() + "/")).build();
    }

    private void renew() throws Exception {
        touch(authority.pemPair("server"));
    }

    /** A later modification time, as a rotation a while after the last gives. */
    private void touch(TestCertificateAuthority.PemPair files) throws Exception {
        FileTime later = FileTime.from(Files.getLastModifiedTime(files.key()).toInstant().plusSeconds(60));
        Files.setLastModifiedTime(files.certificate(), later);
        Files.setLastModifiedTime(files.key(), later);
    }

    private void later() {
        now.set(now.get().plus(ServerCertificate.RECHECK_INTERVAL));
    }

    private static X509Certificate leaf(TestCertificateAuthority.PemPair files) {
        return PemFiles.certificates(files.certificate()).get(0);
    }
}
