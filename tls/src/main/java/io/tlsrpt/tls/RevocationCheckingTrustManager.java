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
        notRevoked(chain, socket == null || socket.getInetAddress() == null ? null
                : socket.getInetAddress().getHostAddress());
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        trusted.checkClientTrusted(chain, authType, engine);
        notRevoked(chain, engine == null ? null : engine.getPeerHost());
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        trusted.checkClientTrusted(chain, authType);
        notRevoked(chain, null);
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

    /** @param peer the client's address as the connection knows it, null when unknown */
    private void notRevoked(X509Certificate[] chain, String peer) throws CertificateException {
        for (X509Certificate certificate : chain) {
            if (revoked.revoked(certificate)) {
                revoked.refused(certificate, peer == null ? "(an unknown address)" : peer);
                throw new CertificateException("the certificate " + certificate.getSubjectX500Principal() + " (serial "
                        + certificate.getSerialNumber().toString(16) + ") of " + certificate.getIssuerX500Principal()
                        + " is revoked");
            }
        }
    }
}
