package io.tlsrpt.connect.imap;

import io.tlsrpt.connect.TlsRptSourceConfig;
import io.tlsrpt.oauth.AccessToken;
import io.tlsrpt.oauth.AccessTokens;
import io.tlsrpt.oauth.ClientCertificate;
import io.tlsrpt.oauth.ClientGrant;
import io.tlsrpt.oauth.ServiceAccountKey;
import io.tlsrpt.oauth.TokenEndpoint;
import io.tlsrpt.oauth.TokenFile;
import io.tlsrpt.tls.TrustedCertificates;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Locale;
import java.util.Properties;
import javax.net.ssl.SSLContext;

/**
 * How the mailbox logs in: with imap.password, or with SASL XOAUTH2 and an OAuth 2.0 access token
 * (imap.auth.mechanism). A login with a token remembers it: a refused login forgets it, and the session is replaced
 * when the token is due to be renewed.
 */
final class ImapLogin {
    private final String password;
    private final AccessTokens tokens;
    private AccessToken offered;

    private ImapLogin(String password, AccessTokens tokens) {
        this.password = password;
        this.tokens = tokens;
    }

    static ImapLogin from(TlsRptSourceConfig config, InstantSource clock) {
        String mechanism = config.getString(TlsRptSourceConfig.IMAP_AUTH_MECHANISM);
        if (!TlsRptSourceConfig.AUTH_XOAUTH2.equalsIgnoreCase(mechanism)) {
            return new ImapLogin(config.password(TlsRptSourceConfig.IMAP_PASSWORD), null);
        }
        String file = config.getString(TlsRptSourceConfig.IMAP_OAUTH_TOKEN_FILE);
        if (!file.isBlank()) {
            return new ImapLogin(null, new TokenFile(TlsRptSourceConfig.IMAP_OAUTH_TOKEN_FILE, Path.of(file), clock,
                    Duration.ofSeconds(1)));
        }
        String caFile = config.getString(TlsRptSourceConfig.IMAP_OAUTH_CA_FILE);
        SSLContext tls = TrustedCertificates.clientContext(caFile.isBlank() ? null : Path.of(caFile));
        Duration timeout = Duration.ofMillis(config.getInt(TlsRptSourceConfig.IMAP_TIMEOUT_MS));
        String scope = config.getString(TlsRptSourceConfig.IMAP_OAUTH_SCOPE).trim();
        String serviceAccount = config.getString(TlsRptSourceConfig.IMAP_OAUTH_SERVICE_ACCOUNT_FILE);
        if (!serviceAccount.isBlank()) {
            return new ImapLogin(null, TokenEndpoint.forServiceAccount(ServiceAccountKey.read(Path.of(serviceAccount)),
                    config.getString(TlsRptSourceConfig.IMAP_USERNAME), scope, tls, timeout, clock));
        }
        String certificate = config.getString(TlsRptSourceConfig.IMAP_OAUTH_CLIENT_CERTIFICATE_FILE);
        return new ImapLogin(null, TokenEndpoint.forClient(URI.create(config.getString(
                        TlsRptSourceConfig.IMAP_OAUTH_TOKEN_URL).trim()),
                config.getString(TlsRptSourceConfig.IMAP_OAUTH_CLIENT_ID),
                config.password(TlsRptSourceConfig.IMAP_OAUTH_CLIENT_SECRET),
                certificate.isBlank() ? null : ClientCertificate.read(Path.of(certificate),
                        Path.of(config.getString(TlsRptSourceConfig.IMAP_OAUTH_CLIENT_KEY_FILE))),
                config.password(TlsRptSourceConfig.IMAP_OAUTH_REFRESH_TOKEN), scope,
                ClientGrant.ClientAuthentication.valueOf(config.getString(TlsRptSourceConfig.IMAP_OAUTH_CLIENT_AUTH)
                        .toUpperCase(Locale.ROOT)), tls, timeout, clock));
    }

    /** The session's properties for the login: XOAUTH2 alone when a token is offered. */
    void configure(Properties props, String protocol) {
        if (tokens != null) {
            props.put("mail." + protocol + ".auth.mechanisms", "XOAUTH2");
        }
    }

    /** What to log in with: the password, or a token to offer now (obtained first when none is kept). */
    String secret() throws IOException {
        if (tokens == null) {
            return password;
        }
        offered = tokens.current();
        return offered.value();
    }

    /** The server refused the login: a token offered is not offered again. */
    void refused() {
        if (offered != null) {
            tokens.rejected(offered);
            offered = null;
        }
    }

    /** When the session should be replaced by a login with a new token; null: never (a password, an unknown expiry). */
    Instant renewAt() {
        return offered == null ? null : offered.renewAt();
    }

    /** The token endpoint, when the tokens come from one (its counts are metrics). */
    TokenEndpoint endpoint() {
        return tokens instanceof TokenEndpoint endpoint ? endpoint : null;
    }

    String describe() {
        return tokens == null ? "a password" : "XOAUTH2, tokens from the " + tokens.describe();
    }
}
