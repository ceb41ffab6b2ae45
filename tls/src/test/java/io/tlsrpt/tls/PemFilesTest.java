package io.tlsrpt.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tlsrpt.testkafka.TestCertificateAuthority;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemFilesTest {

    @TempDir
    Path dir;

    @Test
    void readsTheChainInOrderAndThePkcs8KeyOfAKubernetesTlsSecret() throws Exception {
        TestCertificateAuthority.PemPair pair = new TestCertificateAuthority(dir).pemPair("processor-0");

        List<X509Certificate> chain = PemFiles.certificates(pair.certificate());

        assertThat(chain).extracting(c -> c.getSubjectX500Principal().getName())
                .containsExactly("CN=processor-0", "CN=test-kafka-ca");
        assertThat(PemFiles.privateKey(pair.key()).getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void readsAnRsaKeyAmongOtherBlocks() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        Path file = dir.resolve("bundle.pem");
        // openssl's "Bag Attributes" text before a block, and a certificate beside the key in one file
        Files.writeString(file, "Bag Attributes\n    friendlyName: caf\u00e9\n"
                + Files.readString(new TestCertificateAuthority(dir).caCertificate())
                + TestCertificateAuthority.pem("PRIVATE KEY", keys.getPrivate().getEncoded()),
                java.nio.charset.StandardCharsets.ISO_8859_1);

        assertThat(PemFiles.privateKey(file)).isEqualTo(keys.getPrivate());
        assertThat(PemFiles.certificates(file)).hasSize(1);
    }

    @Test
    void refusesTheOlderKeyFormsWithTheCommandThatConvertsThem() throws Exception {
        Path pkcs1 = dir.resolve("tls.key");
        Files.writeString(pkcs1, TestCertificateAuthority.pem("RSA PRIVATE KEY", new byte[] {48, 0}));

        assertThatThrownBy(() -> PemFiles.privateKey(pkcs1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RSA PRIVATE KEY")
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt -in tls.key")
                .hasMessageContaining("privateKey.encoding: PKCS8");
    }

    @Test
    void namesTheFileAndWhatIsMissing() throws Exception {
        TestCertificateAuthority.PemPair pair = new TestCertificateAuthority(dir).pemPair("p");
        Path garbage = dir.resolve("garbage.pem");
        Files.writeString(garbage, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");

        assertThatThrownBy(() -> PemFiles.certificates(pair.key()))
                .hasMessage(pair.key() + ": no PEM certificate (-----BEGIN CERTIFICATE-----) in it");
        assertThatThrownBy(() -> PemFiles.privateKey(pair.certificate()))
                .hasMessage(pair.certificate() + ": no PEM private key (-----BEGIN PRIVATE KEY-----) in it");
        assertThatThrownBy(() -> PemFiles.certificates(garbage))
                .hasMessageStartingWith(garbage + ": not a readable certificate");
        assertThatThrownBy(() -> PemFiles.certificates(dir.resolve("missing.crt")))
                .hasMessageStartingWith("cannot read " + dir.resolve("missing.crt"));
    }
}
