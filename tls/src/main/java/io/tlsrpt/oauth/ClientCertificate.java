package io.tlsrpt.oauth;

import io.tlsrpt.tls.PemFiles;
import io.tlsrpt.tls.ReloadedFile;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * A client's certificate and key, its credential instead of a secret (Entra ID's certificate credentials): each
 * token request carries an assertion it signs (RFC 7523 section 2.2, {@code private_key_jwt}), naming the
 * certificate by its thumbprints. Its {@code toString()} holds no key.
 */
public record ClientCertificate(X509Certificate certificate, RSAPrivateKey key) {

    static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private static final long LIFETIME_SECONDS = 600;
    /** How often the files are looked at for a renewal, at most. */
    static final Duration RELOAD_INTERVAL = Duration.ofMinutes(1);

    /**
     * The PEM certificate (the first of {@code certificateFile}) and its PKCS#8 RSA key.
     *
     * @throws IllegalArgumentException naming the file, when one cannot be read or the key is not the certificate's
     */
    public static ClientCertificate read(Path certificateFile, Path keyFile) {
        X509Certificate certificate = PemFiles.certificates(certificateFile).get(0);
        PrivateKey key = PemFiles.privateKey(keyFile);
        if (!(key instanceof RSAPrivateKey rsa)) {
            throw new IllegalArgumentException(keyFile + ": not an RSA key (the assertions are RS256)");
        }
        if (!PemFiles.belongTogether(rsa, certificate)) {
            throw new IllegalArgumentException(keyFile + ": not the key of " + certificateFile);
        }
        return new ClientCertificate(certificate, rsa);
    }

    /**
     * The credential of these files, read again when the certificate file changes (looked at once a minute at most,
     * at a token request): a certificate renewed in place (cert-manager, a Key Vault or Vault agent writing the
     * files) is used from the next request on, without a restart. A renewal that cannot be read, or whose key is not
     * yet the certificate's (one file written before the other), leaves the credential read before in force, with a
     * warning, until it can.
     *
     * @throws IllegalArgumentException when the files cannot be read now
     */
    public static Supplier<ClientCertificate> reloaded(Path certificateFile, Path keyFile, InstantSource clock) {
        ReloadedFile<ClientCertificate> files = new ReloadedFile<>("client certificate", certificateFile,
                certificate -> read(certificate, keyFile), ClientCertificate::toString, clock, RELOAD_INTERVAL);
        return files::current;
    }

    /** The signed assertion of {@code clientId} for {@code endpoint} at {@code now}, unique by its {@code jti}. */
    String assertion(String clientId, URI endpoint, Instant now) throws IOException {
        long issued = now.getEpochSecond();
        String header;
        try {
            byte[] der = certificate.getEncoded();
            header = ",\"x5t\":" + Jwt.quoted(Jwt.URL.encodeToString(MessageDigest.getInstance("SHA-1").digest(der)))
                    + ",\"x5t#S256\":" + Jwt.quoted(Jwt.URL.encodeToString(
                            MessageDigest.getInstance("SHA-256").digest(der)));
        } catch (GeneralSecurityException e) {
            throw new IOException("the client certificate cannot be named: " + e.getMessage(), e);
        }
        String claims = "{\"aud\":" + Jwt.quoted(endpoint.toString()) + ",\"iss\":" + Jwt.quoted(clientId)
                + ",\"sub\":" + Jwt.quoted(clientId) + ",\"jti\":" + Jwt.quoted(UUID.randomUUID().toString())
                + ",\"nbf\":" + issued + ",\"iat\":" + issued + ",\"exp\":" + (issued + LIFETIME_SECONDS) + "}";
        return Jwt.signed(header, claims, key);
    }

    @Override
    public String toString() {
        return "client certificate " + certificate.getSubjectX500Principal().getName() + ", serial "
                + certificate.getSerialNumber().toString(16);
    }
}
