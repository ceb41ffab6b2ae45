package io.tlsrpt.processor.app;

import static io.tlsrpt.processor.app.ProcessorTopics.produce;
import static io.tlsrpt.processor.app.ProcessorTopics.readAll;
import static io.tlsrpt.processor.app.SecuredClusterFixture.DOMAIN;
import static io.tlsrpt.processor.app.SecuredClusterFixture.assertProcessesAReportAndDeadLettersJunk;
import static io.tlsrpt.processor.topology.ReportFixtures.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tlsrpt.processor.app.TopicCreator.ChangelogAlignment;
import io.tlsrpt.processor.topology.TopicNames;
import io.tlsrpt.processor.topology.TopologyFactory;
import io.tlsrpt.schema.TlsReport;
import io.tlsrpt.testkafka.KafkaTestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.test.JaasUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processor on a secured single-node KRaft cluster: SASL/PLAIN, the {@code StandardAuthorizer}, no access without
 * an ACL. The topics are created by a super user (the processor runs with {@code topics.create=false}, as in
 * Kubernetes); the processor's principal has {@link ProcessorAcls#minimal} and nothing else, its credentials given
 * as {@code TLSRPT_STREAMS_*} variables (end to end) or {@code streams.*} keys. Shows that this set runs exactly-once
 * end to end, and how the start-up step that sets {@code LogAppendTime} on an existing window changelog behaves with
 * and without ALTER_CONFIGS. The JAAS system property the test kit sets is restored when the cluster closes.
 */
class SecuredClusterIT {

    private static final Logger LOG = LoggerFactory.getLogger(SecuredClusterIT.class);
    private static final String PRINCIPAL = "User:" + JaasUtils.KAFKA_PLAIN_USER1;
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    private static final String NEEDS_TOPIC_RIGHTS = "with topics.create=true the principal needs Create on the seven"
            + " topics and AlterConfigs on the six output topics";

