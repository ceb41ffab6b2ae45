package io.tlsrpt.oauth;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The public-key signature algorithms of RFC 7518 a JWT access token may be signed with: RSA PKCS#1 v1.5 (RS*, the
 * default of Entra ID, Okta and Keycloak), RSA-PSS (PS*) and ECDSA (ES*, Keycloak's and Auth0's option). HMAC and
 * "none" are not here: a verifier holding only public keys must never take them.
 */
public enum JwsAlgorithm {
    RS256("SHA256withRSA", "RSA", 0), RS384("SHA384withRSA", "RSA", 0), RS512("SHA512withRSA", "RSA", 0),
    PS256("SHA-256", "RSA", 32), PS384("SHA-384", "RSA", 48), PS512("SHA-512", "RSA", 64),
    ES256("SHA256withECDSAinP1363Format", "EC", 256), ES384("SHA384withECDSAinP1363Format", "EC", 384),
    ES512("SHA512withECDSAinP1363Format", "EC", 521);

    /** RFC 7518 section 3.3: RSA keys of fewer bits are not to be used. */
    static final int MIN_RSA_BITS = 2048;

    private final String jca;
    private final String keyType;
    /** PS*: the salt length in bytes; ES*: the curve's field size in bits. */
    private final int size;

    JwsAlgorithm(String jca, String keyType, int size) {
        this.jca = jca;
        this.keyType = keyType;
        this.size = size;
    }

    /** The algorithm named {@code alg} in a JWS header; empty for "none", HMAC and names not known. */
    public static Optional<JwsAlgorithm> named(Object alg) {
        return Arrays.stream(values()).filter(a -> a.name().equals(alg)).findFirst();
    }

    /** The algorithm named {@code name} in a configuration (case ignored). @throws IllegalArgumentException else */
    public static JwsAlgorithm parse(String name) {
        return named(name.strip().toUpperCase(Locale.ROOT)).orElseThrow(() -> new IllegalArgumentException(
                "not a public-key JWS algorithm (RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512): "
                        + name.strip()));
    }

    /** The JSON Web Key type ({@code kty}) of the keys that verify it: RSA or EC. */
    String keyType() {
        return keyType;
    }

    /** Whether {@code key} can verify this algorithm's signatures: its type, and for ECDSA its curve. */
    boolean fits(PublicKey key) {
        if ("RSA".equals(keyType)) {
            return key instanceof RSAPublicKey;
        }
        return key instanceof ECPublicKey ec && ec.getParams().getCurve().getField().getFieldSize() == size;
    }

    /** Whether {@code signature} signs {@code signed} under {@code key} (which {@link #fits}). */
    boolean verifies(PublicKey key, byte[] signed, byte[] signature) throws GeneralSecurityException {
        if ("EC".equals(keyType) && !ecdsaInRange((ECPublicKey) key, signature)) {
            return false;
        }
        Signature verifier;
        if (name().startsWith("PS")) {
            verifier = Signature.getInstance("RSASSA-PSS");
            verifier.setParameter(new PSSParameterSpec(jca, "MGF1", new MGF1ParameterSpec(jca), size, 1));
        } else {
            verifier = Signature.getInstance(jca);
        }
        verifier.initVerify(key);
        verifier.update(signed);
        return verifier.verify(signature);
    }

    /**
     * An ECDSA signature of RFC 7518 section 3.4's form (r and s of the curve's size each) whose r and s lie in
     * [1, n-1]: what the verifier checks, checked here too, because Java 17.0.0 to 17.0.2 accepted r = s = 0
     * (CVE-2022-21449), a signature anyone can forge.
     */
    static boolean ecdsaInRange(ECPublicKey key, byte[] signature) {
        int half = (key.getParams().getCurve().getField().getFieldSize() + 7) / 8;
        if (signature.length != 2 * half) {
            return false;
        }
        BigInteger order = key.getParams().getOrder();
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(signature, 0, half));
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, half, 2 * half));
        return r.signum() > 0 && s.signum() > 0 && r.compareTo(order) < 0 && s.compareTo(order) < 0;
    }
}
