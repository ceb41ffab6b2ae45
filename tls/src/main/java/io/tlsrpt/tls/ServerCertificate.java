package io.tlsrpt.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server's certificate and key, from two PEM files or a keystore, read again when its files change (looked at, at
 * most every {@link #RECHECK_INTERVAL}, by the handshakes), so that a certificate renewed in place (cert-manager
 * rotating a mounted secret) is served without a restart. Files that cannot be read, or a key that does not belong
 * to its certificate (two PEM files written one after the other), leave the pair in force, with a warning once per
 * state of the files, until they agree. Each pair read gets an alias of its own, so that a handshake that chose an
 * alias before a reload gets that alias's certificate and key, never one of each.
 *
 * <p>{@link #certificate()} (its expiry, for an alert before it lapses), {@link #reloadsApplied()} and
 * {@link #reloadsRefused()} are for the servers' metrics.
 */
public final class ServerCertificate {

    static final Duration RECHECK_INTERVAL = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(ServerCertificate.class);
    private static final String ALIAS_PREFIX = "tlsrpt-";
    private static final char[] IN_MEMORY_PASSWORD = "in-memory".toCharArray();

    private final Source source;
    private final RecheckInterval recheck;
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong refusedCount = new AtomicLong();
    /** The pair in force and the one before (a handshake may be between choosing its alias and reading it). */
    private volatile Pair current;
    private volatile Pair previous;
    /** The files' state last refused, to warn once per change rather than at every look. */
    private volatile String refused;

    /** Where the certificate and key come from, read whole each time. */
    private interface Source {
        List<Path> files();

        /** @throws IllegalArgumentException naming the file and what is wrong with it */
        Material read();
    }

    private record Material(X509Certificate[] chain, PrivateKey key) {
    }

    private record Pair(long generation, String stamp, X509Certificate[] chain, PrivateKey key,
                        X509ExtendedKeyManager keys) {
        String alias() {
            return ALIAS_PREFIX + generation;
        }
    }

    private ServerCertificate(Source source, InstantSource clock) {
        this.source = source;
        this.current = pair(source, 1, stamp(source));
        this.recheck = new RecheckInterval(clock, RECHECK_INTERVAL);
    }

    /**
     * From a PEM file of the certificate (its intermediates after it) and one of its unencrypted PKCS#8 key.
     *
     * @throws IllegalArgumentException when either file cannot be read, or the key is not the certificate's
     */
    public static ServerCertificate fromPem(Path certificateFile, Path keyFile, InstantSource clock) {
        return new ServerCertificate(pem(certificateFile, keyFile), clock);
    }

    /**
     * From the first key entry of a keystore file (PKCS12 or JKS).
     *
     * @throws IllegalArgumentException when it cannot be read or holds no key entry
     */
    public static ServerCertificate fromKeyStore(Path file, String type, char[] storePassword, char[] keyPassword,
                                                 InstantSource clock) {
        return new ServerCertificate(keyStore(file, type, storePassword, keyPassword), clock);
    }

    /** Checks a PEM pair as {@link #fromPem} would, without keeping it (a configuration's check). */
    public static void checkPem(Path certificateFile, Path keyFile) {
        pair(pem(certificateFile, keyFile), 0, "");
    }

    /** How long a client's TLS session may be resumed where its certificate's revocation is checked. */
    public static final Duration RESUMED_SESSIONS_WITH_REVOCATION = Duration.ofMinutes(5);

    /** A TLS context presenting this certificate, and the renewed one after a change of the files. */
    public SSLContext serverContext() {
        return context(null);
    }

    /**
     * The same, checking the certificates clients present against the authorities of {@code clientCaFile} (PEM; the
     * server must also ask for them: {@code SSLParameters.setNeedClientAuth}).
     *
     * @throws IllegalArgumentException when the file cannot be read or holds no certificate
     */
    public SSLContext serverContext(Path clientCaFile) {
        return context(TrustedCertificates.trustManagers(clientCaFile));
    }

    /**
     * The same, refusing also the client certificates {@code revoked} lists (the revocation lists of those
     * authorities, read again when their file changes).
     *
     * @throws IllegalArgumentException when the authorities' file cannot be read or holds no certificate
     */
    public SSLContext serverContext(Path clientCaFile, RevokedCertificates revoked) {
        SSLContext context = context(TrustedCertificates.clientCheckingTrustManagers(clientCaFile, revoked));
        // a resumed TLS session checks no certificate: a client revoked after its handshake resumes for this long
        context.getServerSessionContext().setSessionTimeout((int) RESUMED_SESSIONS_WITH_REVOCATION.toSeconds());
        return context;
    }

    /**
     * A TLS context for a client that presents this certificate (the renewed one after a change of the files) to
     * servers asking for one, and trusts the authorities of {@code caFile} (PEM; null: the JVM's): one instance of a
     * service calling another that asks its clients for certificates.
     *
     * @throws IllegalArgumentException when the file cannot be read or holds no certificate
     */
    public SSLContext clientContext(Path caFile) {
        return context(caFile == null ? null : TrustedCertificates.trustManagers(caFile));
    }

    private SSLContext context(TrustManager[] trust) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {new ReloadingKeyManager()}, trust, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JVM offers no TLS: " + e.getMessage(), e);
        }
    }

    /** The server's certificate in force (its own, the first of the chain). */
    public X509Certificate certificate() {
        return current.chain()[0];
    }

    /** Changed files read and served since the start. */
    public long reloadsApplied() {
        return applied.get();
    }

    /** Changed files refused (each state of the files once), the pair in force kept. */
    public long reloadsRefused() {
        return refusedCount.get();
    }

    private static Source pem(Path certificateFile, Path keyFile) {
        return new Source() {
            @Override
            public List<Path> files() {
                return List.of(certificateFile, keyFile);
            }

            @Override
            public Material read() {
                List<X509Certificate> chain = PemFiles.certificates(certificateFile);
                PrivateKey key = PemFiles.privateKey(keyFile);
                if (!PemFiles.belongTogether(key, chain.get(0))) {
                    throw new IllegalArgumentException("the key of " + keyFile + " is not the key of the first"
                            + " certificate of " + certificateFile + " (" + chain.get(0).getSubjectX500Principal()
                            + ")");
                }
                return new Material(chain.toArray(X509Certificate[]::new), key);
            }
        };
    }

    private static Source keyStore(Path file, String type, char[] storePassword, char[] keyPassword) {
        char[] storeSecret = storePassword.clone();
        char[] keySecret = keyPassword.clone();
        return new Source() {
            @Override
            public List<Path> files() {
                return List.of(file);
            }

            @Override
            public Material read() {
                try (InputStream in = Files.newInputStream(file)) {
                    KeyStore store = KeyStore.getInstance(type);
                    store.load(in, storeSecret);
                    for (String alias : Collections.list(store.aliases())) {
                        if (store.isKeyEntry(alias)) {
                            Certificate[] chain = store.getCertificateChain(alias);
                            PrivateKey key = (PrivateKey) store.getKey(alias, keySecret);
                            return new Material(Arrays.copyOf(chain, chain.length, X509Certificate[].class), key);
                        }
                    }
                    throw new IllegalArgumentException(file + ": no key entry in the keystore");
                } catch (IOException | GeneralSecurityException | ClassCastException | ArrayStoreException e) {
                    throw new IllegalArgumentException("cannot read the keystore " + file + ": " + e.getMessage(), e);
                }
            }
        };
    }

    private static Pair pair(Source source, long generation, String stamp) {
        Material material = source.read();
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS_PREFIX + generation, material.key(), IN_MEMORY_PASSWORD, material.chain());
            // SunX509 keeps the aliases as given (the PKIX manager prefixes them with its own numbers)
            KeyManagerFactory factory = KeyManagerFactory.getInstance("SunX509");
            factory.init(store, IN_MEMORY_PASSWORD);
            return new Pair(generation, stamp, material.chain(), material.key(),
                    (X509ExtendedKeyManager) factory.getKeyManagers()[0]);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException(source.files() + ": " + e.getMessage(), e);
        }
    }

    /** The files' modification times and sizes: a change of any is a change of the pair. */
    private static String stamp(Source source) {
        StringBuilder stamp = new StringBuilder();
        for (Path file : source.files()) {
            try {
                stamp.append(Files.getLastModifiedTime(file)).append('/').append(Files.size(file)).append(' ');
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        return stamp.toString();
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
            stamp = stamp(source);
            if (stamp.equals(inForce.stamp()) || stamp.equals(refused)) {
                return;
            }
            Pair renewed = pair(source, inForce.generation() + 1, stamp);
            previous = inForce;
            current = renewed;
            applied.incrementAndGet();
            LOG.info("server certificate read again from {}: {}, valid until {}", source.files(),
                    renewed.chain()[0].getSubjectX500Principal(), renewed.chain()[0].getNotAfter().toInstant());
        } catch (IllegalArgumentException e) {
            // the files' state refused (or, when they could not even be looked at, the reason): warned about once
            String state = stamp != null ? stamp : e.getMessage();
            if (!state.equals(refused)) {
                refusedCount.incrementAndGet();
                LOG.warn("{}; the server keeps its certificate valid until {}", e.getMessage(),
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
            return current().keys().getClientAliases(keyType, issuers);
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return current().keys().chooseClientAlias(keyType, issuers, socket);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return current().keys().chooseEngineClientAlias(keyType, issuers, engine);
        }
    }
}
