package io.tlsrpt.testkafka;

import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.config.SslConfigs;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority made in the JVM (BouncyCastle; no keytool processes, which take a second each):
 * its certificate as a PEM file, and PKCS12 keystores for the names it signs, valid a day.
 */
public final class TestCertificateAuthority {

    /** The password of every keystore written here (Strimzi gives a user's in the Secret's {@code user.password}). */
    public static final String KEYSTORE_PASSWORD = "test-kafka-keystore";
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private final Path dir;
    private final KeyPair keys;
    private final X509Certificate certificate;

    /** A new CA whose files go to {@code dir}; its certificate is written to {@code dir/ca.crt}. */
    public TestCertificateAuthority(Path dir) throws Exception {
        this.dir = Files.createDirectories(dir);
        this.keys = keyPair();
        X500Name name = new X500Name("CN=test-kafka-ca");
        JcaX509v3CertificateBuilder builder = builder(name, name, keys);
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        this.certificate = sign(builder, keys.getPrivate());
        Files.writeString(caCertificate(), pem(certificate), StandardCharsets.US_ASCII);
    }

    /** The PEM file of this CA's certificate, for {@code ssl.truststore.type=PEM}. */
    public Path caCertificate() {
        return dir.resolve("ca.crt");
    }

    /**
     * {@code dir/<name>.p12}: a key and a certificate {@code CN=<name>} signed by this CA (the CA's certificate in its
     * chain), valid for localhost and 127.0.0.1 when {@code forLoopback}; password {@link #KEYSTORE_PASSWORD}.
     */
    public Path keystore(String name, boolean forLoopback) throws Exception {
        KeyPair leafKeys = keyPair();
        JcaX509v3CertificateBuilder builder = builder(new X500Name("CN=test-kafka-ca"), new X500Name("CN=" + name),
                leafKeys);
        if (forLoopback) {
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        }
        X509Certificate leaf = sign(builder, keys.getPrivate());
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(name, leafKeys.getPrivate(), KEYSTORE_PASSWORD.toCharArray(),
                new Certificate[] {leaf, certificate});
        Path file = dir.resolve(name + ".p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, KEYSTORE_PASSWORD.toCharArray());
        }
        return file;
    }

    /** A certificate's and its key's PEM files. */
    public record PemPair(Path certificate, Path key) {
    }

    /**
     * {@code dir/<name>.crt}, the certificate {@code CN=<name>} for localhost and 127.0.0.1 signed by this CA with the
     * CA's after it (as a Kubernetes TLS secret's {@code tls.crt}), and {@code dir/<name>.key}, its unencrypted PKCS#8
     * key ({@code tls.key}); written again, with a new key, when asked again.
     */
    public PemPair pemPair(String name) throws Exception {
        return pemPair(name, keyPair());
    }

    /**
     * As {@link #pemPair(String)} with a 2048-bit RSA key (an OAuth client's certificate credential: its assertions
     * are RS256).
     */
    public PemPair rsaPemPair(String name) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return pemPair(name, generator.generateKeyPair());
    }

    private PemPair pemPair(String name, KeyPair leafKeys) throws Exception {
        JcaX509v3CertificateBuilder builder = builder(new X500Name("CN=test-kafka-ca"), new X500Name("CN=" + name),
                leafKeys);
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, "localhost"),
            new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        X509Certificate leaf = sign(builder, keys.getPrivate());
        Path certificateFile = dir.resolve(name + ".crt");
        Path keyFile = dir.resolve(name + ".key");
        Files.writeString(certificateFile, pem(leaf) + pem(certificate), StandardCharsets.US_ASCII);
        Files.writeString(keyFile, pem("PRIVATE KEY", leafKeys.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
        return new PemPair(certificateFile, keyFile);
    }

    /**
     * {@code dir/<name>.crl}: a PEM certificate revocation list of this CA revoking {@code revoked}, due to be replaced
     * {@code nextUpdateIn} from now (negative: already overdue); written again when asked again.
     */
    public Path crl(String name, Duration nextUpdateIn, X509Certificate... revoked) throws Exception {
        Instant now = Instant.now();
        X509v2CRLBuilder builder = new X509v2CRLBuilder(new X500Name("CN=test-kafka-ca"),
                Date.from(now.minus(Duration.ofMinutes(1))));
        builder.setNextUpdate(Date.from(now.plus(nextUpdateIn)));
        for (X509Certificate certificate : revoked) {
            builder.addCRLEntry(certificate.getSerialNumber(), Date.from(now.minus(Duration.ofMinutes(1))),
                    CRLReason.keyCompromise);
        }
        byte[] der = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()))
                .getEncoded();
        Path file = dir.resolve(name + ".crl");
        Files.writeString(file, pem("X509 CRL", der), StandardCharsets.US_ASCII);
        return file;
    }

    /**
     * The settings of a broker listener ({@code listener.name.<listener>.ssl.*}) with a keystore for {@code CN=name}
     * (localhost, 127.0.0.1) and this CA as its PEM truststore: the broker is its own client on its inter-broker
     * listener (transaction markers, ...), and with client authentication this CA vouches for the clients.
     */
    public Map<String, String> brokerListener(String listener, String name) throws Exception {
        String prefix = "listener.name." + listener.toLowerCase(Locale.ROOT) + ".";
        Map<String, String> config = new HashMap<>();
        config.put(prefix + SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PKCS12");
        config.put(prefix + SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, keystore(name, true).toString());
        config.put(prefix + SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, KEYSTORE_PASSWORD);
        config.put(prefix + SslConfigs.SSL_KEY_PASSWORD_CONFIG, KEYSTORE_PASSWORD);
        config.put(prefix + SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
        config.put(prefix + SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, caCertificate().toString());
        return config;
    }

    private static KeyPair keyPair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static JcaX509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair subjectKeys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))), subject,
                subjectKeys.getPublic());
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder builder, PrivateKey issuerKey) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    }

    private static String pem(X509Certificate certificate) throws Exception {
        return pem("CERTIFICATE", certificate.getEncoded());
    }

    /** A PEM block of {@code type} ("CERTIFICATE", "PRIVATE KEY") holding {@code der}. */
    public static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
