package io.tlsrpt.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CRL;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client certificates an operator revoked: the certificate revocation lists (CRLs, PEM or DER) of a file, each
 * signed by one of the authorities the clients' certificates are checked against. Read again when the file changes
 * (looked at no more often than every {@link #RECHECK_INTERVAL}, by the handshakes that use it): a CRL published
 * again (a certificate revoked, the CRL renewed) applies without a restart; a file that cannot be read, or holds a CRL
 * no authority signed, leaves the CRLs read before in force, with a warning. A CRL past its next update still
 * revokes what it lists (a revoked certificate does not come back when the operator is late), with a warning.
 */
public final class RevokedCertificates {

    /** How often a handshake may look at the file for a change. */
    public static final Duration RECHECK_INTERVAL = Duration.ofSeconds(5);
    /** A revoked certificate presented is logged at most this often (a client retrying in a loop floods nothing). */
    static final Duration WARN_EVERY = Duration.ofMinutes(1);

    private static final Logger LOG = LoggerFactory.getLogger(RevokedCertificates.class);

    private final InstantSource clock;
    private final ReloadedFile<List<X509CRL>> lists;
    private final AtomicLong refused = new AtomicLong();
    private volatile Instant lastWarning;

    /**
     * @param file        the CRLs
     * @param authorities the authorities of the clients' certificates: every CRL must be signed by one of them
     * @throws IllegalArgumentException when the file cannot be read, holds no CRL or one no authority signed
     */
    public RevokedCertificates(Path file, List<X509Certificate> authorities, InstantSource clock) {
        List<X509Certificate> trusted = List.copyOf(authorities);
        this.clock = clock;
        this.lists = new ReloadedFile<>("client certificate revocation lists", file,
                f -> read(f, trusted, clock.instant()), RevokedCertificates::described, clock, RECHECK_INTERVAL);
    }

    /** Whether {@code certificate} is listed by a CRL of its issuer. */
    public boolean revoked(X509Certificate certificate) {
        for (X509CRL crl : lists.current()) {
            if (crl.getIssuerX500Principal().equals(certificate.getIssuerX500Principal())
                    && crl.isRevoked(certificate)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A client presented {@code certificate}, revoked, from {@code peer}, and was refused: counted, and logged at most
     * once per {@link #WARN_EVERY} (a leaked certificate in use is a security team's business).
     */
    void refused(X509Certificate certificate, String peer) {
        long count = refused.incrementAndGet();
        Instant now = clock.instant();
        Instant last = lastWarning;
        if (last == null || !now.isBefore(last.plus(WARN_EVERY))) {
            lastWarning = now;
            LOG.warn("a revoked client certificate was presented and refused: {} (serial {}) of {}, from {}; {} "
                    + "refused since the start", certificate.getSubjectX500Principal(),
                    certificate.getSerialNumber().toString(16), certificate.getIssuerX500Principal(), peer, count);
        }
    }

    /** How many handshakes presented a revoked certificate and were refused. */
    public long refused() {
        return refused.get();
    }

    /** How many certificates the CRLs in force list. */
    public int listed() {
        return listed(lists.current());
    }

    private static int listed(List<X509CRL> lists) {
        int count = 0;
        for (X509CRL crl : lists) {
            count += crl.getRevokedCertificates() == null ? 0 : crl.getRevokedCertificates().size();
        }
        return count;
    }

    private static String described(List<X509CRL> lists) {
        return lists.size() + " client certificate revocation lists (" + listed(lists) + " certificates revoked)";
    }

    /**
     * Every CRL of {@code file}, each checked against the authority that issued it.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static List<X509CRL> read(Path file, List<X509Certificate> authorities, Instant now) {
        Collection<? extends CRL> read;
        try (InputStream in = Files.newInputStream(file)) {
            read = CertificateFactory.getInstance("X.509").generateCRLs(in);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        if (read.isEmpty()) {
            throw new IllegalArgumentException(file + ": no certificate revocation list");
        }
        List<X509CRL> lists = new ArrayList<>();
        for (CRL crl : read) {
            X509CRL x509 = (X509CRL) crl;
            if (!signedByAnAuthority(x509, authorities)) {
                throw new IllegalArgumentException(file + ": the revocation list of " + x509.getIssuerX500Principal()
                        + " is not signed by an authority of the clients' certificates");
            }
            if (x509.getNextUpdate() != null && x509.getNextUpdate().toInstant().isBefore(now)) {
                LOG.warn("{}: the revocation list of {} was due to be replaced at {}; it still revokes what it lists",
                        file, x509.getIssuerX500Principal(), x509.getNextUpdate().toInstant());
            }
            lists.add(x509);
        }
        return List.copyOf(lists);
    }

    private static boolean signedByAnAuthority(X509CRL crl, List<X509Certificate> authorities) {
        for (X509Certificate authority : authorities) {
            if (authority.getSubjectX500Principal().equals(crl.getIssuerX500Principal())) {
                try {
                    crl.verify(authority.getPublicKey());
                    return true;
                } catch (GeneralSecurityException e) {
                    LOG.debug("{} did not sign the revocation list: {}", authority.getSubjectX500Principal(),
                            e.getMessage());
                }
            }
        }
        return false;
    }

}
