package io.tlsrpt.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A server's check of its clients' certificates: the authorities' (the JDK's PKIX check, {@code trusted}), then
 * every certificate of the client's chain against the operator's revocation lists ({@link RevokedCertificates}).
 * The server's own checks of the servers it connects to are the authorities' only.
 */
final class RevocationCheckingTrustManager extends X509ExtendedTrustManager {

    private final X509ExtendedTrustManager trusted;
    private final RevokedCertificates revoked;

    RevocationCheckingTrustManager(X509ExtendedTrustManager trusted, RevokedCertificates revoked) {
        this.trusted = trusted;
        this.revoked = revoked;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        trusted.checkClientTrusted(chain, authType, socket);
        notRevoked(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        trusted.checkClientTrusted(chain, authType, engine);
        notRevoked(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        trusted.checkClientTrusted(chain, authType);
        notRevoked(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        trusted.checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        trusted.checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        trusted.checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return trusted.getAcceptedIssuers();
    }

    private void notRevoked(X509Certificate[] chain) throws CertificateException {
        for (X509Certificate certificate : chain) {
            if (revoked.revoked(certificate)) {
                throw new CertificateException("the certificate " + certificate.getSubjectX500Principal() + " (serial "
                        + certificate.getSerialNumber().toString(16) + ") of " + certificate.getIssuerX500Principal()
                        + " is revoked");
            }
        }
    }
}
