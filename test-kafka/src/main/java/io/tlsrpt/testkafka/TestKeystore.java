package io.tlsrpt.testkafka;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away PKCS12 keystore for 127.0.0.1 made by the JDK's keytool (the HTTPS receiver's tests, in-JVM and in
 * other processes), and a client SSLContext trusting it.
 */
public final class TestKeystore {
    public static final String PASSWORD = "changeit";

    private TestKeystore() {
    }

    public static Path create(Path dir) throws Exception {
        Files.createDirectories(dir);
        Path ks = dir.resolve("receiver.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "tlsrpt", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", PASSWORD,
                "-keypass", PASSWORD).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        return ks;
    }

    /** A client SSLContext trusting the certificate of a keystore {@link #create} made. */
    public static SSLContext clientTrusting(Path keystore) throws GeneralSecurityException, IOException {
        return clientTrusting(keystore, PASSWORD);
    }

    /** A client SSLContext trusting the certificates of a PKCS12 key- or truststore. */
    public static SSLContext clientTrusting(Path store, String password) throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, password.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
