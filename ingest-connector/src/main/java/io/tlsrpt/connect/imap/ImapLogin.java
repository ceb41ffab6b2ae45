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

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;

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
            return new ImapLogin(null, TokenEndpoint.forServiceAccount(ServiceAccountKey.reloaded(
                    Path.of(serviceAccount), clock), config.getString(TlsRptSourceConfig.IMAP_USERNAME), scope, tls,
                    timeout, clock));
        }
        String certificate = config.getString(TlsRptSourceConfig.IMAP_OAUTH_CLIENT_CERTIFICATE_FILE);
        String secret = config.password(TlsRptSourceConfig.IMAP_OAUTH_CLIENT_SECRET);
        return new ImapLogin(null, TokenEndpoint.forClient(URI.create(config.getString(
                        TlsRptSourceConfig.IMAP_OAUTH_TOKEN_URL).trim()),
                config.getString(TlsRptSourceConfig.IMAP_OAUTH_CLIENT_ID), () -> secret,
                certificate.isBlank() ? null : ClientCertificate.reloaded(Path.of(certificate),
                        Path.of(config.getString(TlsRptSourceConfig.IMAP_OAUTH_CLIENT_KEY_FILE)), clock),
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

    /**
     * A store connected to and logged in to the server of {@code config} (imap.host, imap.port, imap.security,
     * imap.ssl.trust, imap.timeout.ms; messages are read without setting \Seen).
     *
     * @throws AuthenticationFailedException when the server refused the login (a token offered is forgotten)
     * @throws IOException                   when no access token could be had
     */
    Store connect(TlsRptSourceConfig config) throws MessagingException, IOException {
        String security = config.getString(TlsRptSourceConfig.IMAP_SECURITY).toLowerCase(Locale.ROOT);
        String protocol = "ssl".equals(security) ? "imaps" : "imap";
        Properties props = new Properties();
        String timeout = Integer.toString(config.getInt(TlsRptSourceConfig.IMAP_TIMEOUT_MS));
        props.put("mail.store.protocol", protocol);
        props.put("mail." + protocol + ".connectiontimeout", timeout);
        props.put("mail." + protocol + ".timeout", timeout);
        props.put("mail." + protocol + ".writetimeout", timeout);
        props.put("mail." + protocol + ".peek", "true");
        if ("starttls".equals(security)) {
            props.put("mail.imap.starttls.enable", "true");
            props.put("mail.imap.starttls.required", "true");
        }
        String trust = config.getString(TlsRptSourceConfig.IMAP_SSL_TRUST);
        if (!trust.isBlank()) {
            props.put("mail." + protocol + ".ssl.trust", trust);
        }
        configure(props, protocol);
        Session session = Session.getInstance(props);
        // a token goes to a server that offers XOAUTH2 only: never as the password of a plain LOGIN
        Store store = tokens == null ? session.getStore(protocol) : new TokenOnlyImapStore(session, protocol);
        try {
            store.connect(config.getString(TlsRptSourceConfig.IMAP_HOST), config.getInt(TlsRptSourceConfig.IMAP_PORT),
                    config.getString(TlsRptSourceConfig.IMAP_USERNAME), secret());
        } catch (AuthenticationFailedException e) {
            refused();
            throw e;
        }
        return store;
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

    /** Whether the login offers access tokens (XOAUTH2) rather than a password. */
    boolean usesTokens() {
        return tokens != null;
    }

    /** A token to offer now, without logging in (the mailbox check's first step). */
    AccessToken token() throws IOException {
        return tokens.current();
    }

    /** Where the tokens come from. */
    String describeTokens() {
        return tokens.describe();
    }

    /** The SASL mechanism or command the login uses. */
    String mechanism() {
        return tokens == null ? "a password" : "XOAUTH2";
    }

    /** The token endpoint, when the tokens come from one (its counts are metrics). */
    TokenEndpoint endpoint() {
        return tokens instanceof TokenEndpoint endpoint ? endpoint : null;
    }

    String describe() {
        return tokens == null ? mechanism() : mechanism() + ", tokens from the " + describeTokens();
    }
}
