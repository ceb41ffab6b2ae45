package io.tlsrpt.oauth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.testkafka.TestCertificateAuthority;
import io.tlsrpt.testkafka.TestTokenEndpoint;
import io.tlsrpt.tls.TrustedCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyPair;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A Google service account's grant against a real HTTPS token endpoint: the assertion the endpoint gets is a JWT
 * signed by the account's key (checked here with its public key) for the mailbox, the scope and the endpoint.
 */
class ServiceAccountGrantTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-12-03T19:00:00Z");

    @TempDir
    Path dir;

    private final KeyPair keys = JwtVerifierTest.rsa();

    private Path keyFile(String name, Map<String, String> fields) throws Exception {
        return Files.writeString(dir.resolve(name), JSON.writeValueAsString(fields));
    }

    /** A key rotated in place (a secret manager writing the new key file) signs from the next assertion on. */
    @Test
    void aKeyFileRotatedInPlaceSignsTheNextAssertion() throws Exception {
        Path file = keyFile("key.json", fields("https://oauth2.googleapis.com/token"));
        AtomicReference<Instant> now = new AtomicReference<>(NOW);
        Supplier<ServiceAccountKey> key = ServiceAccountKey.reloaded(file, now::get);
        ServiceAccountGrant grant = new ServiceAccountGrant(key, "tlsrpt@example.org", "https://mail.google.com/");
        assertThat(kid(grant.assertion(NOW))).isEqualTo("3f1c0ffee");

        KeyPair rotated = JwtVerifierTest.rsa();
        Map<String, String> next = new java.util.HashMap<>(fields("https://oauth2.googleapis.com/token"));
        next.put("private_key_id", "4a2d0ffee");
        next.put("private_key", TestCertificateAuthority.pem("PRIVATE KEY", rotated.getPrivate().getEncoded()));
        Files.writeString(file, "{broken");
        Files.setLastModifiedTime(file, FileTime.from(NOW.plusSeconds(30)));
        now.set(NOW.plus(ClientCertificate.RELOAD_INTERVAL));
        assertThat(kid(grant.assertion(now.get()))).as("a half-written file: the key read before").isEqualTo("3f1c0ffee");
        keyFile("key.json", next);
        Files.setLastModifiedTime(file, FileTime.from(NOW.plusSeconds(90)));
        now.set(NOW.plus(ClientCertificate.RELOAD_INTERVAL.multipliedBy(2)));
        String[] jwt = grant.assertion(now.get()).split("\\.");
        assertThat(kid(String.join(".", jwt))).isEqualTo("4a2d0ffee");
        Signature verify = Signature.getInstance("SHA256withRSA");
        verify.initVerify(rotated.getPublic());
        verify.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(verify.verify(Base64.getUrlDecoder().decode(jwt[2]))).as("signed by the new key").isTrue();
    }

    private static String kid(String jwt) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[0])).path("kid").asText();
    }

    private Map<String, String> fields(String tokenUri) {
        return Map.of("type", "service_account", "project_id", "tlsrpt-mail",
                "private_key_id", "3f1c0ffee", "client_email", "reader@tlsrpt-mail.iam.gserviceaccount.com",
                "client_id", "1093", "token_uri", tokenUri,
                "private_key", TestCertificateAuthority.pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
    }

    @Test
    void theEndpointGetsASignedAssertionForTheMailbox() throws Exception {
        try (TestTokenEndpoint endpoint = new TestTokenEndpoint(dir.resolve("pki"),
                request -> TestTokenEndpoint.bearer("ya29.c.tok", 3599))) {
            ServiceAccountKey key = ServiceAccountKey.read(keyFile("key.json", fields(endpoint.uri().toString())));
            assertThat(key.toString()).isEqualTo("service account reader@tlsrpt-mail.iam.gserviceaccount.com "
                    + "(key 3f1c0ffee)").doesNotContain("PRIVATE");
            TokenEndpoint tokens = TokenEndpoint.forServiceAccount(() -> key, "tlsrpt@example.org", "",
                    TrustedCertificates.clientContext(endpoint.caFile()), Duration.ofSeconds(10), () -> NOW);

            assertThat(tokens.current().value()).isEqualTo("ya29.c.tok");
            Map<String, String> form = endpoint.requests().get(0).form();
            assertThat(form).containsOnlyKeys("grant_type", "assertion")
                    .containsEntry("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer");
            String[] jwt = form.get("assertion").split("\\.");
            assertThat(jwt).hasSize(3);
            JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(jwt[0]));
            assertThat(header.path("alg").asText()).isEqualTo("RS256");
            assertThat(header.path("kid").asText()).isEqualTo("3f1c0ffee");
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(jwt[1]));
            assertThat(claims.path("iss").asText()).isEqualTo("reader@tlsrpt-mail.iam.gserviceaccount.com");
            assertThat(claims.path("sub").asText()).isEqualTo("tlsrpt@example.org");
            assertThat(claims.path("scope").asText()).isEqualTo("https://mail.google.com/");
            assertThat(claims.path("aud").asText()).isEqualTo(endpoint.uri().toString());
            assertThat(claims.path("iat").asLong()).isEqualTo(NOW.getEpochSecond());
            assertThat(claims.path("exp").asLong()).isEqualTo(NOW.getEpochSecond() + 3600);
            Signature verify = Signature.getInstance("SHA256withRSA");
            verify.initVerify(keys.getPublic());
            verify.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
            assertThat(verify.verify(Base64.getUrlDecoder().decode(jwt[2]))).as("signed by the account's key").isTrue();
            assertThat(tokens.describe()).contains("jwt-bearer").doesNotContain("PRIVATE");
        }
    }

    @Test
    void aKeyFileThatIsNoServiceAccountsIsNamed() throws Exception {
        String uri = "https://oauth2.googleapis.com/token";
        Map<String, String> user = new java.util.HashMap<>(fields(uri));
        user.put("type", "authorized_user");
        assertThatThrownBy(() -> ServiceAccountKey.read(keyFile("user.json", user)))
                .hasMessageContaining("type authorized_user, not service_account");
        Map<String, String> plain = new java.util.HashMap<>(fields("http://oauth2.example/token"));
        assertThatThrownBy(() -> ServiceAccountKey.read(keyFile("http.json", plain)))
                .hasMessageContaining("token_uri must be an https URL");
        Map<String, String> noKey = new java.util.HashMap<>(fields(uri));
        noKey.remove("private_key");
        assertThatThrownBy(() -> ServiceAccountKey.read(keyFile("nokey.json", noKey)))
                .hasMessageContaining("no private_key");
        Map<String, String> pkcs1 = new java.util.HashMap<>(fields(uri));
        pkcs1.put("private_key", "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        assertThatThrownBy(() -> ServiceAccountKey.read(keyFile("pkcs1.json", pkcs1)))
                .hasMessageContaining("unencrypted PKCS#8 key");
        assertThatThrownBy(() -> ServiceAccountKey.read(Files.writeString(dir.resolve("list.json"), "[1]")))
                .hasMessageContaining("not a service account key file");
        // a key the file lost its quotes around: the message (logged when a rotated file is read) does not quote it
        assertThatThrownBy(() -> ServiceAccountKey.read(Files.writeString(dir.resolve("unquoted.json"),
                "{\"type\": \"service_account\",\n \"private_key\": MIIEvQIBADANBgkqhkiG9w0BAQEFAASC}")))
                .hasMessage(dir.resolve("unquoted.json") + ": not a service account key file (no JSON object, "
                        + "unreadable at line 2 column 17)")
                .hasNoCause();   // nor its causes, which a failing connector task's log prints
    }

    @Test
    void jsonStringsAreEscaped() {
        assertThat(Jwt.quoted("a\"b\\c\nd")).isEqualTo("\"a\\\"b\\\\c\\u000ad\"");
    }
}
