package io.tlsrpt.oauth;

import io.tlsrpt.testkafka.TestTokenEndpoint;
import io.tlsrpt.tls.TrustedCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

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
        verifier = verifier(EnumSet.of(JwsAlgorithm.RS256));
    }

    private JwtVerifier verifier(Set<JwsAlgorithm> algorithms) {
        return new JwtVerifier(ISSUER, AUDIENCE, new JsonWebKeys(provider.jwksUri(),
                TrustedCertificates.clientContext(provider.caFile()), Duration.ofSeconds(10), clock), algorithms, clock);
    }

    static KeyPair ec(String curve) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(curve));
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An EC key's JSON Web Key (RFC 7518 section 6.2.1: coordinates of the field's length). */
    static String ecJwk(String kid, String crv, KeyPair key, String more) {
        ECPublicKey ec = (ECPublicKey) key.getPublic();
        int bytes = (ec.getParams().getCurve().getField().getFieldSize() + 7) / 8;
        return "{\"kty\":\"EC\",\"kid\":\"" + kid + "\",\"crv\":\"" + crv + "\",\"x\":\""
                + coordinate(ec.getW().getAffineX(), bytes) + "\",\"y\":\"" + coordinate(ec.getW().getAffineY(), bytes)
                + "\"" + more + "}";
    }

    private static String coordinate(BigInteger value, int bytes) {
        byte[] raw = value.toByteArray();
        byte[] fixed = new byte[bytes];
        int length = Math.min(raw.length, bytes);
        System.arraycopy(raw, raw.length - length, fixed, bytes - length, length);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(fixed);
    }

    /** A token signed with {@code alg} (its JCA name {@code jca}, for PS* with {@code pss}) as {@code kid}. */
    static String token(String alg, String jca, PSSParameterSpec pss, KeyPair key, String kid, String claims)
            throws Exception {
        Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        String signed = url.encodeToString(("{\"alg\":\"" + alg + "\",\"typ\":\"at+jwt\",\"kid\":\"" + kid + "\"}")
                .getBytes(StandardCharsets.UTF_8)) + "." + url.encodeToString(("{" + claims + "}")
                .getBytes(StandardCharsets.UTF_8));
        Signature signature = Signature.getInstance(jca);
        if (pss != null) {
            signature.setParameter(pss);
        }
        signature.initSign(key.getPrivate());
        signature.update(signed.getBytes(StandardCharsets.US_ASCII));
        return signed + "." + url.encodeToString(signature.sign());
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
    void theAlgorithmsConfiguredAreTakenEachWithAKeyForIt() throws Exception {
        KeyPair p256 = ec("secp256r1");
        KeyPair p384 = ec("secp384r1");
        KeyPair pinned = rsa();
        String rsaSet = TestTokenEndpoint.keySet((RSAPublicKey) first.getPublic(), (RSAPublicKey) pinned.getPublic());
        // k1 and k2 RSA (k2 for PS256 alone), e1 on P-256, e2 on P-384
        provider.jwks(rsaSet.substring(0, rsaSet.length() - 2).replaceFirst("(\"kid\":\"k2\")", "$1,\"alg\":\"PS256\"")
                + "," + ecJwk("e1", "P-256", p256, ",\"use\":\"sig\"") + "," + ecJwk("e2", "P-384", p384, "") + "]}");
        JwtVerifier any = verifier(EnumSet.allOf(JwsAlgorithm.class));
        String claims = claims(now.get(), ",\"tlsrpt_tenant\":\"acme\"");
        PSSParameterSpec pss256 = new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1);
        PSSParameterSpec pss512 = new PSSParameterSpec("SHA-512", "MGF1", MGF1ParameterSpec.SHA512, 64, 1);
        assertThat(any.verify(token("ES256", "SHA256withECDSAinP1363Format", null, p256, "e1", claims))
                .get("tlsrpt_tenant")).isEqualTo("acme");
        any.verify(token("ES384", "SHA384withECDSAinP1363Format", null, p384, "e2", claims));
        any.verify(token("PS256", "RSASSA-PSS", pss256, pinned, "k2", claims));
        any.verify(token("PS512", "RSASSA-PSS", pss512, first, "k1", claims));
        any.verify(token("RS512", "SHA512withRSA", null, first, "k1", claims));
        // the key must be for the algorithm: its type, its curve, the alg its entry names
        assertThatThrownBy(() -> any.verify(token("RS256", "SHA256withRSA", null, first, "e1", claims)))
                .hasMessage("signed RS256 with the key e1, which is not one for it (EC)");
        assertThatThrownBy(() -> any.verify(token("ES384", "SHA384withECDSAinP1363Format", null, p256, "e1",
                claims))).hasMessage("signed ES384 with the key e1, which is not one for it (EC)");
        assertThatThrownBy(() -> any.verify(token("RS256", "SHA256withRSA", null, pinned, "k2", claims)))
                .hasMessage("signed RS256 with the key k2, which is for PS256");
        // a DER signature where JWS has R and S side by side; another key's
        assertThatThrownBy(() -> any.verify(token("ES256", "SHA256withECDSA", null, p256, "e1", claims)))
                .hasMessageStartingWith("its signature does not verify");
        assertThatThrownBy(() -> any.verify(token("ES256", "SHA256withECDSAinP1363Format", null,
                ec("secp256r1"), "e1", claims))).hasMessage("its signature does not verify");
        // CVE-2022-21449's forgery (r = s = 0), r = n, and a signature of another length: refused before the JDK's
        // own checks, which Java 17.0.0 to 17.0.2 lacked
        String genuine = token("ES256", "SHA256withECDSAinP1363Format", null, p256, "e1", claims);
        String unsigned = genuine.substring(0, genuine.lastIndexOf('.') + 1);
        Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        assertThatThrownBy(() -> any.verify(unsigned + url.encodeToString(new byte[64])))
                .hasMessage("its signature does not verify");
        byte[] order = ((java.security.interfaces.ECPublicKey) p256.getPublic()).getParams().getOrder().toByteArray();
        byte[] rIsN = new byte[64];
        System.arraycopy(order, order.length - 32, rIsN, 0, 32);
        rIsN[63] = 1;
        assertThatThrownBy(() -> any.verify(unsigned + url.encodeToString(rIsN)))
                .hasMessage("its signature does not verify");
        byte[] longer = java.util.Arrays.copyOf(Base64.getUrlDecoder().decode(genuine.substring(
                genuine.lastIndexOf('.') + 1)), 65);
        assertThatThrownBy(() -> any.verify(unsigned + url.encodeToString(longer)))
                .hasMessage("its signature does not verify");
        // the range check itself (a JDK from 17.0.3 refuses these too, so the answers above would not show it)
        java.security.interfaces.ECPublicKey p256Key = (java.security.interfaces.ECPublicKey) p256.getPublic();
        assertThat(JwsAlgorithm.ecdsaInRange(p256Key, Base64.getUrlDecoder().decode(genuine.substring(
                genuine.lastIndexOf('.') + 1)))).as("a genuine signature").isTrue();
        assertThat(JwsAlgorithm.ecdsaInRange(p256Key, new byte[64])).as("r = s = 0").isFalse();
        assertThat(JwsAlgorithm.ecdsaInRange(p256Key, rIsN)).as("r = n").isFalse();
        assertThat(JwsAlgorithm.ecdsaInRange(p256Key, longer)).as("65 bytes").isFalse();
        // only what is configured: RS256 alone by default
        assertThatThrownBy(() -> verifier.verify(token("ES256", "SHA256withECDSAinP1363Format", null, p256, "e1",
                claims))).hasMessage("signed ES256, not RS256");
        assertThatThrownBy(() -> verifier(EnumSet.of(JwsAlgorithm.ES256, JwsAlgorithm.PS256)).verify(
                token(first, "k1", claims))).hasMessage("signed RS256, not PS256, ES256");
        assertThatThrownBy(() -> any.verify(token("HS256", "SHA256withRSA", null, first, "k1", claims)))
                .hasMessageStartingWith("signed HS256, not RS256, RS384");
    }

    @Test
    void keysTooWeakOffTheirCurveOrForEncryptionAreLeftOutOfTheSet() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);
        KeyPair weak = generator.generateKeyPair();
        KeyPair p256 = ec("secp256r1");
        String offCurve = ecJwk("bad", "P-256", p256, "").replaceFirst("\"y\":\"[^\"]+\"",
                "\"y\":\"" + coordinate(((ECPublicKey) p256.getPublic()).getW().getAffineY().add(BigInteger.ONE), 32)
                        + "\"");
        String set = TestTokenEndpoint.keySet((RSAPublicKey) weak.getPublic(), (RSAPublicKey) first.getPublic());
        Map<String, JsonWebKeys.Key> keys = JsonWebKeys.signingKeys((set.substring(0, set.length() - 2) + ","
                + offCurve + "," + ecJwk("enc", "P-256", p256, ",\"use\":\"enc\"") + ","
                + ecJwk("k256k", "secp256k1", p256, "") + "," + ecJwk("good", "P-256", p256, "") + "]}")
                .getBytes(StandardCharsets.UTF_8));
        assertThat(keys).containsOnlyKeys("k2", "good");
        assertThat(keys.get("good").alg()).isNull();
    }

    @Test
    void claimsAreFoundByNameOrByAPathThroughNestedOnes() throws Exception {
        Map<String, Object> claims = verifier.verify(token(first, "k1", claims(now.get(),
                ",\"realm_access\":{\"roles\":[\"tlsrpt.operator\"]},\"resource_access\":{\"tlsrpt.queries\":"
                        + "{\"roles\":[\"reader\"]},\"account\":{\"roles\":[\"view-profile\"]}},"
                        + "\"https://tlsrpt.example.com/tenant\":\"acme\",\"org\":{\"a\":{\"b\":{\"c\":{\"d\":\"deep\"}}}}")));
        assertThat(JwtVerifier.claim(claims, "realm_access.roles")).isEqualTo(List.of("tlsrpt.operator"));
        assertThat(JwtVerifier.claim(claims, "resource_access.tlsrpt.queries.roles")).isEqualTo(List.of("reader"));
        assertThat(JwtVerifier.claim(claims, "https://tlsrpt.example.com/tenant")).isEqualTo("acme");
        assertThat(JwtVerifier.claim(claims, "iss")).isEqualTo(ISSUER);
        assertThat(JwtVerifier.claim(claims, "realm_access.groups")).isNull();
        assertThat(JwtVerifier.claim(claims, "iss.x")).isNull();
        assertThat(JwtVerifier.claim(claims, ".roles")).isNull();
        assertThat(JwtVerifier.claim(claims, "org.a.b")).as("four levels of objects kept").isInstanceOf(Map.class);
        assertThat(JwtVerifier.claim(claims, "org.a.b.c")).as("not a fifth").isNull();
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
        await("the hourly read").atMost(Duration.ofSeconds(20)).until(() -> provider.jwksRequests() == 3);
        now.set(now.get().plus(JsonWebKeys.MIN_INTERVAL));
        verifier.verify(token(first, "k1", claims(now.get(), "")));
    }

    /**
     * Kept read: the set is read at start, before any token; a set that cannot be read is read again each minute with
     * no token arriving, and the first token after it is back finds the keys read; hourly after that; nothing once
     * closed.
     */
    @Test
    void aKeySetKeptReadIsReadAtStartAndEachMinuteWhileReadsFail() throws Exception {
        provider.jwks("not json");
        JsonWebKeys keys = verifier.keys();
        try (keys) {
            keys.keepReading(Duration.ofMillis(20));
            await("the read at start").atMost(Duration.ofSeconds(20)).until(() -> keys.readsFailed() == 1);
            assertThat(keys.lastReadFailed()).isTrue();
            // the schedule checks every 20 ms: for 200 ms, none of its checks reads the set again
            await("not again within the minute").during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5))
                    .until(() -> provider.jwksRequests() == 1);

            now.set(now.get().plus(JsonWebKeys.MIN_INTERVAL));
            await("read again a minute on").atMost(Duration.ofSeconds(20)).until(() -> keys.readsFailed() == 2);
            provider.jwks(jwks(first));
            now.set(now.get().plus(JsonWebKeys.MIN_INTERVAL));
            await("read again, and the set is back").atMost(Duration.ofSeconds(20))
                    .until(() -> !keys.lastReadFailed() && keys.held() == 1);
            verifier.verify(token(first, "k1", claims(now.get(), "")));
            now.set(now.get().plus(JsonWebKeys.MIN_INTERVAL));
            await("a set read is not read again within the hour").during(Duration.ofMillis(200))
                    .atMost(Duration.ofSeconds(5)).until(() -> provider.jwksRequests() == 3);

            provider.jwks(jwks(first, rolled));
            now.set(now.get().plus(JsonWebKeys.REFRESH));
            await("the hourly read, without a token").atMost(Duration.ofSeconds(20)).until(() -> keys.held() == 2);
            assertThat(provider.jwksRequests()).isEqualTo(4);
        }
        now.set(now.get().plus(JsonWebKeys.REFRESH));
        await("none once closed").during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5))
                .until(() -> provider.jwksRequests() == 4);
        assertThat(keys.readsSucceeded()).isEqualTo(2);
    }

    /**
     * A slow provider at the hourly read: a token whose key is held is judged at once with the keys held, the read
     * running beside it; a token of a key just rolled over to waits for that read, which holds it.
     */
    @Test
    @Timeout(60)
    void theHourlyReadDelaysNoTokenWhoseKeyIsHeld() throws Exception {
        verifier.verify(token(first, "k1", claims(now.get(), "")));
        CompletableFuture<Void> slow = new CompletableFuture<>();
        provider.holdKeySet(slow);
        provider.jwks(jwks(first, rolled));
        now.set(now.get().plus(JsonWebKeys.REFRESH));
        // were it waiting for the held read, this would never return (the test's timeout fails it)
        assertThat(verifier.verify(token(first, "k1", claims(now.get(), ",\"tlsrpt_tenant\":\"acme\""))))
                .containsEntry("tlsrpt_tenant", "acme");
        await("the hourly read asked").atMost(Duration.ofSeconds(20)).until(() -> provider.jwksRequests() == 2);
        slow.complete(null);
        verifier.verify(token(rolled, "k2", claims(now.get(), "")));
        assertThat(provider.jwksRequests()).as("the read under way gave the rolled key").isEqualTo(2);
    }
}
