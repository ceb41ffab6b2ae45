package io.tlsrpt.oauth;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;

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

    private final Supplier<ServiceAccountKey> key;
    private final String subject;
    private final String scope;

    /**
     * @param key   the account's key of the moment (its file read again when it changes, {@link
     *              ServiceAccountKey#reloaded})
     * @param scope space-separated, e.g. {@code https://mail.google.com/} for IMAP and SMTP
     */
    public ServiceAccountGrant(Supplier<ServiceAccountKey> key, String subject, String scope) {
        this.key = key;
        this.subject = subject;
        this.scope = scope;
    }

    @Override
    public String name() {
        return "jwt-bearer, " + key.get() + " for " + subject;
    }

    @Override
    public void apply(URI endpoint, Map<String, String> form, HttpRequest.Builder request, Instant now)
            throws IOException {
        form.put("grant_type", TYPE);
        form.put("assertion", assertion(now));
    }

    /** The signed JWT. */
    String assertion(Instant now) throws IOException {
        ServiceAccountKey key = this.key.get();
        long issued = now.getEpochSecond();
        String claims = "{\"iss\":" + Jwt.quoted(key.clientEmail()) + ",\"sub\":" + Jwt.quoted(subject)
                + ",\"scope\":" + Jwt.quoted(scope) + ",\"aud\":" + Jwt.quoted(key.tokenUri().toString())
                + ",\"iat\":" + issued + ",\"exp\":" + (issued + LIFETIME.toSeconds()) + "}";
        return Jwt.signed(key.keyId().isEmpty() ? "" : ",\"kid\":" + Jwt.quoted(key.keyId()), claims,
                key.privateKey());
    }
}
