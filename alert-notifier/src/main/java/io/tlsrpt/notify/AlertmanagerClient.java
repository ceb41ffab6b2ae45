package io.tlsrpt.notify;

import io.tlsrpt.oauth.AccessToken;
import io.tlsrpt.oauth.ClientGrant;
import io.tlsrpt.oauth.TokenEndpoint;
import io.tlsrpt.tls.ReloadedFile;
import io.tlsrpt.tls.TrustedCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Posts alerts to Alertmanager's API v2. Never throws from {@link #post}: every outcome is a {@link PostResult}.
 * The Authorization header is built once (basic auth, a bearer token), or carries the OAuth 2.0 access token of the
 * moment (auth.oauth2.*: kept until shortly before it expires, forgotten when answered 401), and is never logged.
 */
final class AlertmanagerClient {

    /** Path of the v2 alerts endpoint below the configured base URL. */
    static final String ALERTS_PATH = "/api/v2/alerts";
    private static final int MAX_ERROR_BODY = 2048;
    /** How often the secret file is looked at for a change, at most (when a token is asked for). */
    static final Duration SECRET_RECHECK = Duration.ofSeconds(10);

    /** Outcome of one POST. */
    enum Outcome {
        /** 2xx: stored by Alertmanager. */
        ACCEPTED,
        /** 400/422: Alertmanager refused the payload; it stored the valid alerts of it; retrying cannot help. */
        REJECTED,
        /** anything else (down, timeout, 5xx, 401/403 until the secret is fixed): retry later. */
        FAILED
    }

    record PostResult(Outcome outcome, int status, String detail) {
    }

    private final HttpClient http;
    private final java.time.Duration timeout;
    private final String authorization;
    private final TokenEndpoint tokens;

    AlertmanagerClient(NotifierConfig config) {
        this.timeout = config.timeout();
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(config.timeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        if (config.truststorePath() != null || config.keystorePath() != null) {
            builder.sslContext(sslContext(config));
        }
        this.http = builder.build();
        tokens = config.oauth2TokenUrl() == null ? null : TokenEndpoint.forClient(config.oauth2TokenUrl(),
                config.oauth2ClientId(), clientSecret(config), null, "", config.oauth2Scopes(),
                ClientGrant.ClientAuthentication.POST, TrustedCertificates.clientContext(config.oauth2CaFile()),
                config.timeout(), InstantSource.system());
        if (!config.bearerToken().isEmpty()) {
            authorization = "Bearer " + config.bearerToken();
        } else if (!config.basicUsername().isEmpty()) {
            authorization = "Basic " + Base64.getEncoder().encodeToString(
                    (config.basicUsername() + ":" + config.basicPassword()).getBytes(StandardCharsets.UTF_8));
        } else {
            authorization = null;
        }
    }

    /** The OAuth client's secret of the moment: its configured value, or its file's, read again when it changes. */
    private static Supplier<String> clientSecret(NotifierConfig config) {
        if (config.oauth2ClientSecretFile() == null) {
            String secret = config.oauth2ClientSecret();
            return () -> secret;
        }
        ReloadedFile<String> file = new ReloadedFile<>(NotifierConfig.OAUTH2_CLIENT_SECRET_FILE,
                config.oauth2ClientSecretFile(), NotifierConfig::secretOf, secret -> "The OAuth client secret",
                InstantSource.system(), SECRET_RECHECK);
        return file::current;
    }

    CompletableFuture<PostResult> post(URI base, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + ALERTS_PATH))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "tlsrpt-alert-notifier")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        AccessToken token = null;
        if (tokens != null) {
            try {
                token = tokens.current();
            } catch (IOException e) {
                return CompletableFuture.completedFuture(new PostResult(Outcome.FAILED, 0,
                        "no OAuth access token: " + e.getMessage()));
            }
            request.header("Authorization", "Bearer " + token.value());
        } else if (authorization != null) {
            request.header("Authorization", authorization);
        }
        AccessToken offered = token;
        try {
            return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream())
                    .thenApply(AlertmanagerClient::classify)
                    .thenApply(result -> {
                        if (offered != null && result.status() == 401) {
                            tokens.rejected(offered);   // the next post asks for a new one
                        }
                        return result;
                    })
                    .orTimeout(timeout.toMillis() * 2, java.util.concurrent.TimeUnit.MILLISECONDS)
                    .exceptionally(e -> new PostResult(Outcome.FAILED, 0, describe(e)));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(new PostResult(Outcome.FAILED, 0, describe(e)));
        }
    }

    private static PostResult classify(HttpResponse<InputStream> response) {
        int status = response.statusCode();
        String body;
        try (InputStream in = response.body()) {
            // Alertmanager's answers are tiny; whatever sits in front of it may not be, so read a bounded prefix
            body = new String(in.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            body = "(body unreadable: " + e.getMessage() + ")";
        }
        Outcome outcome = status / 100 == 2 ? Outcome.ACCEPTED
                : status == 400 || status == 422 ? Outcome.REJECTED : Outcome.FAILED;
        return new PostResult(outcome, status, body);
    }

    private static String describe(Throwable e) {
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                ? e.getCause() : e;
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }

    private static SSLContext sslContext(NotifierConfig config) {
        try {
            TrustManagerFactory tmf = null;
            if (config.truststorePath() != null) {
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(load(config.truststorePath(), config.truststoreType(), config.truststorePassword()));
            }
            KeyManagerFactory kmf = null;
            if (config.keystorePath() != null) {
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(load(config.keystorePath(), config.keystoreType(), config.keystorePassword()),
                        config.keystorePassword().toCharArray());
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            // the message names the file, never the password
            throw new IllegalArgumentException("cannot build the TLS context for Alertmanager: " + e.getMessage(), e);
        }
    }

    private static KeyStore load(Path path, String type, String password) throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(path)) {
            ks.load(in, password.isEmpty() ? null : password.toCharArray());
        } catch (IOException e) {
            throw new IOException("cannot read " + path + ": " + e.getMessage(), e);
        }
        return ks;
    }
}
