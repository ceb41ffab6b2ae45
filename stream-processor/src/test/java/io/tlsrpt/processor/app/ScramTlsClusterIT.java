package io.tlsrpt.processor.app;

import static io.tlsrpt.processor.app.SecuredClusterFixture.assertProcessesAReportAndDeadLettersJunk;
import static io.tlsrpt.processor.app.SecuredClusterFixture.config;
import static io.tlsrpt.processor.app.SecuredClusterFixture.grant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tlsrpt.testkafka.KafkaTestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.NetworkClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processor as deploy/README.md ("Running against a secured Kafka cluster") configures it for a Strimzi TLS
 * listener and a {@code scram-sha-512} KafkaUser: SASL_SSL, SCRAM-SHA-512, the cluster CA as a PEM truststore, all
 * five settings as {@code TLSRPT_STREAMS_*} variables, the minimal ACL set ({@link ProcessorAcls}) and nothing else.
 * The broker: a real single-node KRaft cluster, TLS on its client listener, the {@code StandardAuthorizer}, SCRAM
 * credentials in its metadata. And what an operator sees when the password or the CA is wrong.
 */
class ScramTlsClusterIT {

    private static final Logger LOG = LoggerFactory.getLogger(ScramTlsClusterIT.class);
    private static final String USER = "tlsrpt-processor";
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
        if (admin != null) {
            admin.close();
        }
        if (cluster != null) {
            cluster.close();
        }
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
        TopicCreator.createMissing(cluster.superUser(), config, Duration.ofSeconds(30));
        grant(admin, ProcessorAcls.minimal("User:" + USER, config));

        try (TlsRptProcessor processor = TlsRptProcessor.start(config)) {
            assertThat(processor.awaitReady(Duration.ofSeconds(60))).as("RUNNING as %s over TLS", USER).isTrue();
            assertProcessesAReportAndDeadLettersJunk(cluster.superUser(), config);
        }
    }

    @Test
    void aWrongPasswordStopsTheProcessorWithTheAuthenticationError() throws Exception {
        assertRefused(cluster.scramClient(USER, "not-the-password"), "wrong-password",
                "failed authentication due to: Authentication failed during authentication due to invalid credentials"
                        + " with SASL mechanism SCRAM-SHA-512");
    }

    @Test
    void aCertificateTheProcessorDoesNotTrustStopsItWithTheHandshakeError() throws Exception {
        Properties client = cluster.scramClient(USER, PASSWORD);
        client.remove(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG);
        client.remove(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG);   // the JDK's CAs do not know this broker
        assertRefused(client, "untrusted", "failed authentication due to: SSL handshake failed");
    }

    /**
     * Refused at the first connection: the stream thread dies, liveness goes down (so the process exits with 1 and
     * Kubernetes restarts it, see {@link TlsRptProcessor#main}) and the client's ERROR line names the cause.
     */
    private static void assertRefused(Properties client, String name, String cause) throws Exception {
        ProcessorConfig config = config(client, dir, name, true);
        TopicCreator.createMissing(cluster.superUser(), config, Duration.ofSeconds(30));
        grant(admin, ProcessorAcls.minimal("User:" + USER, config));
        long started = System.nanoTime();
        try (CapturedLog log = new CapturedLog(NetworkClient.class);
             TlsRptProcessor processor = TlsRptProcessor.start(config)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> !processor.isLive());
            LOG.info("{}: not live after {} ms, state {}", name, (System.nanoTime() - started) / 1_000_000,
                    processor.state());
            assertThat(processor.isReady()).isFalse();
            assertThat(processor.state()).isEqualTo(KafkaStreams.State.ERROR);
            assertThat(log.text()).contains("ERROR ").contains(cause);
        }
    }
}
