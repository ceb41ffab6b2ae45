package io.tlsrpt.testkafka;

import java.util.Map;
import java.util.Properties;
import javax.security.auth.login.Configuration;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.JaasUtils;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/** A real single-node KRaft cluster (Kafka's in-JVM test kit), plain or with SASL and the authorizer. */
public final class KafkaTestCluster {

    /** The JVM-wide JAAS file property the test kit sets for a SASL cluster. */
    private static final String JAAS_PROPERTY = "java.security.auth.login.config";

    private KafkaTestCluster() {
    }

    /** Started and ready; {@code brokerConfig} adds to or overrides the single-node settings. */
    public static KafkaClusterTestKit start(Map<String, String> brokerConfig) throws Exception {
        return start(new TestKitNodes.Builder().setCombined(true), brokerConfig);
    }

    /**
     * As {@link #start(Map)}, with the controller in a node of its own, so that a test can stop and restart the
     * broker alone ({@code brokers().get(id).shutdown()}, {@code restartBroker}) while the controller keeps running.
     */
    public static KafkaClusterTestKit startWithSeparateController(Map<String, String> brokerConfig) throws Exception {
        return start(new TestKitNodes.Builder().setCombined(false), brokerConfig);
    }

    /**
     * As {@link #start(Map)} with SASL/PLAIN on the broker and controller listeners and the {@code StandardAuthorizer}
     * (no ACL, no access): {@link JaasUtils#KAFKA_PLAIN_ADMIN} is a super user, {@link JaasUtils#KAFKA_PLAIN_USER1}
     * has only what it is granted. {@link KafkaClusterTestKit#admin()} connects as the super user.
     */
    public static Secured startSecured(Map<String, String> brokerConfig) throws Exception {
        String jaasBefore = System.getProperty(JAAS_PROPERTY);
        try {
            return new Secured(start(new TestKitNodes.Builder().setCombined(true)
                    .setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
                    .setControllerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT), brokerConfig), jaasBefore);
        } catch (Exception | Error e) {
            restoreJaas(jaasBefore);
            throw e;
        }
    }

    private static KafkaClusterTestKit start(TestKitNodes.Builder nodes, Map<String, String> brokerConfig)
            throws Exception {
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes
                .setNumBrokerNodes(1).setNumControllerNodes(1).build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0");
        brokerConfig.forEach(builder::setConfigProp);
        KafkaClusterTestKit cluster = builder.build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        return cluster;
    }

    /**
     * The test kit points the JVM-wide JAAS property at its file and deletes the file on close without clearing the
     * property: later tests of the same failsafe JVM would find a login configuration that no longer exists.
     */
    private static void restoreJaas(String before) {
        if (before == null) {
            System.clearProperty(JAAS_PROPERTY);
        } else {
            System.setProperty(JAAS_PROPERTY, before);
        }
        Configuration.setConfiguration(null);   // re-read from the property on next use, as the kit does
    }

    /** A SASL cluster with the authorizer; closing it also restores the JAAS property as it was. */
    public record Secured(KafkaClusterTestKit kit, String jaasBefore) implements AutoCloseable {

        /** The SASL settings (SASL_PLAINTEXT, PLAIN; no bootstrap) of {@code user} with {@code password}. */
        public static Properties sasl(String user, String password) {
            Properties p = new Properties();
            p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, SecurityProtocol.SASL_PLAINTEXT.name);
            p.put(SaslConfigs.SASL_MECHANISM, "PLAIN");
            p.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.plain.PlainLoginModule required"
                    + " username=\"" + user + "\" password=\"" + password + "\";");
            return p;
        }

        /** The SASL settings of the plain user, who holds only what it is granted. */
        public static Properties userSasl() {
            return sasl(JaasUtils.KAFKA_PLAIN_USER1, JaasUtils.KAFKA_PLAIN_USER1_PASSWORD);
        }

        /** Client settings (bootstrap and SASL) of {@code user} with {@code password}. */
        public Properties client(String user, String password) {
            Properties p = new Properties();
            p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kit.bootstrapServers());
            p.putAll(sasl(user, password));
            return p;
        }

        public Properties superUser() {
            return client(JaasUtils.KAFKA_PLAIN_ADMIN, JaasUtils.KAFKA_PLAIN_ADMIN_PASSWORD);
        }

        public Properties user() {
            return client(JaasUtils.KAFKA_PLAIN_USER1, JaasUtils.KAFKA_PLAIN_USER1_PASSWORD);
        }

        public String bootstrapServers() {
            return kit.bootstrapServers();
        }

        @Override
        public void close() throws Exception {
            try {
                kit.close();
            } finally {
                restoreJaas(jaasBefore);
            }
        }
    }
}