    private static KafkaTestCluster.Secured cluster;
    private static Admin admin;
    @TempDir
    static Path stateDir;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = KafkaTestCluster.startSecured(Map.of());
        admin = cluster.kit().admin();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (cluster != null) {
            cluster.close();
            assertThat(System.getProperty("java.security.auth.login.config")).as("JAAS property as before")
                    .isEqualTo(cluster.jaasBefore());
        }
    }

    @Test
    void processesReportsEndToEndWithTheMinimalAcls() throws Exception {
        ProcessorConfig config = config("e2e", true);
        createTopics(config);
        grant(ProcessorAcls.minimal(PRINCIPAL, config));
        long asking = System.nanoTime();
        assertThat(TopicCreator.alignWindowStoreChangelog(cluster.user(), config, ADMIN_TIMEOUT))
                .as("a fresh application: Kafka Streams creates its changelog").isEqualTo(ChangelogAlignment.ABSENT);
        assertThat(Duration.ofNanos(System.nanoTime() - asking)).isLessThan(Duration.ofSeconds(5));

        try (TlsRptProcessor processor = TlsRptProcessor.start(config)) {
            assertThat(processor.awaitReady(Duration.ofSeconds(60))).as("RUNNING as %s", PRINCIPAL).isTrue();
            assertProcessesAReportAndDeadLettersJunk(cluster.superUser(), config);
            // the committed repartition records are purged (DeleteRecords: DELETE on the prefixed topics)
            String repartition = config.get(ProcessorConfig.APPLICATION_ID) + "-report-by-primary-domain-repartition";
            await().atMost(Duration.ofSeconds(30)).until(() -> logStartOffset(repartition) > 0);
        }
    }

    /**
     * {@code topics.create=true} (the default outside Kubernetes): the processor creates its seven topics itself and
     * sets {@code retention.ms} on an existing output topic without one. For that it needs CREATE on the six and
     * ALTER_CONFIGS on the six outputs besides the minimal set; without them start() fails at once naming the
     * refusal, with them it creates, adjusts and processes.
     */
    @Test
    void withTopicsCreateTheProcessorNeedsCreateAndAlterConfigsOnItsTopics() throws Exception {
        ProcessorConfig config = config("create", Map.of(ProcessorConfig.TOPICS_CREATE, "true"));
        TopicNames topics = config.topicNames();
        // an output topic an operator created by hand, without retention.ms: the processor sets it
        admin.createTopics(List.of(new NewTopic(topics.deadLetter(), 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        List<AclBinding> minimal = ProcessorAcls.minimal(PRINCIPAL, config);
        grant(minimal);

        assertThatThrownBy(() -> TlsRptProcessor.start(config).close()).as("without CREATE on its topics")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot create or configure topics")
                .hasMessageContaining("Authorization failed").hasMessageContaining(NEEDS_TOPIC_RIGHTS);

        List<AclBinding> creation = ProcessorAcls.topicCreation(PRINCIPAL, config);
        grant(ProcessorAcls.without(creation, ResourceType.TOPIC, PatternType.LITERAL, AclOperation.ALTER_CONFIGS));
        assertThatThrownBy(() -> TlsRptProcessor.start(config).close()).as("with CREATE, without ALTER_CONFIGS")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("Topic authorization failed")
                .hasMessageContaining(NEEDS_TOPIC_RIGHTS);
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).as("the missing ones were created")
                .containsAll(topics.all());
        assertThat(topicConfig(topics.deadLetter(), TopicConfig.RETENTION_MS_CONFIG)).as("the broker's default")
                .isEqualTo("604800000");

        grant(creation);
        try (TlsRptProcessor processor = TlsRptProcessor.start(config)) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).containsAll(topics.all());
            assertThat(topicConfig(topics.deadLetter(), TopicConfig.RETENTION_MS_CONFIG))
                    .isEqualTo(TopicCreator.retentionMs(config).get(topics.deadLetter()).toString());
            assertThat(processor.awaitReady(Duration.ofSeconds(60))).isTrue();
            assertProcessesAReportAndDeadLettersJunk(cluster.superUser(), config);
        }
    }

    /** {@code at_least_once}: no transactions, so the minimal set without the transactional-id binding is enough. */
    @Test
    void atLeastOnceNeedsNoTransactionalIdBinding() throws Exception {
        ProcessorConfig config = config("at-least-once", Map.of(ProcessorConfig.PROCESSING_GUARANTEE,
                "at_least_once"));
        createTopics(config);
        grant(ProcessorAcls.without(ProcessorAcls.minimal(PRINCIPAL, config), ResourceType.TRANSACTIONAL_ID,
                PatternType.PREFIXED, AclOperation.WRITE));
        try (TlsRptProcessor processor = TlsRptProcessor.start(config)) {
            assertThat(processor.awaitReady(Duration.ofSeconds(60))).isTrue();
            assertProcessesAReportAndDeadLettersJunk(cluster.superUser(), config);
        }
    }

    @Test
    void withAlterConfigsAnExistingWindowChangelogGetsLogAppendTime() throws Exception {
        ProcessorConfig config = config("upgrade");
        String changelog = existingEventTimeChangelog(config);
        grant(ProcessorAcls.minimal(PRINCIPAL, config));

        assertThat(TopicCreator.alignWindowStoreChangelog(cluster.user(), config, ADMIN_TIMEOUT))
                .isEqualTo(ChangelogAlignment.SET);
        await().atMost(ADMIN_TIMEOUT).untilAsserted(() -> assertThat(timestampType(changelog))
                .isEqualTo("LogAppendTime"));
    }

    @Test
    void withoutAlterConfigsTheChangelogStepWarnsAtOnceAndTheProcessorStillRuns() throws Exception {
        ProcessorConfig config = config("no-alter");
        String changelog = existingEventTimeChangelog(config);
        createTopics(config);
        grant(ProcessorAcls.without(ProcessorAcls.minimal(PRINCIPAL, config), ResourceType.TOPIC, PatternType.PREFIXED,
                AclOperation.ALTER_CONFIGS));

        assertNotVerifiedPromptly(config, changelog);   // refused at describeConfigs

        long starting = System.nanoTime();
        try (TlsRptProcessor processor = TlsRptProcessor.start(config)) {
            Duration startTook = Duration.ofNanos(System.nanoTime() - starting);
            LOG.info("start() without AlterConfigs took {} ms", startTook.toMillis());
            assertThat(startTook).as("start() without waiting for the timeout").isLessThan(Duration.ofSeconds(10));
            assertThat(processor.awaitReady(Duration.ofSeconds(60))).isTrue();
            assertProcessesAReportAndDeadLettersJunk(cluster.superUser(), config);
        }
        assertThat(timestampType(changelog)).as("left as it was").isEqualTo("CreateTime");

        // allowed to read the configs but not to alter them: refused at incrementalAlterConfigs, as promptly
        grant(List.of(ProcessorAcls.onInternalTopics(PRINCIPAL, config, AclOperation.DESCRIBE_CONFIGS)));
        assertNotVerifiedPromptly(config, changelog);
    }

    /** One binding group of {@link ProcessorAcls#minimal} taken away by {@link #everyAclOfTheSetIsNeeded}. */
    enum Removed {
        RAW_READ(ResourceType.TOPIC, PatternType.LITERAL, AclOperation.READ),
        OUTPUTS_WRITE(ResourceType.TOPIC, PatternType.LITERAL, AclOperation.WRITE),
        INTERNAL_CREATE(ResourceType.TOPIC, PatternType.PREFIXED, AclOperation.CREATE),
        INTERNAL_READ(ResourceType.TOPIC, PatternType.PREFIXED, AclOperation.READ),
        INTERNAL_WRITE(ResourceType.TOPIC, PatternType.PREFIXED, AclOperation.WRITE),
        INTERNAL_DELETE(ResourceType.TOPIC, PatternType.PREFIXED, AclOperation.DELETE),
        GROUP_READ(ResourceType.GROUP, PatternType.LITERAL, AclOperation.READ),
        TRANSACTIONAL_ID_WRITE(ResourceType.TRANSACTIONAL_ID, PatternType.PREFIXED, AclOperation.WRITE);

        final ResourceType type;
        final PatternType pattern;
        final AclOperation op;

        Removed(ResourceType type, PatternType pattern, AclOperation op) {
            this.type = type;
            this.pattern = pattern;
            this.op = op;
        }
    }

    /**
     * The experiment behind the set (opt-in, ~2-4 min: {@code -Dtlsrpt.it.acl-necessity=true}): without any one of
     * its bindings the processor does not process a report (it stops, or retries without output for 30 s), and
     * without DELETE on the internal topics it processes but never purges its repartition topic, which then grows
     * without bound (Kafka Streams creates repartition topics with infinite retention and relies on the purge).
     * ALTER_CONFIGS is shown by the changelog tests above.
     */
    @ParameterizedTest
    @EnumSource(Removed.class)
    @EnabledIfSystemProperty(named = "tlsrpt.it.acl-necessity", matches = "true")
    void everyAclOfTheSetIsNeeded(Removed removed) throws Exception {
        ProcessorConfig config = config("without-" + removed.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        TopicNames topics = config.topicNames();
        String registry = config.get(ProcessorConfig.SCHEMA_REGISTRY_URL);
        createTopics(config);
        grant(ProcessorAcls.without(ProcessorAcls.minimal(PRINCIPAL, config), removed.type, removed.pattern,
                removed.op));

        try (TlsRptProcessor processor = TlsRptProcessor.start(config)) {
            produce(cluster.superUser(), topics.raw(), List.of(report("Google Inc.", "g1", 1).policy(DOMAIN, 10).bytes()));
            if (removed == Removed.INTERNAL_DELETE) {
                await().atMost(Duration.ofSeconds(60)).until(() -> readAll(cluster.superUser(), topics.reports(),
                        registry, TlsReport.class).size() == 1);
                String repartition = config.get(ProcessorConfig.APPLICATION_ID)
                        + "-report-by-primary-domain-repartition";
                await().during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(15))
                        .until(() -> logStartOffset(repartition) == 0);
                return;
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            await().atMost(Duration.ofSeconds(40)).until(() -> !processor.isLive() || System.nanoTime() > deadline
                    || !readAll(cluster.superUser(), topics.reports(), registry, TlsReport.class).isEmpty());
            LOG.info("without {}: state {}, live {}", removed, processor.state(), processor.isLive());
            assertThat(readAll(cluster.superUser(), topics.reports(), registry, TlsReport.class))
                    .as("without %s", removed).isEmpty();
        }
    }

    /**
     * A principal without any right on the application's internal topics does not see the existing changelog in a
     * topic listing: the step must not take it for absent (and say nothing), but report it unverified.
     */
    @Test
    void aChangelogThePrincipalMayNotDescribeIsNotTakenForAbsent() throws Exception {
        ProcessorConfig config = config("unseen");
        String changelog = existingEventTimeChangelog(config);

        assertNotVerifiedPromptly(config, changelog);
    }

    /**
     * Without a right on the window changelog the changelog step returns NOT_VERIFIED with the warning and the
     * command to run by hand, at once: an authorisation error is an answer, not a reason to wait for the timeout.
     */
    private static void assertNotVerifiedPromptly(ProcessorConfig config, String changelog) {
        try (CapturedLog log = new CapturedLog(TopicCreator.class)) {
            long started = System.nanoTime();
            ChangelogAlignment outcome = TopicCreator.alignWindowStoreChangelog(cluster.user(), config,
                    ADMIN_TIMEOUT);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            LOG.info("changelog step: {} after {} ms", outcome, took.toMillis());
            assertThat(outcome).isEqualTo(ChangelogAlignment.NOT_VERIFIED);
            assertThat(took).as("the authorisation error comes back at once, not after the %s timeout", ADMIN_TIMEOUT)
                    .isLessThan(Duration.ofSeconds(5));
            assertThat(log.text()).contains("WARN could not check or set")
                    .contains("kafka-configs.sh --alter --entity-type topics --entity-name " + changelog
                            + " --add-config message.timestamp.type=LogAppendTime")
                    .contains("TopicAuthorizationException");
        }
    }

    /** The processor as {@link JaasUtils#KAFKA_PLAIN_USER1} through its {@code streams.*} settings. */
    private static ProcessorConfig config(String name) throws Exception {
        return config(name, false);
    }

    /** As {@link #config(String)}, the SASL settings as {@code TLSRPT_STREAMS_*} variables or {@code streams.*} keys. */
    private static ProcessorConfig config(String name, boolean saslFromEnvironment) throws Exception {
        return SecuredClusterFixture.config(cluster.user(), stateDir, name, saslFromEnvironment);
    }

    /** As {@link #config(String)}, with processor keys set or overridden. */
    private static ProcessorConfig config(String name, Map<String, String> keys) throws Exception {
        return SecuredClusterFixture.config(cluster.user(), stateDir, name, false, keys);
    }

    /** The seven topics, as the operator creates them (Kubernetes: KafkaTopic resources). */
    private static void createTopics(ProcessorConfig config) {
        TopicCreator.createMissing(cluster.superUser(), config, ADMIN_TIMEOUT);
    }

    /** The window changelog as Kafka Streams created it for an earlier version: event-time timestamps. */
    private static String existingEventTimeChangelog(ProcessorConfig config) throws Exception {
        String changelog = TopologyFactory.windowStoreChangelog(config.get(ProcessorConfig.APPLICATION_ID));
        admin.createTopics(List.of(new NewTopic(changelog, 1, (short) 1).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, "compact,delete",
                TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime")))).all().get(30, TimeUnit.SECONDS);
        await().atMost(ADMIN_TIMEOUT).ignoreExceptions().until(() -> timestampType(changelog).equals("CreateTime"));
        return changelog;
    }

    private static void grant(List<AclBinding> acls) throws Exception {
        KafkaTestCluster.grant(admin, acls);
    }

    private static String timestampType(String topic) throws Exception {
        return topicConfig(topic, TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG);
    }

    private static String topicConfig(String topic, String name) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource).get(name)
                .value();
    }

    private static long logStartOffset(String topic) throws Exception {
        TopicPartition tp = new TopicPartition(topic, 0);
        return admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).all().get(30, TimeUnit.SECONDS).get(tp).offset();
    }
}
