package io.tlsrpt.oauth;

import io.tlsrpt.testkafka.TestTokenEndpoint;
import io.tlsrpt.tls.TrustedCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An identity provider's access tokens checked against its key set, served by a real HTTPS endpoint, on a clock the
 * test moves.
 */
class JwtVerifierTest {
    static final String ISSUER = "https://login.example/tenant/v2.0";
    static final String AUDIENCE = "api://tlsrpt-queries";

    @TempDir
    Path dir;

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-03T20:00:00Z"));
    private final InstantSource clock = now::get;
    private final KeyPair first = rsa();
    private final KeyPair rolled = rsa();
    private TestTokenEndpoint provider;
    private JwtVerifier verifier;

    static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A key set's JSON holding these keys, {@code kid} k1, k2, ... in order, and a member of another kind. */
    static String jwks(KeyPair... keys) {
        String set = TestTokenEndpoint.keySet(Arrays.stream(keys).map(k -> (RSAPublicKey) k.getPublic())
                .toArray(RSAPublicKey[]::new));
        return set.substring(0, set.length() - 1) + ",\"unrelated\":{\"x\":[1]}}";
    }

    /** A token signed by {@code key} as {@code kid}, with these claims' members (JSON text without braces). */
    static String token(KeyPair key, String kid, String claims) throws Exception {
        return Jwt.signed(",\"kid\":\"" + kid + "\"", "{" + claims + "}", key.getPrivate());
    }

    static String claims(Instant now, String more) {
        return "\"iss\":\"" + ISSUER + "\",\"aud\":\"" + AUDIENCE + "\",\"iat\":" + now.getEpochSecond() + ",\"nbf\":"
                + now.getEpochSecond() + ",\"exp\":" + now.plusSeconds(3600).getEpochSecond() + more;
    }

    @BeforeEach
    void start() throws Exception {
        provider = new TestTokenEndpoint(dir, request -> new TestTokenEndpoint.Answer(400, "{}"));
        provider.jwks(jwks(first));
        verifier = new JwtVerifier(ISSUER, AUDIENCE, new JsonWebKeys(provider.jwksUri(),
                TrustedCertificates.clientContext(provider.caFile()), Duration.ofSeconds(10), clock), clock);
    }

    @AfterEach
    void stop() {
        provider.close();
    }

    @Test
    void aTokenOfTheProviderForTheAudienceGivesItsClaims() throws Exception {
        var claims = verifier.verify(token(first, "k1", claims(now.get(),
                ",\"tlsrpt_tenant\":\"acme\",\"roles\":[\"tlsrpt.reader\",\"tlsrpt.operator\"]")));
        assertThat(claims.get("tlsrpt_tenant")).isEqualTo("acme");
        assertThat(claims.get("roles")).isEqualTo(List.of("tlsrpt.reader", "tlsrpt.operator"));
        // an audience among several; a minute's leeway either side
        verifier.verify(token(first, "k1", claims(now.get(), "").replace("\"aud\":\"" + AUDIENCE + "\"",
                "\"aud\":[\"api://other\",\"" + AUDIENCE + "\"]")));
        String expiring = token(first, "k1", claims(now.get().minusSeconds(3630), ""));
        verifier.verify(expiring);
        assertThat(provider.jwksRequests()).as("the key set read once").isEqualTo(1);
        assertThat(JwtVerifier.looksLikeJwt(expiring)).isTrue();
        assertThat(JwtVerifier.looksLikeJwt("0123456789abcdef-opaque")).isFalse();
    }

    @Test
    void tokensThatAreNotTheProvidersOrNotForUsOrNotNowAreRefusedWithTheReason() throws Exception {
        Instant t = now.get();
        assertThatThrownBy(() -> verifier.verify(token(first, "k1", claims(t.minusSeconds(3661), ""))))
                .hasMessage("expired");
        assertThatThrownBy(() -> verifier.verify(token(first, "k1", claims(t.plusSeconds(61), ""))))
                .hasMessage("not valid yet");
        assertThatThrownBy(() -> verifier.verify(token(first, "k1", claims(t, "").replace(ISSUER,
                "https://evil.example")))).hasMessageContaining("issued by https://evil.example");
        assertThatThrownBy(() -> verifier.verify(token(first, "k1", claims(t, "").replace(AUDIENCE,
                "api://other")))).hasMessageContaining("for api://other, not " + AUDIENCE);
        assertThatThrownBy(() -> verifier.verify(token(first, "k1", claims(t, "").replaceAll(",\"exp\":\\d+", ""))))
                .hasMessage("no expiry");
        assertThatThrownBy(() -> verifier.verify(token(rolled, "k1", claims(t, ""))))
                .hasMessage("its signature does not verify");
        String good = token(first, "k1", claims(t, ""));
        String[] parts = good.split("\\.");
        String unsigned = Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"alg\":\"none\",\"kid\":\"k1\"}".getBytes(StandardCharsets.UTF_8)) + "." + parts[1] + ".";
        assertThatThrownBy(() -> verifier.verify(unsigned)).hasMessage("signed none, not RS256");
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("{" + claims(t, ",\"tlsrpt_tenant\":\"globex\"") + "}").getBytes(StandardCharsets.UTF_8)) + "."
                + parts[2];
        assertThatThrownBy(() -> verifier.verify(forged)).hasMessage("its signature does not verify");
        assertThatThrownBy(() -> verifier.verify("a.b")).hasMessage("not a JWT");
        assertThatThrownBy(() -> verifier.verify("!!.??.##")).hasMessage("its header is not readable");
    }

    @Test
    void aKeyTheProviderRolledOverToIsReadOnceAMinuteAtMost() throws Exception {
        verifier.verify(token(first, "k1", claims(now.get(), "")));
        provider.jwks(jwks(first, rolled));
        now.set(now.get().plusSeconds(30));
        String byRolled = token(rolled, "k2", claims(now.get(), ""));
        assertThatThrownBy(() -> verifier.verify(byRolled)).hasMessageContaining("(kid k2)");
        assertThat(provider.jwksRequests()).as("not asked again within a minute").isEqualTo(1);
        now.set(now.get().plusSeconds(31));
        verifier.verify(byRolled);
        assertThat(provider.jwksRequests()).isEqualTo(2);
        // an hour on, read again even for a known key; a set that cannot be read keeps the keys in force
        provider.jwks("not json");
        now.set(now.get().plus(JsonWebKeys.REFRESH));
        verifier.verify(token(first, "k1", claims(now.get(), "")));
        assertThat(provider.jwksRequests()).isEqualTo(3);
    }
}
