package io.tlsrpt.testkafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.security.auth.login.Configuration;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.JaasUtils;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.awaitility.Awaitility;

/**
 * A real single-node KRaft cluster (Kafka's in-JVM test kit): plain, or with the authorizer and SASL/PLAIN or TLS
 * with SCRAM ({@link MutualTlsCluster}: with client certificates).
 */
public final class KafkaTestCluster {

    /** The JVM-wide JAAS file property the test kit sets for a SASL cluster. */
    private static final String JAAS_PROPERTY = "java.security.auth.login.config";
    /** The test kit's listener names (client listener, controller listener). */
    static final String CLIENT_LISTENER = "EXTERNAL";
    static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String SCRAM = "SCRAM-SHA-512";

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
        Properties transport = new Properties();
        transport.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, SecurityProtocol.SASL_PLAINTEXT.name);
        return startSecured(brokerConfig, transport);
    }

    /**
     * As {@link #startSecured(Map)}, but the client listener is SASL_SSL (TLS with a throw-away certificate for
     * 127.0.0.1 and localhost from a {@link TestCertificateAuthority} in {@code dir}) and accepts SCRAM-SHA-512
     * besides PLAIN: the transport and mechanism of a Strimzi TLS listener with {@code scram-sha-512} users. Clients
     * trust the certificate through a PEM truststore ({@link Secured#caCertificate()}). The controller listener stays
     * SASL_PLAINTEXT; {@link KafkaClusterTestKit#admin()} does not speak TLS here: use {@link Secured#admin()}.
     */
    public static Secured startSaslSsl(Path dir, Map<String, String> brokerConfig) throws Exception {
        TestCertificateAuthority ca = new TestCertificateAuthority(dir);
        Map<String, String> config = new HashMap<>(ca.brokerListener(CLIENT_LISTENER, "broker"));
        config.put("listener.security.protocol.map", CLIENT_LISTENER + ":" + SecurityProtocol.SASL_SSL.name + ","
                + CONTROLLER_LISTENER + ":" + SecurityProtocol.SASL_PLAINTEXT.name);
        config.put("sasl.enabled.mechanisms", "PLAIN," + SCRAM);
        config.put("listener.name." + CLIENT_LISTENER.toLowerCase(Locale.ROOT) + ".scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        config.putAll(brokerConfig);

        Properties transport = new Properties();
        transport.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, SecurityProtocol.SASL_SSL.name);
        transport.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
        transport.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, ca.caCertificate().toString());
        return startSecured(config, transport);
    }

    private static Secured startSecured(Map<String, String> brokerConfig, Properties transport) throws Exception {
        String jaasBefore = System.getProperty(JAAS_PROPERTY);
        try {
            return new Secured(start(new TestKitNodes.Builder().setCombined(true)
                    .setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
                    .setControllerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT), brokerConfig), jaasBefore,
                    transport);
        } catch (Exception | Error e) {
            restoreJaas(jaasBefore);
            throw e;
        }
    }

    /**
     * Creates {@code acls} and waits until the broker's authorizer has them: they arrive through the metadata log,
     * so a client that starts right after createAcls may still be refused.
     */
    /**
     * Closes a cluster. The kit's own close() throws Exception, so a try-with-resources on it may be interrupted
     * without saying so; this keeps the interrupt flag and says what failed.
     */
    public static void close(KafkaClusterTestKit kit) {
        try {
            kit.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while closing the test cluster", e);
        } catch (Exception e) {
            throw new IllegalStateException("closing the test cluster failed", e);
        }
    }

    public static void grant(Admin admin, List<AclBinding> acls) throws Exception {
        admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> admin.describeAcls(AclBindingFilter.ANY)
                .values().get(30, TimeUnit.SECONDS).containsAll(acls));
    }

    /** Deletes the bindings and waits until the authorizer no longer lists them. */
    public static void revoke(Admin admin, List<AclBinding> acls) throws Exception {
        admin.deleteAcls(acls.stream().map(AclBinding::toFilter).toList()).all().get(30, TimeUnit.SECONDS);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> admin.describeAcls(AclBindingFilter.ANY)
                .values().get(30, TimeUnit.SECONDS).stream().noneMatch(acls::contains));
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

    /**
     * A SASL cluster with the authorizer; closing it also restores the JAAS property as it was. {@code transport}:
     * the security protocol (and truststore) a client of its client listener needs, without credentials.
     */
    public record Secured(KafkaClusterTestKit kit, String jaasBefore, Properties transport) implements AutoCloseable {

        /** Client settings (bootstrap, transport, SASL/PLAIN) of {@code user} with {@code password}. */
        public Properties client(String user, String password) {
            return withTransport(login("PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule", user,
                    password));
        }

        /** Client settings (bootstrap, transport, SCRAM-SHA-512) of a user made by {@link #createScramUser}. */
        public Properties scramClient(String user, String password) {
            return withTransport(login(SCRAM, "org.apache.kafka.common.security.scram.ScramLoginModule", user,
                    password));
        }

        /** Gives {@code user} SCRAM-SHA-512 credentials (stored in the cluster's metadata, as Strimzi does). */
        public void createScramUser(String user, String password) throws Exception {
            try (Admin admin = admin()) {
                admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password)))
                        .all().get(30, TimeUnit.SECONDS);
            }
        }

        /** An admin client of the super user over the client listener (TLS included). */
        public Admin admin() {
            return Admin.create(superUser());
        }

        /** The PEM file of the broker's certificate (SASL_SSL clusters), for {@code ssl.truststore.location}. */
        public Path caCertificate() {
            String location = transport.getProperty(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG);
            if (location == null) {
                throw new IllegalStateException("not a SASL_SSL cluster: " + transport);
            }
            return Path.of(location);
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
        public void close() {
            try {
                KafkaTestCluster.close(kit);
            } finally {
                restoreJaas(jaasBefore);
            }
        }

        private Properties withTransport(Properties login) {
            Properties p = new Properties();
            p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kit.bootstrapServers());
            p.putAll(transport);
            p.putAll(login);
            return p;
        }

        private static Properties login(String mechanism, String module, String user, String password) {
            Properties p = new Properties();
            p.put(SaslConfigs.SASL_MECHANISM, mechanism);
            p.put(SaslConfigs.SASL_JAAS_CONFIG, module + " required username=\"" + user + "\" password=\""
                    + password + "\";");
            return p;
        }
    }
}
