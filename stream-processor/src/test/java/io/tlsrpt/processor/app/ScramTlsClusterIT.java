package io.tlsrpt.processor.app;

import static io.tlsrpt.processor.app.SecuredClusterFixture.assertRefusedAtConnection;
import static io.tlsrpt.processor.app.SecuredClusterFixture.assertRunsEndToEnd;
import static io.tlsrpt.processor.app.SecuredClusterFixture.config;
import static org.assertj.core.api.Assertions.assertThat;

import io.tlsrpt.testkafka.Closeables;
import io.tlsrpt.testkafka.KafkaTestCluster;
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
 * The processor as deploy/README.md ("Running against a secured Kafka cluster") configures it for a Strimzi TLS
 * listener and a {@code scram-sha-512} KafkaUser: SASL_SSL, SCRAM-SHA-512, the cluster CA as a PEM truststore, all
 * five settings as {@code TLSRPT_STREAMS_*} variables, the minimal ACL set ({@link ProcessorAcls}) and nothing else.
 * The broker: a real single-node KRaft cluster, TLS on its client listener, the {@code StandardAuthorizer}, SCRAM
 * credentials in its metadata. And what an operator sees when the password or the CA is wrong.
 */
class ScramTlsClusterIT {

    private static final String USER = "tlsrpt-processor";
    private static final String PRINCIPAL = "User:" + USER;
    private static final String PASSWORD = "scram-secret-of-the-processor";

    @TempDir
    static Path dir;
    private static KafkaTestCluster.Secured cluster;
    private static Admin admin;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = KafkaTestCluster.startSaslSsl(dir.resolve("tls"), Map.of());
        admin = cluster.admin();
        cluster.createScramUser(USER, PASSWORD);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        Closeables.closeAll(admin, cluster);
    }

    @Test
    void processesEndToEndWithTheDocumentedTlsAndScramSettings() throws Exception {
        Properties client = cluster.scramClient(USER, PASSWORD);
        assertThat(client).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM")
                .containsEntry(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, cluster.caCertificate().toString());
        ProcessorConfig config = config(client, dir, "scram-tls", true);
        assertThat(config.streamsOverrides()).as("the five variables of deploy/README.md")
                .containsOnlyKeys("security.protocol", "sasl.mechanism", "sasl.jaas.config",
                        SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG,
                        "repartition.purge.interval.ms");
        assertRunsEndToEnd(cluster.superUser(), admin, PRINCIPAL, config);
    }

    @Test
    void aWrongPasswordStopsTheProcessorWithTheAuthenticationError() throws Exception {
        ProcessorConfig config = config(cluster.scramClient(USER, "not-the-password"), dir, "wrong-password", true);
        assertRefusedAtConnection(cluster.superUser(), admin, PRINCIPAL, config, "Authentication failed during"
                + " authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512");
    }

    @Test
    void aCertificateTheProcessorDoesNotTrustStopsItWithTheHandshakeError() throws Exception {
        Properties client = cluster.scramClient(USER, PASSWORD);
        client.remove(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG);
        client.remove(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG);   // the JDK's CAs do not know this broker
        assertRefusedAtConnection(cluster.superUser(), admin, PRINCIPAL, config(client, dir, "untrusted", true),
                "SSL handshake failed");
    }
}
