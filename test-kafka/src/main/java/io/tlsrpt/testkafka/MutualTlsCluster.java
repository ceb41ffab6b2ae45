package io.tlsrpt.testkafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.KafkaClusterTestKit;

/**
 * A real single-node KRaft cluster whose client listener is TLS with client authentication required (mutual TLS, as a
 * Strimzi listener with {@code authentication: tls}), the {@code StandardAuthorizer} and no access without an ACL.
 * A throw-away CA ({@link TestCertificateAuthority}) signs the broker's certificate (for localhost and 127.0.0.1)
 * and every client certificate; a client's principal is {@code User:CN=<its name>}. {@code CN=admin} is a super user, and so
 * is the broker itself (it is its own client on this listener). The controller listener is plaintext, on 127.0.0.1.
 */
public record MutualTlsCluster(KafkaClusterTestKit kit, TestCertificateAuthority ca) implements AutoCloseable {

    /** The password of every keystore made here, as Strimzi gives it in the user Secret's {@code user.password}. */
    public static final String KEYSTORE_PASSWORD = TestCertificateAuthority.KEYSTORE_PASSWORD;
    private static final String ADMIN = "admin";
    private static final String BROKER = "broker";

    /** Started and ready; {@code dir} receives the CA's certificate and the keystores. */
    public static MutualTlsCluster start(Path dir, Map<String, String> brokerConfig) throws Exception {
        TestCertificateAuthority ca = new TestCertificateAuthority(dir);
        Map<String, String> config = new HashMap<>(ca.brokerListener(KafkaTestCluster.CLIENT_LISTENER, BROKER));
        config.put("listener.security.protocol.map", KafkaTestCluster.CLIENT_LISTENER + ":" + SecurityProtocol.SSL.name
                + "," + KafkaTestCluster.CONTROLLER_LISTENER + ":" + SecurityProtocol.PLAINTEXT.name);
        config.put("listener.name." + KafkaTestCluster.CLIENT_LISTENER.toLowerCase(Locale.ROOT) + ".ssl.client.auth",
                "required");
        config.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        config.put("allow.everyone.if.no.acl.found", "false");
        // ANONYMOUS: the broker's requests to the controller on the plaintext controller listener (127.0.0.1 only)
        config.put("super.users", "User:CN=" + ADMIN + ";User:CN=" + BROKER + ";User:ANONYMOUS");
        config.putAll(brokerConfig);
        return new MutualTlsCluster(KafkaTestCluster.start(config), ca);
    }

    /**
     * A PKCS12 keystore for {@code name} (certificate {@code CN=name} signed by the cluster's CA, with the CA's
     * certificate in its chain), made on first use; its password is {@link #KEYSTORE_PASSWORD}.
     */
    public Path keystore(String name) throws Exception {
        Path made = ca.caCertificate().resolveSibling(name + ".p12");
        return Files.exists(made) ? made : ca.keystore(name, false);
    }

    /** The PEM file of the CA that signed the broker's and the clients' certificates. */
    public Path caCertificate() {
        return ca.caCertificate();
    }

    /** Client settings of {@code name} over mutual TLS: bootstrap, SSL, its keystore, the CA as a PEM truststore. */
    public Properties client(String name) throws Exception {
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kit.bootstrapServers());
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, SecurityProtocol.SSL.name);
        p.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PKCS12");
        p.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, keystore(name).toString());
        p.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, KEYSTORE_PASSWORD);
        p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
        p.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, caCertificate().toString());
        return p;
    }

    /** The super user's client settings. */
    public Properties superUser() throws Exception {
        return client(ADMIN);
    }

    /** An admin client of the super user. */
    public Admin admin() throws Exception {
        return Admin.create(superUser());
    }

    public String bootstrapServers() {
        return kit.bootstrapServers();
    }

    @Override
    public void close() {
        KafkaTestCluster.close(kit);
    }
}
