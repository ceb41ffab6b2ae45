package io.tlsrpt.oauth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;

/**
 * Access tokens from an OAuth 2.0 token endpoint (RFC 6749): the client credentials grant (section 4.4; Microsoft
 * Entra ID's app-only access to Exchange Online mailboxes), or the refresh token grant (section 6; a user's consent
 * given once, as for Gmail). The token is kept until a quarter of its lifetime before it expires (at most 5 minutes
 * before) or until the server refuses it; a refresh token the endpoint rotates replaces the one configured, in memory.
 */
public final class TokenEndpoint implements AccessTokens {
    private static final Logger log = LoggerFactory.getLogger(TokenEndpoint.class);
    /** A token answer is a few kilobytes; a larger one is not read (Entra ID's JWTs are 1.5-3 KB). */
    static final int MAX_ANSWER_BYTES = 64 * 1024;
    private static final JsonFactory JSON = new JsonFactory();

    /** How the client authenticates to the endpoint (RFC 6749 section 2.3.1). */
    public enum ClientAuthentication {
        /** {@code client_id} and {@code client_secret} in the form (Entra ID's and Google's usual way). */
        POST,
        /** HTTP Basic authentication with the form-encoded id and secret. */
        BASIC
    }

    private final URI uri;
    private final String clientId;
    private final String clientSecret;
    private final String scope;
    private final ClientAuthentication authentication;
    private final HttpClient http;
    private final Duration timeout;
    private final InstantSource clock;
    private final AtomicLong obtained = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private String refreshToken;
    private AccessToken kept;

    /**
     * @param refreshToken the refresh token grant's token; empty for the client credentials grant
     * @param clientSecret empty for a public client (refresh token grant only)
     * @param scope        space-separated scopes; empty: none sent
     * @param tls          the context the endpoint's certificate is checked in
     */
    public TokenEndpoint(URI uri, String clientId, String clientSecret, String refreshToken, String scope,
                         ClientAuthentication authentication, SSLContext tls, Duration timeout, InstantSource clock) {
        this.uri = uri;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.refreshToken = refreshToken;
        this.scope = scope;
        this.authentication = authentication;
        this.timeout = timeout;
        this.clock = clock;
        this.http = HttpClient.newBuilder().sslContext(tls).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public synchronized AccessToken current() throws IOException {
        if (kept != null && kept.usableAt(clock.instant())) {
            return kept;
        }
        try {
            kept = request();
            obtained.incrementAndGet();
            log.info("IMAP login: {} from {}", kept, uri);
            return kept;
        } catch (IOException e) {
            failed.incrementAndGet();
            throw e;
        }
    }

    @Override
    public synchronized void rejected(AccessToken token) {
        if (token.equals(kept)) {
            kept = null;
        }
    }

    @Override
    public String describe() {
        return "token endpoint " + uri + " (" + grantType() + ")";
    }

    /** Tokens obtained since the start. */
    public long obtainedCount() {
        return obtained.get();
    }

    /** Requests that gave no token (refused, unreadable, or unanswered). */
    public long failedCount() {
        return failed.get();
    }

    private String grantType() {
        return refreshToken.isEmpty() ? "client_credentials" : "refresh_token";
    }

    private AccessToken request() throws IOException {
        Map<String, String> form = new HashMap<>();
        form.put("grant_type", grantType());
        if (!refreshToken.isEmpty()) {
            form.put("refresh_token", refreshToken);
        }
        if (!scope.isEmpty()) {
            form.put("scope", scope);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json");
        if (authentication == ClientAuthentication.BASIC && !clientSecret.isEmpty()) {
            String pair = encode(clientId) + ":" + encode(clientSecret);
            request.header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        } else {
            form.put("client_id", clientId);
            if (!clientSecret.isEmpty()) {
                form.put("client_secret", clientSecret);
            }
        }
        Instant asked = clock.instant();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.POST(HttpRequest.BodyPublishers.ofString(formOf(form))).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking " + uri + " for a token", e);
        }
        byte[] body;
        try (InputStream in = response.body()) {
            body = in.readNBytes(MAX_ANSWER_BYTES + 1);
        }
        if (body.length > MAX_ANSWER_BYTES) {
            throw new IOException(uri + " answered " + response.statusCode() + " with more than " + MAX_ANSWER_BYTES
                    + " bytes: not a token answer");
        }
        Map<String, String> fields = fields(body);
        int status = response.statusCode();
        if (status != 200) {
            String message = uri + " refused a token (" + grantType() + "): HTTP " + status
                    + (fields.containsKey("error") ? ", " + printable(fields.get("error")) : "")
                    + (fields.containsKey("error_description")
                            ? " (" + printable(fields.get("error_description")) + ")" : "");
            throw status >= 400 && status < 500 && status != 429 ? new TokenRefusedException(message)
                    : new IOException(message);
        }
        return token(fields, asked);
    }

    private AccessToken token(Map<String, String> fields, Instant asked) throws IOException {
        String type = fields.get("token_type");
        if (type != null && !type.equalsIgnoreCase("bearer")) {
            throw new IOException(uri + " answered a token of type " + printable(type) + ", not Bearer");
        }
        Instant expires = null;
        String expiresIn = fields.get("expires_in");
        if (expiresIn != null) {
            try {
                long seconds = Long.parseLong(expiresIn.trim());
                if (seconds <= 0) {
                    throw new IOException(uri + " answered a token that expires in " + seconds + " s");
                }
                expires = asked.plusSeconds(seconds);
            } catch (NumberFormatException e) {
                throw new IOException(uri + " answered expires_in " + printable(expiresIn) + ", not seconds", e);
            }
        }
        String rotated = fields.get("refresh_token");
        if (!refreshToken.isEmpty() && rotated != null && !rotated.isEmpty() && !rotated.equals(refreshToken)) {
            refreshToken = rotated;   // Entra ID rotates it; the old one may stop working
            log.info("IMAP login: {} gave a new refresh token, used from now on (until a restart)", uri);
        }
        try {
            return new AccessToken(fields.get("access_token"), asked, expires);
        } catch (IllegalArgumentException e) {
            throw new IOException(uri + " answered no usable access_token: " + e.getMessage(), e);
        }
    }

    /** The top-level string and number members of a JSON object; empty when the body is no JSON object. */
    private static Map<String, String> fields(byte[] body) {
        Map<String, String> fields = new HashMap<>();
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return fields;
            }
            for (JsonToken t = parser.nextToken(); t == JsonToken.FIELD_NAME; t = parser.nextToken()) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (value == JsonToken.VALUE_STRING || value.isNumeric()) {
                    fields.put(name, parser.getText());
                } else {
                    parser.skipChildren();
                }
            }
        } catch (IOException e) {
            log.debug("A token endpoint's answer is not JSON: {}", e.toString());
        }
        return fields;
    }

    private static String formOf(Map<String, String> form) {
        StringJoiner body = new StringJoiner("&");
        form.forEach((name, value) -> body.add(encode(name) + "=" + encode(value)));
        return body.toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** A remote server's words for a log line: printable, and not a page long. */
    static String printable(String text) {
        String flat = text.codePoints().map(c -> Character.isISOControl(c) ? ' ' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return flat.length() > 300 ? flat.substring(0, 300) + "..." : flat;
    }
}
