package io.tlsrpt.processor.tls;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tlsrpt.processor.reload.RecheckInterval;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server's certificate and key from two PEM files, read again when either changes (looked at, at most every
 * {@link #RECHECK_INTERVAL}, by the handshakes), so that a certificate renewed in place (cert-manager rotating a
 * mounted secret) is served without a restart. A pair that cannot be read, or whose key does not belong to its
 * certificate (the two files written one after the other), leaves the pair in force, with a warning, until the files
 * agree. Each pair read gets an alias of its own, so that a handshake that chose an alias before a reload gets that
 * alias's certificate and key, never one of each.
 *
 * <p>Metrics: {@code tlsrpt_http_tls_certificate_not_after_seconds} (the expiry of the certificate in force, for an
 * alert before it lapses) and {@code tlsrpt_http_tls_reloads_total{result="applied|failed"}}.
 */
public final class ServerCertificate {

    static final Duration RECHECK_INTERVAL = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(ServerCertificate.class);
    private static final String ALIAS_PREFIX = "tlsrpt-";
    private static final char[] IN_MEMORY_PASSWORD = "in-memory".toCharArray();

    private final Path certificateFile;
    private final Path keyFile;
    private final RecheckInterval recheck;
    private final Counter applied;
    private final Counter failed;
    /** The pair in force and the one before (a handshake may be between choosing its alias and reading it). */
    private volatile Pair current;
    private volatile Pair previous;
    /** The files' state last refused, to warn once per change rather than at every look. */
    private volatile String refused;

    private record Pair(long generation, String stamp, X509Certificate[] chain, PrivateKey key,
                        X509ExtendedKeyManager keys) {
        String alias() {
            return ALIAS_PREFIX + generation;
        }
    }

    private ServerCertificate(Path certificateFile, Path keyFile, InstantSource clock, MeterRegistry registry) {
        this.certificateFile = certificateFile;
        this.keyFile = keyFile;
        this.current = read(1, stamp());
        this.recheck = new RecheckInterval(clock, RECHECK_INTERVAL);
        Gauge.builder("tlsrpt.http.tls.certificate.not.after", this,
                        c -> c.certificate().getNotAfter().toInstant().getEpochSecond())
                .description("When the certificate the HTTP server presents (http.tls.certificate.file) expires,"
                        + " as a Unix time")
                .baseUnit("seconds")
                .register(registry);
        this.applied = reloads(registry, "applied");
        this.failed = reloads(registry, "failed");
    }

    private static Counter reloads(MeterRegistry registry, String result) {
        return Counter.builder("tlsrpt.http.tls.reloads")
                .description("Changed certificate and key files of the HTTP server read again and served (applied),"
                        + " or refused, the pair before staying in force (failed)")
                .tag("result", result)
                .register(registry);
    }

    /**
     * Reads the pair once.
     *
     * @throws IllegalArgumentException when either file cannot be read, or the key is not the certificate's
     */
    public static ServerCertificate load(Path certificateFile, Path keyFile, InstantSource clock,
                                         MeterRegistry registry) {
        return new ServerCertificate(certificateFile, keyFile, clock, registry);
    }

    /** Checks a pair as {@link #load} would, without keeping it (the configuration's check). */
    public static void check(Path certificateFile, Path keyFile) {
        pair(certificateFile, keyFile, 0, "");
    }

    /** A TLS context presenting this certificate, and the renewed one after a change of the files. */
    public SSLContext serverContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {new ReloadingKeyManager()}, null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JVM offers no TLS: " + e.getMessage(), e);
        }
    }

    /** The server's certificate in force (its own, the first of the chain). */
    public X509Certificate certificate() {
        return current.chain()[0];
    }

    private Pair read(long generation, String stamp) {
        return pair(certificateFile, keyFile, generation, stamp);
    }

    private static Pair pair(Path certificateFile, Path keyFile, long generation, String stamp) {
        List<X509Certificate> chain = PemFiles.certificates(certificateFile);
        PrivateKey key = PemFiles.privateKey(keyFile);
        if (!belongTogether(key, chain.get(0))) {
            throw new IllegalArgumentException("the key of " + keyFile + " is not the key of the first certificate"
                    + " of " + certificateFile + " (" + chain.get(0).getSubjectX500Principal() + ")");
        }
        X509Certificate[] certificates = chain.toArray(X509Certificate[]::new);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS_PREFIX + generation, key, IN_MEMORY_PASSWORD, certificates);
            // SunX509 keeps the aliases as given (the PKIX manager prefixes them with its own numbers)
            KeyManagerFactory factory = KeyManagerFactory.getInstance("SunX509");
            factory.init(store, IN_MEMORY_PASSWORD);
            return new Pair(generation, stamp, certificates, key, (X509ExtendedKeyManager) factory.getKeyManagers()[0]);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException(certificateFile + " with " + keyFile + ": " + e.getMessage(), e);
        }
    }

    /** Whether {@code key} signs what the certificate's public key verifies. */
    private static boolean belongTogether(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            // a key type without a plain signature here (RSASSA-PSS): the first handshake will tell
            return key.getAlgorithm().equals(certificate.getPublicKey().getAlgorithm());
        }
        byte[] probe = "tlsrpt key check".getBytes(StandardCharsets.US_ASCII);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            // a key of one type and a certificate of another
            return false;
        }
    }

    /** The files' modification times and sizes: a change of either is a change of the pair. */
    private String stamp() {
        try {
            return Files.getLastModifiedTime(certificateFile) + "/" + Files.size(certificateFile) + " "
                    + Files.getLastModifiedTime(keyFile) + "/" + Files.size(keyFile);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + certificateFile + " or " + keyFile + ": "
                    + e.getMessage(), e);
        }
    }

    /** The pair in force, read again first when the files changed since the last look (at most every few seconds). */
    private Pair current() {
        if (recheck.due()) {
            reloadIfChanged();
        }
        return current;
    }

    private void reloadIfChanged() {
        Pair inForce = current;
        String stamp = null;
        try {
            stamp = stamp();
            if (stamp.equals(inForce.stamp()) || stamp.equals(refused)) {
                return;
            }
            Pair renewed = read(inForce.generation() + 1, stamp);
            previous = inForce;
            current = renewed;
            applied.increment();
            LOG.info("HTTP server certificate read again from {}: {}, valid until {}", certificateFile,
                    renewed.chain()[0].getSubjectX500Principal(), renewed.chain()[0].getNotAfter().toInstant());
        } catch (IllegalArgumentException e) {
            // the files' state refused (or, when they could not even be looked at, the reason): warned about once
            String state = stamp != null ? stamp : e.getMessage();
            if (!state.equals(refused)) {
                failed.increment();
                LOG.warn("{}; the HTTP server keeps its certificate valid until {}", e.getMessage(),
                        inForce.chain()[0].getNotAfter().toInstant());
            }
            refused = state;
        }
    }

    private Pair byAlias(String alias) {
        Pair now = current;
        if (now.alias().equals(alias)) {
            return now;
        }
        Pair before = previous;
        return before != null && before.alias().equals(alias) ? before : null;
    }

    /** Chooses the pair in force at each handshake; the chosen alias's certificate and key come from that pair. */
    private final class ReloadingKeyManager extends X509ExtendedKeyManager {

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return current().keys().chooseEngineServerAlias(keyType, issuers, engine);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return current().keys().chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return current().keys().getServerAliases(keyType, issuers);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            Pair pair = byAlias(alias);
            return pair == null ? null : pair.chain().clone();
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            Pair pair = byAlias(alias);
            return pair == null ? null : pair.key();
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }
}
