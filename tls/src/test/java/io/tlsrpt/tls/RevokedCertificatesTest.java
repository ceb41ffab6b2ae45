package io.tlsrpt.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.tlsrpt.testkafka.TestCertificateAuthority;
import java.io.IOException;
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
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client certificates refused once revoked: real TLS handshakes with a JDK HTTPS server asking its clients for
 * certificates of a CA, with that CA's revocation list, before and after the list is published again.
 */
class RevokedCertificatesTest {

    @TempDir
    Path dir;

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-03T12:00:00Z"));
    private final InstantSource clock = now::get;
    private TestCertificateAuthority authority;
    private HttpsServer server;

    @BeforeEach
    void authority() throws Exception {
        authority = new TestCertificateAuthority(dir.resolve("ca"));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void aRevokedClientCertificateIsRefusedAndOneRevokedLaterOnceTheListIsPublishedAgain() throws Exception {
        TestCertificateAuthority.PemPair portal = authority.pemPair("portal");
        TestCertificateAuthority.PemPair leaked = authority.pemPair("leaked");
        Path crl = authority.crl("clients", Duration.ofDays(7), leaf(leaked));
        TestCertificateAuthority.PemPair serverPair = authority.pemPair("server");
        RevokedCertificates revoked = new RevokedCertificates(crl, PemFiles.certificates(authority.caCertificate()),
                clock);
        serve(ServerCertificate.fromPem(serverPair.certificate(), serverPair.key(), clock)
                .serverContext(authority.caCertificate(), revoked));

        assertThat(status(portal)).isEqualTo(204);
        assertThatThrownBy(() -> status(leaked)).as("revoked: no connection").isInstanceOf(IOException.class);
        // each handshake refused is counted (the JDK's client tries one request's connection more than once)
        long refusedLeaked = revoked.refused();
        assertThat(refusedLeaked).as("counted").isPositive();
        assertThat(status(portal)).isEqualTo(204);
        assertThat(revoked.refused()).as("an accepted certificate counts nothing").isEqualTo(refusedLeaked);

        // the portal's certificate revoked too: the list published again, looked at after the recheck interval
        Path again = authority.crl("clients", Duration.ofDays(7), leaf(leaked), leaf(portal));
        Files.setLastModifiedTime(again, FileTime.from(Files.getLastModifiedTime(again).toInstant().plusSeconds(60)));
        assertThat(status(portal)).as("not looked at again yet").isEqualTo(204);
        now.set(now.get().plus(RevokedCertificates.RECHECK_INTERVAL));
        assertThatThrownBy(() -> status(portal)).isInstanceOf(IOException.class);
        assertThat(status(authority.pemPair("another"))).as("a certificate the list does not name").isEqualTo(204);
        assertThat(revoked.refused()).isGreaterThan(refusedLeaked);
    }

    @Test
    void aListTheAuthorityDidNotSignIsRefusedAndOneThatCannotBeReadAgainLeavesTheOldInForce() throws Exception {
        TestCertificateAuthority.PemPair leaked = authority.pemPair("leaked");
        // another CA of the same name: its list names the issuer, but its signature is not the authority's
        TestCertificateAuthority impostor = new TestCertificateAuthority(dir.resolve("impostor"));
        Path forged = impostor.crl("forged", Duration.ofDays(7), leaf(leaked));
        assertThatThrownBy(() -> new RevokedCertificates(forged, PemFiles.certificates(authority.caCertificate()),
                clock)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not signed by an authority of the clients' certificates");
        Path notAList = Files.writeString(dir.resolve("empty.crl"), "");
        assertThatThrownBy(() -> new RevokedCertificates(notAList, PemFiles.certificates(authority.caCertificate()),
                clock)).isInstanceOf(IllegalArgumentException.class);

        Path crl = authority.crl("clients", Duration.ofDays(7), leaf(leaked));
        RevokedCertificates revoked = new RevokedCertificates(crl, PemFiles.certificates(authority.caCertificate()),
                clock);
        assertThat(revoked.revoked(leaf(leaked))).isTrue();
        assertThat(revoked.listed()).isEqualTo(1);
        Files.copy(forged, crl, StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(crl, FileTime.from(Instant.now().plusSeconds(120)));
        now.set(now.get().plus(RevokedCertificates.RECHECK_INTERVAL));
        assertThat(revoked.revoked(leaf(leaked))).as("the forged list refused, the one before in force").isTrue();
    }

    @Test
    void aListPastItsNextUpdateStillRevokesWhatItLists() throws Exception {
        TestCertificateAuthority.PemPair leaked = authority.pemPair("leaked");
        Path overdue = authority.crl("overdue", Duration.ofDays(-1), leaf(leaked));
        RevokedCertificates revoked = new RevokedCertificates(overdue,
                PemFiles.certificates(authority.caCertificate()), clock);
        assertThat(revoked.revoked(leaf(leaked))).isTrue();
        assertThat(revoked.revoked(leaf(authority.pemPair("fine")))).isFalse();
    }

    private void serve(SSLContext tls) throws Exception {
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
        server.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters parameters = tls.getDefaultSSLParameters();
                parameters.setNeedClientAuth(true);
                params.setSSLParameters(parameters);
            }
        });
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
    }

    /** A new client presenting {@code client}'s certificate (a full handshake, no session to resume): its status. */
    private int status(TestCertificateAuthority.PemPair client) throws Exception {
        SSLContext tls = ServerCertificate.fromPem(client.certificate(), client.key(), clock)
                .clientContext(authority.caCertificate());
        HttpClient http = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();
        return http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.getAddress().getPort()
                + "/")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static X509Certificate leaf(TestCertificateAuthority.PemPair files) {
        return PemFiles.certificates(files.certificate()).get(0);
    }
}
