package io.tlsrpt.notify;

import java.util.Properties;
import javax.security.auth.login.Configuration;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.JaasUtils;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A single-node KRaft cluster (Kafka's in-JVM test kit) with SASL/PLAIN on its listeners and the
 * {@code StandardAuthorizer}: no access without an ACL. {@link JaasUtils#KAFKA_PLAIN_ADMIN} is a super user,
 * {@link JaasUtils#KAFKA_PLAIN_USER1} has only what it is granted. (stream-processor's {@code TestCluster} does the
 * same for the processor; test classes are not shared between modules.)
 */
final class SecuredKafka implements AutoCloseable {

    /** The JVM-wide JAAS file property the test kit sets and, on close, leaves pointing at a deleted file. */
    private static final String JAAS_PROPERTY = "java.security.auth.login.config";

    private final KafkaClusterTestKit kit;
    private final String jaasBefore;

    private SecuredKafka(KafkaClusterTestKit kit, String jaasBefore) {
        this.kit = kit;
        this.jaasBefore = jaasBefore;
    }

    static SecuredKafka start() throws Exception {
        String jaasBefore = System.getProperty(JAAS_PROPERTY);
        try {
            KafkaClusterTestKit kit = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                    .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1)
                    .setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
                    .setControllerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT).build())
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("offsets.topic.num.partitions", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .build();
            kit.format();
            kit.startup();
            kit.waitForReadyBrokers();
            return new SecuredKafka(kit, jaasBefore);
        } catch (Exception | Error e) {
            restoreJaas(jaasBefore);
            throw e;
        }
    }

    String bootstrapServers() {
        return kit.bootstrapServers();
    }

    /** Client settings (bootstrap, SASL_PLAINTEXT, PLAIN) of the super user. */
    Properties superUser() {
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kit.bootstrapServers());
        p.putAll(sasl(JaasUtils.KAFKA_PLAIN_ADMIN, JaasUtils.KAFKA_PLAIN_ADMIN_PASSWORD));
        return p;
    }

    /** The SASL settings (no bootstrap) of the plain user that holds only what it is granted. */
    static Properties plainUserSasl() {
        return sasl(JaasUtils.KAFKA_PLAIN_USER1, JaasUtils.KAFKA_PLAIN_USER1_PASSWORD);
    }

    private static Properties sasl(String user, String password) {
        Properties p = new Properties();
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, SecurityProtocol.SASL_PLAINTEXT.name);
        p.put(SaslConfigs.SASL_MECHANISM, "PLAIN");
        p.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " username=\"" + user + "\" password=\"" + password + "\";");
        return p;
    }

    @Override
    public void close() throws Exception {
        try {
            kit.close();
        } finally {
            restoreJaas(jaasBefore);
        }
    }

    /** Later tests of the same failsafe JVM must not find a login configuration that no longer exists. */
    private static void restoreJaas(String before) {
        if (before == null) {
            System.clearProperty(JAAS_PROPERTY);
        } else {
            System.setProperty(JAAS_PROPERTY, before);
        }
        Configuration.setConfiguration(null);   // re-read from the property on next use, as the kit does
    }
}
