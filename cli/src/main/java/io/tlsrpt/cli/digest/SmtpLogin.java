package io.tlsrpt.cli.digest;

import io.tlsrpt.oauth.AccessToken;
import io.tlsrpt.oauth.AccessTokens;
import io.tlsrpt.oauth.ClientCertificate;
import io.tlsrpt.oauth.ClientGrant;
import io.tlsrpt.oauth.HttpsUrl;
import io.tlsrpt.oauth.ServiceAccountKey;
import io.tlsrpt.oauth.TokenEndpoint;
import io.tlsrpt.oauth.TokenFile;
import io.tlsrpt.oauth.TokenRefusedException;
import io.tlsrpt.tls.TrustedCertificates;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.Transport;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;

/**
 * How the digest mailer logs in to its SMTP server: not at all, with {@code user} and {@code password.file}, or
 * ({@code auth.mechanism=xoauth2}) with SASL XOAUTH2 and an OAuth 2.0 access token from a token endpoint or a file,
 * as Exchange Online asks now that it is retiring passwords for SMTP submission. A token the server refuses is not
 * offered again; a new connection asks for a new token once the kept one is due to be renewed.
 */
final class SmtpLogin {

    static final List<String> KEYS = List.of("user", "password.file", "auth.mechanism", "oauth.token.url",
        "oauth.client.id", "oauth.client.secret.file", "oauth.refresh.token.file", "oauth.scope", "oauth.client.auth",
        "oauth.ca.file", "oauth.token.file", "oauth.service.account.file", "oauth.client.certificate.file",
        "oauth.client.key.file");

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String user;
    private final String password;
    private final AccessTokens tokens;

    private SmtpLogin(String user, String password, AccessTokens tokens) {
        this.user = user;
        this.password = password;
        this.tokens = tokens;
    }

    /**
     * The login {@code config} (the properties file {@code file}) asks for; sets the session's {@code mail.*}
     * properties it needs.
     *
     * @throws IllegalArgumentException naming the key of what is missing or wrong
     */
    static SmtpLogin configured(Properties config, Path file, Properties mail) {
        String user = config.getProperty("user", "").strip();
        String mechanism = config.getProperty("auth.mechanism", "password").strip().toLowerCase(Locale.ROOT);
        boolean oauthKeys = config.stringPropertyNames().stream().anyMatch(key -> key.startsWith("oauth."));
        if (!mechanism.equals("password") && !mechanism.equals("xoauth2")) {
            throw new IllegalArgumentException(file + ": auth.mechanism must be password or xoauth2");
        }
        if (mechanism.equals("password")) {
            if (oauthKeys) {
                throw new IllegalArgumentException(file + ": oauth.* keys need auth.mechanism=xoauth2");
            }
            if (user.isEmpty()) {
                return new SmtpLogin(null, null, null);
            }
            String passwordFile = config.getProperty("password.file", "").strip();
            if (passwordFile.isEmpty()) {
                throw new IllegalArgumentException(file + ": user needs password.file (a file holding the password)");
            }
            authenticated(mail);
            return new SmtpLogin(user, secret(file, "password.file", passwordFile), null);
        }
        if (user.isEmpty()) {
            throw new IllegalArgumentException(file + ": auth.mechanism=xoauth2 needs user (the mailbox sent as)");
        }
        authenticated(mail);
        mail.setProperty("mail.smtp.auth.mechanisms", "XOAUTH2");
        mail.setProperty("mail.smtps.auth.mechanisms", "XOAUTH2");
        return new SmtpLogin(user, null, tokens(config, file, user));
    }

