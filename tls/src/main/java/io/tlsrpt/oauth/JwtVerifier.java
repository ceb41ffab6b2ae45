package io.tlsrpt.oauth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks an identity provider's JWT access token (RFC 9068, as Entra ID, Keycloak and Okta issue them): signed with
 * an algorithm allowed by a key of the provider's key set that is for that algorithm, issued by the configured issuer
 * for the configured audience, not expired and already valid (a minute's leeway for clocks). Nothing else is taken:
 * no "none", no HMAC, no key in the token.
 */
public final class JwtVerifier {
    /** Leeway for the clocks of the provider and of this machine. */
    static final Duration SKEW = Duration.ofMinutes(1);

    /** Why a token is not taken; its message is safe to log (no token, no signature). */
    public static final class NotValid extends Exception {
        private static final long serialVersionUID = 1L;

        NotValid(String message) {
            super(message);
        }
    }

    private final String issuer;
    private final String audience;
    private final JsonWebKeys keys;
    private final Set<JwsAlgorithm> algorithms;
    private final InstantSource clock;

    /** @param algorithms the algorithms a token may be signed with (RS256 alone is Entra ID's and Okta's) */
    public JwtVerifier(String issuer, String audience, JsonWebKeys keys, Set<JwsAlgorithm> algorithms,
            InstantSource clock) {
        this.issuer = issuer;
        this.audience = audience;
        this.keys = keys;
        this.algorithms = Set.copyOf(algorithms);
        this.clock = clock;
    }

    /** The identity provider's key set it verifies with (its reads are counted for the metrics). */
    public JsonWebKeys keys() {
        return keys;
    }

    private String algorithmNames() {
        return algorithms.stream().sorted().map(JwsAlgorithm::name).collect(Collectors.joining(", "));
    }

    /**
     * The claim {@code name} of {@code claims}: a top-level claim of that name (Auth0's namespaced
     * {@code https://example.com/roles}), else a path through nested objects, its names separated by dots (Keycloak's
     * {@code realm_access.roles}, {@code resource_access.CLIENT.roles}); null when there is none.
     */
    public static Object claim(Map<String, Object> claims, String name) {
        Object value = claims.get(name);
        for (int dot = name.indexOf('.'); value == null && dot > 0; dot = name.indexOf('.', dot + 1)) {
            if (claims.get(name.substring(0, dot)) instanceof Map<?, ?> nested) {
                @SuppressWarnings("unchecked")
                Map<String, Object> members = (Map<String, Object>) nested;
                value = claim(members, name.substring(dot + 1));
            }
        }
        return value;
    }

    /** Whether {@code token} has a JWT's shape (three base64url parts), so is worth verifying. */
    public static boolean looksLikeJwt(String token) {
        return token.chars().filter(c -> c == '.').count() == 2;
    }

    /**
     * The token's claims: strings, numbers (as their text), arrays of strings and objects of such (as maps).
     *
     * @throws NotValid naming what is wrong (its shape, its algorithm, an unknown key, the signature, the issuer, the
     *                  audience, expired or not yet valid)
     */
    public Map<String, Object> verify(String token) throws NotValid {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw new NotValid("not a JWT");
        }
        Map<String, Object> header = members(parts[0], "header");
        JwsAlgorithm algorithm = JwsAlgorithm.named(header.get("alg")).filter(algorithms::contains)
                .orElseThrow(() -> new NotValid("signed " + header.get("alg") + ", not " + algorithmNames()));
        Object kid = header.get("kid");
        JsonWebKeys.Key key = kid instanceof String id ? keys.key(id) : null;
        if (key == null) {
            throw new NotValid("signed by a key the provider's key set does not hold (kid " + kid + ")");
        }
        if (key.alg() != null && !key.alg().equals(algorithm.name())) {
            throw new NotValid("signed " + algorithm + " with the key " + kid + ", which is for " + key.alg());
        }
        if (!algorithm.fits(key.key())) {
            throw new NotValid("signed " + algorithm + " with the key " + kid + ", which is not one for it ("
                    + key.key().getAlgorithm() + ")");
        }
        try {
            if (!algorithm.verifies(key.key(), (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII),
                    Base64.getUrlDecoder().decode(parts[2]))) {
                throw new NotValid("its signature does not verify");
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new NotValid("its signature does not verify (" + e.getMessage() + ")");
        }
        Map<String, Object> claims = members(parts[1], "claims");
        if (!issuer.equals(claims.get("iss"))) {
            throw new NotValid("issued by " + claims.get("iss") + ", not " + issuer);
        }
        Object aud = claims.get("aud");
        if (!(audience.equals(aud) || aud instanceof List<?> list && list.contains(audience))) {
            throw new NotValid("for " + aud + ", not " + audience);
        }
        long now = clock.instant().getEpochSecond();
        Long exp = seconds(claims.get("exp"));
        if (exp == null || now >= exp + SKEW.toSeconds()) {
            throw new NotValid(exp == null ? "no expiry" : "expired");
        }
        Long nbf = seconds(claims.get("nbf"));
        if (nbf != null && now + SKEW.toSeconds() < nbf) {
            throw new NotValid("not valid yet");
        }
        return claims;
    }

    private static Long seconds(Object value) {
        if (!(value instanceof String text)) {
            return null;
        }
        try {
            return (long) Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A base64url JSON object's strings, numbers (as text), arrays of strings and nested objects. */
    static Map<String, Object> members(String part, String what) throws NotValid {
        try {
            return JsonFields.members(Base64.getUrlDecoder().decode(part));
        } catch (IOException | IllegalArgumentException e) {
            throw new NotValid("its " + what + " is not readable");
        }
    }
}
