package io.tlsrpt.connect.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tlsrpt.connect.it.ConnectAcls.Binding;
import io.tlsrpt.connect.it.SecuredIngestRun.Outcome;
import io.tlsrpt.testkafka.KafkaTestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest connector on a secured single-node KRaft cluster (TLS on its client listener, SCRAM-SHA-512 credentials,
 * the {@code StandardAuthorizer}, no access without an ACL), in a real distributed Connect worker with
 * {@code exactly.once.source.support=enabled} that runs as the SCRAM user {@value #USER} over TLS (its own clients
 * and, through the {@code producer.}, {@code consumer.} and {@code admin.} prefixes, its tasks') holding
 * {@link ConnectAcls#minimal} and nothing else. A super user creates the raw topic; Connect creates its own topics (internal and per connector), as
 * in deploy/k8s. Proves the ACL set of deploy/README.md ("The Connect worker"); the opt-in experiment takes each
 * binding documented before away in turn and shows what it is needed for.
 */
class SecuredConnectIT {

    private static final Logger LOG = LoggerFactory.getLogger(SecuredConnectIT.class);
    /** The worker's SCRAM user, as a Strimzi KafkaUser {@code tlsrpt-connect} would be. */
    private static final String USER = "tlsrpt-connect";
    private static final String PASSWORD = "scram-secret-of-the-connect-worker";
    private static final String PRINCIPAL = "User:" + USER;
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    private static final AclBindingFilter PRINCIPALS_ACLS = new AclBindingFilter(ResourcePatternFilter.ANY,
            new AccessControlEntryFilter(PRINCIPAL, null, AclOperation.ANY, AclPermissionType.ANY));

    /** Closing it also restores the JVM's JAAS property. */
    @AutoClose
    private static KafkaTestCluster.Secured cluster;
    private static Admin admin;

    @TempDir
    static Path clusterDir;
    @TempDir
    Path dir;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = KafkaTestCluster.startSaslSsl(clusterDir, Map.of());
        admin = cluster.admin();
        cluster.createScramUser(USER, PASSWORD);
    }

    /**
     * The worker's client settings as Strimzi derives them from {@code KafkaConnect.spec.authentication}
     * ({@code scram-sha-512}) and {@code .spec.tls.trustedCertificates}: SASL_SSL, SCRAM-SHA-512, the cluster CA.
     */
    private static Properties workerClient() {
        Properties client = cluster.scramClient(USER, PASSWORD);
        client.remove(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        return client;
    }

    /** Before the cluster closes ({@code @AutoClose} comes after {@code @AfterAll}). */
    @AfterAll
    static void closeAdmin() {
        if (admin != null) {
            admin.close();
        }
    }

    /** The cluster-wide bindings (IdempotentWrite) would outlive the test: every test starts without any. */
    @AfterEach
    void revokeAll() throws Exception {
        admin.deleteAcls(List.of(PRINCIPALS_ACLS)).all().get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        await().atMost(ADMIN_TIMEOUT).until(() -> admin.describeAcls(PRINCIPALS_ACLS).values()
                .get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS).isEmpty());
    }

    @Test
    void withTheMinimalAclsBothConnectorsDeliverAndTheSpoolOneExactlyOnce() throws Exception {
        ConnectNames names = ConnectNames.of("tlsrpt-connect");
        createRawTopic(names);
        grant(ConnectAcls.minimal(PRINCIPAL, names));
        SecuredIngestRun run = new SecuredIngestRun(cluster, workerClient(), names, dir, 0);

        long started = System.nanoTime();
        Outcome outcome = run.run();
        LOG.info("with the minimal ACLs: {} ({} ms)", outcome, (System.nanoTime() - started) / 1_000_000);

        assertThat(outcome.everythingWorked()).as("%s", outcome).isTrue();
        assertThat(run.committed(run.spoolReport)).as("the spool report, once").singleElement()
                .satisfies(r -> assertRecord(r, run.spoolReport, "spool"));
        assertThat(run.committed(run.httpsReport)).as("the report answered 201").isNotEmpty()
                .allSatisfy(r -> assertRecord(r, run.httpsReport, "https"));
        assertThat(run.spoolFiles("done")).containsExactly("report.json.gz");
        assertThat(run.spoolFiles("inbox")).isEmpty();
        assertThat(run.spoolFiles("failed")).isEmpty();
        // Connect created its topics, and wrote through the transactional ids the ACLs name
        assertThat(admin.listTopics().names().get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).contains(
                names.configTopic(), names.offsetTopic(), names.statusTopic(), names.spoolOffsetsTopic(),
                names.httpsOffsetsTopic());
        assertThat(admin.listTransactions().all().get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS).stream()
                .map(TransactionListing::transactionalId)).contains(names.leaderTransactionalId(),
                names.taskTransactionalIdPrefix() + names.spoolConnector() + "-0",
                names.taskTransactionalIdPrefix() + names.httpsConnector() + "-0");
    }

    /**
     * Connect creates its topics when they are missing (Create in {@link ConnectAcls#minimal}); refused Create on a
     * topic that exists, it goes on with the topic. An operator who creates the five topics beforehand (compacted,
     * the config topic with one partition, as Connect would) can leave Create out. Part of the opt-in experiment
     * (the class's default run stays near 20 s).
     */
    @Test
    @EnabledIfSystemProperty(named = "tlsrpt.it.acl-necessity", matches = "true")
    void withItsTopicsCreatedBeforehandTheWorkerNeedsNoCreate() throws Exception {
        ConnectNames names = ConnectNames.of("tlsrpt-connect-existing-topics");
        createRawTopic(names);
        List<NewTopic> topics = Stream.of(names.configTopic(), names.offsetTopic(), names.statusTopic(),
                names.spoolOffsetsTopic(), names.httpsOffsetsTopic()).map(topic -> new NewTopic(topic, 1, (short) 1)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))).toList();
        admin.createTopics(topics).all().get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        grant(ConnectAcls.minimalForExistingTopics(PRINCIPAL, names));

        Outcome outcome = new SecuredIngestRun(cluster, workerClient(), names, dir, 2).run();
        LOG.info("with its topics created beforehand and no Create: {}", outcome);

        assertThat(outcome.everythingWorked()).as("%s", outcome).isTrue();
    }

    /**
     * The experiment behind the set (opt-in, several minutes: {@code -Dtlsrpt.it.acl-necessity=true}): every binding
     * documented before this test existed, and the usual Connect ones, taken away one at a time from the whole set.
     * Without a needed one something visibly fails (the worker does not join, a connector is refused or fails, a
     * report is not delivered, or an ERROR is logged); without one found unneeded everything works as with all.
     */
    @ParameterizedTest
    @EnumSource(Binding.class)
    @EnabledIfSystemProperty(named = "tlsrpt.it.acl-necessity", matches = "true")
    void withoutEachBinding(Binding removed) throws Exception {
        ConnectNames names = ConnectNames.of("tlsrpt-connect-without-"
                + removed.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        createRawTopic(names);
        grant(ConnectAcls.allBut(removed, PRINCIPAL, names));

        long started = System.nanoTime();
        Outcome outcome = new SecuredIngestRun(cluster, workerClient(), names, dir, 10 + 2 * removed.ordinal()).run();
        LOG.info("ACL experiment, without {}: {} ({} ms)", removed, outcome,
                (System.nanoTime() - started) / 1_000_000);

        assertThat(outcome.everythingWorked()).as("without %s: %s", removed, outcome).isEqualTo(!removed.needed);
    }

    private static void assertRecord(ConsumerRecord<String, byte[]> r, byte[] report, String source) {
        assertThat(r.value()).isEqualTo(report);
        assertThat(KafkaConnectHarness.header(r, "tlsrpt.source")).isEqualTo(source);
    }

    /** The raw topic, as the operator creates it (Kubernetes: a KafkaTopic resource). */
    private static void createRawTopic(ConnectNames names) throws Exception {
        admin.createTopics(List.of(new NewTopic(names.raw(), 1, (short) 1))).all()
                .get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    private static void grant(List<AclBinding> acls) throws Exception {
        KafkaTestCluster.grant(admin, acls);
    }
}
