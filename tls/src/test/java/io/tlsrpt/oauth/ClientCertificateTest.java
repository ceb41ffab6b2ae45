package io.tlsrpt.oauth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.testkafka.TestCertificateAuthority;
import io.tlsrpt.testkafka.TestTokenEndpoint;
import io.tlsrpt.tls.PemFiles;
import io.tlsrpt.tls.TrustedCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A client's certificate credential (Entra ID's, RFC 7523 section 2.2) against a real HTTPS token endpoint: the
 * client assertion names the certificate by its thumbprints, is for the endpoint, and is signed by its key; no
 * secret is sent.
 */
class ClientCertificateTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-12-03T19:30:00Z");

    @TempDir
    Path dir;

    @Test
    void theEndpointGetsAnAssertionTheCertificatesKeySigned() throws Exception {
        TestCertificateAuthority authority = new TestCertificateAuthority(dir.resolve("client-ca"));
        TestCertificateAuthority.PemPair pair = authority.rsaPemPair("tlsrpt-mail-reader");
        ClientCertificate credential = ClientCertificate.read(pair.certificate(), pair.key());
        assertThat(credential.toString()).startsWith("client certificate CN=tlsrpt-mail-reader, serial ")
                .doesNotContain("PRIVATE");
        try (TestTokenEndpoint endpoint = new TestTokenEndpoint(dir.resolve("pki"),
                request -> TestTokenEndpoint.bearer("eyJ.tok", 3599))) {
            TokenEndpoint tokens = TokenEndpoint.forClient(endpoint.uri(), "app-1", () -> "", () -> credential, "",
                    "https://outlook.office365.com/.default", ClientGrant.ClientAuthentication.POST,
                    TrustedCertificates.clientContext(endpoint.caFile()), Duration.ofSeconds(10), () -> NOW);
            assertThat(tokens.current().value()).isEqualTo("eyJ.tok");

            Map<String, String> form = endpoint.requests().get(0).form();
            assertThat(form).containsOnlyKeys("grant_type", "client_id", "scope", "client_assertion_type",
                    "client_assertion").containsEntry("grant_type", "client_credentials")
                    .containsEntry("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
            String[] jwt = form.get("client_assertion").split("\\.");
            X509Certificate certificate = PemFiles.certificates(pair.certificate()).get(0);
            JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(jwt[0]));
            assertThat(header.path("alg").asText()).isEqualTo("RS256");
            assertThat(header.path("x5t").asText()).isEqualTo(Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(MessageDigest.getInstance("SHA-1").digest(certificate.getEncoded())));
            assertThat(header.path("x5t#S256").asText()).isEqualTo(Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded())));
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(jwt[1]));
            assertThat(claims.path("aud").asText()).isEqualTo(endpoint.uri().toString());
            assertThat(claims.path("iss").asText()).isEqualTo("app-1");
            assertThat(claims.path("sub").asText()).isEqualTo("app-1");
            assertThat(claims.path("jti").asText()).hasSize(36);
            assertThat(claims.path("exp").asLong() - claims.path("iat").asLong()).isEqualTo(600);
            assertThat(claims.path("nbf").asLong()).isEqualTo(NOW.getEpochSecond());
            Signature verify = Signature.getInstance("SHA256withRSA");
            verify.initVerify(certificate.getPublicKey());
            verify.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
            assertThat(verify.verify(Base64.getUrlDecoder().decode(jwt[2]))).isTrue();

            tokens.rejected(tokens.current());
            tokens.current();
            assertThat(Map.of("first", form.get("client_assertion"), "second",
                    endpoint.requests().get(1).form().get("client_assertion"))).as("a new assertion (jti) each time")
                    .satisfies(both -> assertThat(both.get("first")).isNotEqualTo(both.get("second")));
        }
    }

    /**
     * A certificate credential renewed in place (cert-manager writing the pair): the next request signs with the new
     * key and names the new certificate; a moment where only the certificate is new (its key not yet written) keeps
     * the old pair in force until the key follows.
     */
    @Test
    void aCredentialRenewedInPlaceIsUsedFromTheNextRequest() throws Exception {
        TestCertificateAuthority authority = new TestCertificateAuthority(dir.resolve("client-ca"));
        TestCertificateAuthority.PemPair first = authority.rsaPemPair("reader-2026");
        TestCertificateAuthority.PemPair renewed = authority.rsaPemPair("reader-2027");
        Path certificate = Files.copy(first.certificate(), dir.resolve("tls.crt"));
        Path key = Files.copy(first.key(), dir.resolve("tls.key"));
        AtomicReference<Instant> now = new AtomicReference<>(NOW);
        Supplier<ClientCertificate> credential = ClientCertificate.reloaded(certificate, key, now::get);
        assertThat(credential.get().toString()).contains("CN=reader-2026");

        Files.copy(renewed.certificate(), certificate, StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(certificate, FileTime.from(NOW.plusSeconds(60)));
        now.set(NOW.plus(ClientCertificate.RELOAD_INTERVAL));
        assertThat(credential.get().toString()).as("the new certificate without its key yet: the old pair")
                .contains("CN=reader-2026");
        Files.copy(renewed.key(), key, StandardCopyOption.REPLACE_EXISTING);
        assertThat(credential.get().toString()).as("not looked at again within the interval").contains("CN=reader-2026");
        now.set(NOW.plus(ClientCertificate.RELOAD_INTERVAL.multipliedBy(2)));
        ClientCertificate current = credential.get();
        assertThat(current.toString()).contains("CN=reader-2027");
        assertThat(current.certificate()).isEqualTo(PemFiles.certificates(renewed.certificate()).get(0));
        assertThat(PemFiles.belongTogether(current.key(), current.certificate())).isTrue();
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefused() throws Exception {
        TestCertificateAuthority authority = new TestCertificateAuthority(dir.resolve("client-ca"));
        TestCertificateAuthority.PemPair one = authority.rsaPemPair("one");
        TestCertificateAuthority.PemPair other = authority.rsaPemPair("other");
        assertThatThrownBy(() -> ClientCertificate.read(one.certificate(), other.key()))
                .hasMessageContaining("not the key of " + one.certificate());
        TestCertificateAuthority.PemPair ec = authority.pemPair("ec");
        assertThatThrownBy(() -> ClientCertificate.read(ec.certificate(), ec.key()))
                .hasMessageContaining("not an RSA key");
    }
}