    private static AccessTokens tokens(Properties config, Path file, String user) {
        String url = config.getProperty("oauth.token.url", "").strip();
        String tokenFile = config.getProperty("oauth.token.file", "").strip();
        String serviceAccount = config.getProperty("oauth.service.account.file", "").strip();
        if (Stream.of(url, tokenFile, serviceAccount).filter(v -> !v.isEmpty()).count() != 1) {
            throw new IllegalArgumentException(file + ": auth.mechanism=xoauth2 needs one of oauth.token.url, "
                + "oauth.service.account.file or oauth.token.file, not two");
        }
        if (!tokenFile.isEmpty()) {
            return new TokenFile("oauth.token.file", resolved(file, tokenFile), InstantSource.system(),
                Duration.ofSeconds(1));
        }
        String scope = config.getProperty("oauth.scope", "").strip();
        String caFile = config.getProperty("oauth.ca.file", "").strip();
        SSLContext tls = TrustedCertificates.clientContext(caFile.isEmpty() ? null : resolved(file, caFile));
        if (!serviceAccount.isEmpty()) {
            // a digest run is minutes long: its files are read once
            ServiceAccountKey key = ServiceAccountKey.read(resolved(file, serviceAccount));
            return TokenEndpoint.forServiceAccount(() -> key, user, scope, tls, TIMEOUT, InstantSource.system());
        }
        URI uri;
        try {
            uri = HttpsUrl.parse(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": oauth.token.url " + e.getMessage(), e);
        }
        String clientId = config.getProperty("oauth.client.id", "").strip();
        if (clientId.isEmpty()) {
            throw new IllegalArgumentException(file + ": oauth.client.id is required with oauth.token.url");
        }
        String secretFile = config.getProperty("oauth.client.secret.file", "").strip();
        String refreshFile = config.getProperty("oauth.refresh.token.file", "").strip();
        String certificateFile = config.getProperty("oauth.client.certificate.file", "").strip();
        String keyFile = config.getProperty("oauth.client.key.file", "").strip();
        if (certificateFile.isEmpty() != keyFile.isEmpty()) {
            throw new IllegalArgumentException(file + ": oauth.client.certificate.file and oauth.client.key.file go "
                + "together");
        }
        if (!certificateFile.isEmpty() && !secretFile.isEmpty()) {
            throw new IllegalArgumentException(file + ": oauth.client.certificate.file or oauth.client.secret.file, "
                + "not both");
        }
        if (secretFile.isEmpty() && certificateFile.isEmpty() && refreshFile.isEmpty()) {
            throw new IllegalArgumentException(file + ": oauth.client.secret.file (or oauth.client.certificate.file) "
                + "is required for the client credentials grant (no oauth.refresh.token.file)");
        }
        String authentication = config.getProperty("oauth.client.auth", "post").strip().toUpperCase(Locale.ROOT);
        if (!authentication.equals("POST") && !authentication.equals("BASIC")) {
            throw new IllegalArgumentException(file + ": oauth.client.auth must be post or basic");
        }
        String secret = secretFile.isEmpty() ? "" : secret(file, "oauth.client.secret.file", secretFile);
        ClientCertificate certificate = certificateFile.isEmpty() ? null
            : ClientCertificate.read(resolved(file, certificateFile), resolved(file, keyFile));
        return TokenEndpoint.forClient(uri, clientId, () -> secret, certificate == null ? null : () -> certificate,
            refreshFile.isEmpty() ? "" : secret(file, "oauth.refresh.token.file", refreshFile), scope,
            ClientGrant.ClientAuthentication.valueOf(authentication), tls, TIMEOUT, InstantSource.system());
    }

    private static void authenticated(Properties mail) {
        mail.setProperty("mail.smtp.auth", "true");
        mail.setProperty("mail.smtps.auth", "true");
    }

    /** A file named relative to the configuration file's directory. */
    private static Path resolved(Path file, String name) {
        return file.toAbsolutePath().getParent().resolve(name);
    }

    private static String secret(Path file, String key, String name) {
        Path path = resolved(file, name);
        try {
            return Files.readString(path, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": " + key + " " + path + " cannot be read: " + e, e);
        }
    }

    /**
     * Connects {@code transport}, logging in when configured to.
     *
     * @throws AuthenticationFailedException when the server refused the login, or the token endpoint refused a
     *                                       token (neither is worth another try)
     * @throws MessagingException            otherwise; an access token not to be had for now has its
     *                                       {@link IOException} as the cause
     */
    void connect(Transport transport) throws MessagingException {
        if (user == null) {
            transport.connect();
            return;
        }
        if (tokens == null) {
            transport.connect(user, password);
            return;
        }
        AccessToken token;
        try {
            token = tokens.current();
        } catch (TokenRefusedException e) {
            throw new AuthenticationFailedException("no access token for the SMTP login: " + e.getMessage());
        } catch (IOException e) {
            throw new MessagingException("no access token for the SMTP login for now: " + e.getMessage(), e);
        }
        try {
            transport.connect(user, token.value());
        } catch (AuthenticationFailedException e) {
            tokens.rejected(token);
            throw e;
        }
    }
}
