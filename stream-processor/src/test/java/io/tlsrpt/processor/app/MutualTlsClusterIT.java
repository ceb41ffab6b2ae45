package io.tlsrpt.processor.app;

import static io.tlsrpt.processor.app.SecuredClusterFixture.assertRefusedAtConnection;
import static io.tlsrpt.processor.app.SecuredClusterFixture.assertRunsEndToEnd;
import static io.tlsrpt.processor.app.SecuredClusterFixture.config;
import static org.assertj.core.api.Assertions.assertThat;

import io.tlsrpt.testkafka.Closeables;
import io.tlsrpt.testkafka.MutualTlsCluster;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.SslConfigs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The processor as deploy/README.md configures it for a Strimzi listener with {@code authentication: tls} and a
 * KafkaUser of that type: SSL, the user's PKCS12 keystore and its password, the cluster CA as a PEM truststore, all
 * as {@code TLSRPT_STREAMS_*} variables, the minimal ACL set ({@link ProcessorAcls}) for {@code User:CN=<user>} and
 * nothing else, on a real broker that requires client certificates. And what happens without the client certificate.
 */
class MutualTlsClusterIT {

    private static final String USER = "tlsrpt-processor";
    /** The principal of a client certificate is its subject. */
    private static final String PRINCIPAL = "User:CN=" + USER;

    @TempDir
    static Path dir;
    private static MutualTlsCluster cluster;
    private static Admin admin;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = MutualTlsCluster.start(dir.resolve("tls"), Map.of());
        admin = cluster.admin();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        Closeables.closeAll(admin, cluster);
    }

    @Test
    void processesEndToEndWithItsClientCertificateAndTheDocumentedSettings() throws Exception {
        ProcessorConfig config = config(cluster.client(USER), dir, "mtls", true);
        assertThat(config.streamsOverrides()).as("the six variables of deploy/README.md").containsOnlyKeys(
                "security.protocol", SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG,
                SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG,
                SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, "repartition.purge.interval.ms");
        assertRunsEndToEnd(cluster.superUser(), admin, PRINCIPAL, config);
    }

    /** Without its keystore the processor has no certificate to show, and the broker refuses it. */
    @Test
    void withoutItsCertificateTheBrokerRefusesTheProcessor() throws Exception {
        Properties client = cluster.client(USER);
        client.remove(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG);
        client.remove(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG);
        client.remove(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG);
        // TLS 1.3: the broker's refusal of a client without a certificate arrives after the handshake
        assertRefusedAtConnection(cluster.superUser(), admin, PRINCIPAL, config(client, dir, "no-certificate", true),
                "Failed to process post-handshake messages");
    }
}
