package io.tlsrpt.oauth;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/**
 * A Google service account's grant (RFC 7523 section 2.1): a JWT it signs (RS256) asserting that it acts for
 * {@code subject}, the mailbox, by its domain-wide delegation in Google Workspace, with the scopes asked; no user's
 * consent, no refresh token. Each assertion lives an hour, the longest Google takes.
 */
public final class ServiceAccountGrant implements Grant {
    /** The scope of IMAP and SMTP access to a Google mailbox. */
    public static final String GOOGLE_MAIL_SCOPE = "https://mail.google.com/";
    static final String TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    private static final Duration LIFETIME = Duration.ofHours(1);
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private final ServiceAccountKey key;
    private final String subject;
    private final String scope;

    /** @param scope space-separated, e.g. {@code https://mail.google.com/} for IMAP and SMTP */
    public ServiceAccountGrant(ServiceAccountKey key, String subject, String scope) {
        this.key = key;
        this.subject = subject;
        this.scope = scope;
    }

    @Override
    public String name() {
        return "jwt-bearer, " + key + " for " + subject;
    }

    @Override
    public void apply(Map<String, String> form, HttpRequest.Builder request, Instant now) throws IOException {
        form.put("grant_type", TYPE);
        form.put("assertion", assertion(now));
    }

    /** The signed JWT: header.claims.signature, each base64url without padding. */
    String assertion(Instant now) throws IOException {
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"" + (key.keyId().isEmpty() ? ""
                : ",\"kid\":" + quoted(key.keyId())) + "}";
        long issued = now.getEpochSecond();
        String claims = "{\"iss\":" + quoted(key.clientEmail()) + ",\"sub\":" + quoted(subject) + ",\"scope\":"
                + quoted(scope) + ",\"aud\":" + quoted(key.tokenUri().toString()) + ",\"iat\":" + issued
                + ",\"exp\":" + (issued + LIFETIME.toSeconds()) + "}";
        String signed = URL.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + URL.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key.privateKey());
            rsa.update(signed.getBytes(StandardCharsets.US_ASCII));
            return signed + "." + URL.encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IOException(key + ": the assertion cannot be signed: " + e.getMessage(), e);
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
