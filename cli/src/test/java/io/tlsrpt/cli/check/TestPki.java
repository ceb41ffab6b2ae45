package io.tlsrpt.cli.check;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.OutputStream;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A test certificate authority and one server certificate signed by it, made with the JDK's keytool (real X.509,
 * no pre-generated keys in the repository).
 */
public final class TestPki {

    private static final String PASSWORD = "changeit";

    final Path dir;
    public final Path caPem;
    final Path serverKeystore;

    private TestPki(Path dir) {
        this.dir = dir;
        this.caPem = dir.resolve("ca.pem");
        this.serverKeystore = dir.resolve("server.p12");
    }

    /** A CA and a server certificate for the given DNS names (four keytool runs; the rest is done in-process). */
    public static TestPki create(List<String> serverNames) throws Exception {
        return create(serverNames, null, 2);
    }

    /**
     * The same, with the server certificate valid from {@code startDate} (keytool's form, e.g. {@code -10d}; null:
     * now) for {@code validityDays}: an expired one, or one about to expire.
     */
    public static TestPki create(List<String> serverNames, String startDate, int validityDays) throws Exception {
        TestPki pki = new TestPki(Files.createTempDirectory("tlsrpt-pki"));
        Path ca = pki.dir.resolve("ca.p12");
        Path csr = pki.dir.resolve("server.csr");
        Path cert = pki.dir.resolve("server.pem");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=TLS-RPT Test CA",
            "-ext", "bc:c", "-validity", "2", "-keystore", ca.toString());
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
            "-dname", "CN=" + serverNames.get(0), "-validity", "2", "-keystore", pki.serverKeystore.toString());
        keytool("-certreq", "-alias", "server", "-keystore", pki.serverKeystore.toString(), "-file", csr.toString());
        List<String> gencert = new ArrayList<>(List.of("-gencert", "-alias", "ca", "-keystore", ca.toString(),
            "-infile", csr.toString(), "-outfile", cert.toString(), "-rfc", "-validity",
            Integer.toString(validityDays), "-ext",
            "san=" + String.join(",", serverNames.stream().map(n -> "dns:" + n).toList())));
        if (startDate != null) {
            gencert.addAll(List.of("-startdate", startDate));
        }
        keytool(gencert.toArray(String[]::new));

        Certificate caCert = load(ca).getCertificate("ca");
        Files.writeString(pki.caPem, "-----BEGIN CERTIFICATE-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(caCert.getEncoded())
            + "\n-----END CERTIFICATE-----\n");
        Certificate serverCert;
        try (InputStream in = Files.newInputStream(cert)) {
            serverCert = CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        KeyStore server = load(pki.serverKeystore);
        Key key = server.getKey("server", PASSWORD.toCharArray());
        server.setKeyEntry("server", key, PASSWORD.toCharArray(), new Certificate[] {serverCert, caCert});
        try (OutputStream out = Files.newOutputStream(pki.serverKeystore)) {
            server.store(out, PASSWORD.toCharArray());
        }
        return pki;
    }

    private static KeyStore load(Path file) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        return ks;
    }

    /** The server's certificate chain as it presents it: its own certificate, then the CA's. */
    public java.util.List<java.security.cert.X509Certificate> serverChain() throws Exception {
        return java.util.Arrays.stream(load(serverKeystore).getCertificateChain("server"))
            .map(java.security.cert.X509Certificate.class::cast).toList();
    }

    /** The server side: presents the certificate chain. */
    public SSLContext serverContext() throws Exception {
        KeyStore ks = load(serverKeystore);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD.toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        // a short-lived JVM: skip the optimizing compiler, start faster
        cmd.addAll(List.of("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", args) + " failed: " + out);
        }
    }
}
