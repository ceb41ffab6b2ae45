package io.tlsrpt.oauth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A client's grants: client credentials (RFC 6749 section 4.4; Entra ID's app-only access to Exchange Online), or a
 * refresh token (section 6; a mailbox owner's consent given once, as for Gmail). A refresh token the endpoint rotates
 * replaces the one configured, in memory.
 */
public final class ClientGrant implements Grant {
    private static final Logger log = LoggerFactory.getLogger(ClientGrant.class);

    /** How the client authenticates to the endpoint (RFC 6749 section 2.3.1). */
    public enum ClientAuthentication {
        /** {@code client_id} and {@code client_secret} in the form (Entra ID's and Google's usual way). */
        POST,
        /** HTTP Basic authentication with the form-encoded id and secret. */
        BASIC
    }

    private final String clientId;
    private final Supplier<String> clientSecret;
    private final Supplier<ClientCertificate> certificate;
    private final String scope;
    private final ClientAuthentication authentication;
    private volatile String refreshToken;

    private ClientGrant(String clientId, Supplier<String> clientSecret, Supplier<ClientCertificate> certificate,
                        String refreshToken, String scope, ClientAuthentication authentication) {
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.certificate = certificate;
        this.refreshToken = refreshToken;
        this.scope = scope;
        this.authentication = authentication;
    }

    /** The client credentials grant; {@code scope} space-separated, empty: none sent. */
    public static ClientGrant clientCredentials(String clientId, String clientSecret, String scope,
                                                ClientAuthentication authentication) {
        return new ClientGrant(clientId, () -> clientSecret, null, "", scope, authentication);
    }

    /** The refresh token grant; {@code clientSecret} empty for a public client. */
    public static ClientGrant refreshToken(String clientId, String clientSecret, String refreshToken, String scope,
                                           ClientAuthentication authentication) {
        return new ClientGrant(clientId, () -> clientSecret, null, refreshToken, scope, authentication);
    }

    /**
     * The same grant with the client authenticated by assertions the credential of the moment signs (read again
     * when its files change, {@link ClientCertificate#reloaded}), not by its secret.
     */
    public ClientGrant authenticatedBy(Supplier<ClientCertificate> certificate) {
        return new ClientGrant(clientId, () -> "", certificate, refreshToken, scope, authentication);
    }

    /** The same grant with the secret of the moment (a file read again when it changes), asked at each request. */
    public ClientGrant withSecret(Supplier<String> secret) {
        return new ClientGrant(clientId, secret, certificate, refreshToken, scope, authentication);
    }

    @Override
    public String name() {
        return refreshToken.isEmpty() ? "client_credentials" : "refresh_token";
    }

    @Override
    public void apply(URI endpoint, Map<String, String> form, HttpRequest.Builder request, Instant now)
            throws IOException {
        form.put("grant_type", name());
        if (!refreshToken.isEmpty()) {
            form.put("refresh_token", refreshToken);
        }
        if (!scope.isEmpty()) {
            form.put("scope", scope);
        }
        String secret = certificate == null ? clientSecret.get() : "";
        if (certificate != null) {
            form.put("client_id", clientId);
            form.put("client_assertion_type", ClientCertificate.ASSERTION_TYPE);
            form.put("client_assertion", certificate.get().assertion(clientId, endpoint, now));
        } else if (authentication == ClientAuthentication.BASIC && !secret.isEmpty()) {
            String pair = encode(clientId) + ":" + encode(secret);
            request.header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        } else {
            form.put("client_id", clientId);
            if (!secret.isEmpty()) {
                form.put("client_secret", secret);
            }
        }
    }

    @Override
    public void answered(Map<String, String> fields) {
        String rotated = fields.get("refresh_token");
        if (!refreshToken.isEmpty() && rotated != null && !rotated.isEmpty() && !rotated.equals(refreshToken)) {
            refreshToken = rotated;   // Entra ID rotates it; the old one may stop working
            log.info("The token endpoint gave a new refresh token, used from now on (until a restart)");
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
