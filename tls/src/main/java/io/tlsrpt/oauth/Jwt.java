package io.tlsrpt.oauth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;

/** A JSON Web Token signed with RS256 (RFC 7515, 7519): what the assertion grants send. */
final class Jwt {
    static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private Jwt() {
    }

    /**
     * header.claims.signature, each base64url without padding.
     *
     * @param header the header's JSON members after {@code "alg":"RS256","typ":"JWT"}, e.g. {@code ,"kid":"k1"}
     * @param claims the claims' JSON object
     * @throws IOException when {@code key} cannot sign (no RSA key)
     */
    static String signed(String header, String claims, PrivateKey key) throws IOException {
        String signed = URL.encodeToString(("{\"alg\":\"RS256\",\"typ\":\"JWT\"" + header + "}")
                .getBytes(StandardCharsets.UTF_8)) + "." + URL.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key);
            rsa.update(signed.getBytes(StandardCharsets.US_ASCII));
            return signed + "." + URL.encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IOException("an assertion cannot be signed: " + e.getMessage(), e);
        }
    }

    /** A JSON string: quotes, backslashes and control characters escaped. */
    static String quoted(String text) {
        StringBuilder json = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        return json.append('"').toString();
    }
}
