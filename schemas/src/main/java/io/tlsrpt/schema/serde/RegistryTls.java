package io.tlsrpt.schema.serde;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS towards the registry beyond the JVM's defaults: a trust store for a registry whose certificate a
 * private CA signed, and a key store for client-certificate (mutual TLS) authentication. Either may be
 * absent; {@link #context()} is then the JVM default.
 */
public record RegistryTls(String trustStoreLocation, String trustStorePassword, String trustStoreType,
                          String keyStoreLocation, String keyStorePassword, String keyStoreType, String keyPassword) {

    /** The JVM's defaults. */
    public static RegistryTls defaults() {
        return new RegistryTls(null, null, "PKCS12", null, null, "PKCS12", null);
    }

    /** True when nothing differs from the JVM's defaults. */
    public boolean isDefault() {
        return trustStoreLocation == null && keyStoreLocation == null;
    }

    /** The SSL context these stores describe; throws IllegalArgumentException naming an unreadable store. */
    public SSLContext context() {
        try {
            if (isDefault()) {
                return SSLContext.getDefault();
            }
            TrustManagerFactory trust = null;
            if (trustStoreLocation != null) {
                trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(load(trustStoreLocation, trustStorePassword, trustStoreType, "trust store"));
            }
            KeyManagerFactory keys = null;
            if (keyStoreLocation != null) {
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                String password = keyPassword != null ? keyPassword : keyStorePassword;
                keys.init(load(keyStoreLocation, keyStorePassword, keyStoreType, "key store"),
                        password == null ? new char[0] : password.toCharArray());
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot set up TLS for the schema registry: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        // never print passwords
        return "RegistryTls[trustStore=" + trustStoreLocation + ", keyStore=" + keyStoreLocation + "]";
    }

    private static KeyStore load(String location, String password, String type, String what)
            throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(type == null ? "PKCS12" : type);
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            store.load(in, password == null ? null : password.toCharArray());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the schema registry " + what + " " + location + ": "
                    + e.getMessage(), e);
        }
        return store;
    }
}
