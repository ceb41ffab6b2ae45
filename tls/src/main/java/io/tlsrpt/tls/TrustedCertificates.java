package io.tlsrpt.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/** A client's TLS context trusting the authorities of a PEM file, or the JVM's own without one. */
public final class TrustedCertificates {

    private TrustedCertificates() {
    }

    /**
     * @param caFile PEM certificates of the authorities to trust (a self-signed server's own certificate will do);
     *               null for the JVM's trusted authorities
     * @throws IllegalArgumentException when the file cannot be read or holds no certificate
     */
    public static SSLContext clientContext(Path caFile) {
        try {
            if (caFile == null) {
                return SSLContext.getDefault();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers(caFile), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(caFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * Trust managers of the authorities of {@code caFile} (PEM certificates), for a client checking its server or a
     * server checking its clients' certificates.
     *
     * @throws IllegalArgumentException when the file cannot be read or holds no certificate
     */
    public static TrustManager[] trustManagers(Path caFile) {
        try {
            List<X509Certificate> authorities = PemFiles.certificates(caFile);
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < authorities.size(); i++) {
                store.setCertificateEntry("ca-" + i, authorities.get(i));
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            return trust.getTrustManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException(caFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * The same for a server checking its clients' certificates, which also refuses those {@code revoked} lists
     * ({@link RevokedCertificates}: the lists of an authority of {@code caFile}, read again when their file changes).
     *
     * @throws IllegalArgumentException when the file cannot be read or holds no certificate
     */
    public static TrustManager[] clientCheckingTrustManagers(Path caFile, RevokedCertificates revoked) {
        TrustManager[] trusted = trustManagers(caFile);
        for (int i = 0; i < trusted.length; i++) {
            if (trusted[i] instanceof X509ExtendedTrustManager x509) {
                trusted[i] = new RevocationCheckingTrustManager(x509, revoked);
            }
        }
        return trusted;
    }
}
