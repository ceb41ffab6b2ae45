package io.tlsrpt.oauth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Supplier;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;

/**
 * Access tokens from an OAuth 2.0 token endpoint (RFC 6749), asked with a {@link Grant}: a client's
 * ({@link ClientGrant}) or a Google service account's signed assertion ({@link ServiceAccountGrant}). The token is
 * kept until a quarter of its lifetime before it expires (at most 5 minutes before) or until the server refuses it.
 */
public final class TokenEndpoint implements AccessTokens {
    private static final Logger log = LoggerFactory.getLogger(TokenEndpoint.class);
    /** A token answer is a few kilobytes; a larger one is not read (Entra ID's JWTs are 1.5-3 KB). */
    static final int MAX_ANSWER_BYTES = 64 * 1024;
    /** How long the endpoint is not asked again after a request that gave no token; doubled up to the longest. */
    static final Duration FIRST_WAIT = Duration.ofSeconds(30);
    static final Duration LONGEST_WAIT = Duration.ofMinutes(15);

    private final URI uri;
    private final Grant grant;
    private final HttpClient http;
    private final Duration timeout;
    private final InstantSource clock;
    private final AtomicLong obtained = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private AccessToken kept;
    private IOException lastFailure;
    private Instant askAgainAt;
    private Duration wait = Duration.ZERO;

    /** @param tls the context the endpoint's certificate is checked in */
    public TokenEndpoint(URI uri, Grant grant, SSLContext tls, Duration timeout, InstantSource clock) {
        this.uri = uri;
        this.grant = grant;
        this.timeout = timeout;
        this.clock = clock;
        this.http = HttpClient.newBuilder().sslContext(tls).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * A client's endpoint: the refresh token grant when {@code refreshToken} is not empty, else client credentials.
     *
     * @param clientSecret the secret of the moment, asked at each request: empty for a public client (refresh token
     *                     grant only), or one with a certificate
     * @param certificate  the client's certificate credential of the moment instead of a secret; null: none
     * @param scope        space-separated; empty: none sent
     */
    public static TokenEndpoint forClient(URI uri, String clientId, Supplier<String> clientSecret,
                                          Supplier<ClientCertificate> certificate, String refreshToken, String scope,
                                          ClientGrant.ClientAuthentication authentication, SSLContext tls,
                                          Duration timeout, InstantSource clock) {
        ClientGrant grant = (refreshToken.isEmpty()
                ? ClientGrant.clientCredentials(clientId, "", scope, authentication)
                : ClientGrant.refreshToken(clientId, "", refreshToken, scope, authentication)).withSecret(clientSecret);
        return new TokenEndpoint(uri, certificate == null ? grant : grant.authenticatedBy(certificate), tls, timeout,
                clock);
    }

    /**
     * A Google service account's endpoint (its key file's {@code token_uri} when the endpoint is made), for the mailbox
     * {@code subject}.
     *
     * @param key   the account's key of the moment
     * @param scope space-separated; empty: {@link ServiceAccountGrant#GOOGLE_MAIL_SCOPE}
     */
    public static TokenEndpoint forServiceAccount(Supplier<ServiceAccountKey> key, String subject, String scope,
                                                  SSLContext tls, Duration timeout, InstantSource clock) {
        return new TokenEndpoint(key.get().tokenUri(), new ServiceAccountGrant(key, subject,
                scope.isEmpty() ? ServiceAccountGrant.GOOGLE_MAIL_SCOPE : scope), tls, timeout, clock);
    }

    /**
     * The kept token while usable, else a new one. After a request that gave none the endpoint is not asked again for
     * 30 s, then 1, 2, 4 ... minutes up to 15 (the failure is thrown again meanwhile): a login retried every few
     * seconds with an expired secret would otherwise ask as often, and Entra ID blocks clients that do.
     */
    @Override
    public synchronized AccessToken current() throws IOException {
        Instant now = clock.instant();
        if (kept != null && kept.usableAt(now)) {
            return kept;
        }
        if (lastFailure != null && now.isBefore(askAgainAt)) {
            String message = lastFailure.getMessage() + " (not asked again before " + askAgainAt + ")";
            throw lastFailure instanceof TokenRefusedException ? new TokenRefusedException(message)
                    : new IOException(message, lastFailure);
        }
        try {
            kept = request();
            obtained.incrementAndGet();
            lastFailure = null;
            wait = Duration.ZERO;
            log.info("Login: {} from {} ({})", kept, uri, grant.name());
            return kept;
        } catch (IOException e) {
            failed.incrementAndGet();
            wait = wait.isZero() ? FIRST_WAIT : wait.multipliedBy(2).compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT
                    : wait.multipliedBy(2);
            lastFailure = e;
            askAgainAt = now.plus(wait);
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
        return "token endpoint " + uri + " (" + grant.name() + ")";
    }

    /** Tokens obtained since the start. */
    public long obtainedCount() {
        return obtained.get();
    }

    /** Requests that gave no token (refused, unreadable, or unanswered). */
    public long failedCount() {
        return failed.get();
    }

    private AccessToken request() throws IOException {
        Map<String, String> form = new HashMap<>();
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json");
        Instant asked = clock.instant();
        grant.apply(uri, form, request, asked);
        HttpResponse<byte[]> response;
        try {
            response = BoundedAnswer.send(http, request.POST(HttpRequest.BodyPublishers.ofString(formOf(form)))
                    .build(), MAX_ANSWER_BYTES, timeout);
        } catch (BoundedAnswer.TooLargeAnswer e) {
            throw new IOException(uri + " answered with more than " + MAX_ANSWER_BYTES + " bytes: not a token answer",
                    e);
        }
        byte[] body = response.body();
        Map<String, String> fields = answerFields(body);
        int status = response.statusCode();
        if (status != 200) {
            String message = uri + " refused a token (" + grant.name() + "): HTTP " + status
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
        grant.answered(fields);
        try {
            return new AccessToken(fields.get("access_token"), asked, expires);
        } catch (IllegalArgumentException e) {
            throw new IOException(uri + " answered no usable access_token: " + e.getMessage(), e);
        }
    }

    /** The answer's fields; none when it is no JSON object (an HTML error page). */
    private static Map<String, String> answerFields(byte[] body) {
        try {
            return JsonFields.of(body);
        } catch (IOException e) {
            log.debug("A token endpoint's answer is not JSON: {}", e.toString());
            return Map.of();
        }
    }

    private static String formOf(Map<String, String> form) {
        StringJoiner body = new StringJoiner("&");
        form.forEach((name, value) -> body.add(encode(name) + "=" + encode(value)));
        return body.toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** A remote party's words (a server's answer, a token's claim) for a log line: printable, not a page long. */
    public static String printable(String text) {
        String flat = text.codePoints().map(c -> Character.isISOControl(c) ? ' ' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return flat.length() > 300 ? flat.substring(0, 300) + "..." : flat;
    }
}
