package io.tlsrpt.processor.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tlsrpt.processor.topology.TopicNames;
import io.tlsrpt.processor.topology.TopologyFactory;
import io.tlsrpt.testkafka.Closeables;
import io.tlsrpt.testkafka.KafkaTestCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The processor's topic creation on a real single-node KRaft cluster whose broker rolls segments after 200 ms and
 * checks retention every 200 ms, so that time retention acts within a test: the output topics get the
 * {@code topics.retention.*} settings, an old-dated statistic survives where the broker default would delete it,
 * and existing topics without a topic-level retention are brought in line (an operator's explicit value is kept).
 */
class TopicCreatorIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static KafkaClusterTestKit cluster;
    private static Admin admin;
    private static KafkaProducer<String, String> producer;

    @BeforeAll
    static void startCluster() throws Exception {
        // log.initial.task.delay.ms: the first retention check would otherwise wait 30 s after the broker starts
        cluster = KafkaTestCluster.start(Map.of("log.roll.ms", "200", "log.retention.check.interval.ms", "200",
                "log.initial.task.delay.ms", "0"));
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        Closeables.closeAll(producer, admin, cluster);
    }

    @Test
    void outputTopicsGetTheirRetentionAndKeepOldDatedRecords() throws Exception {
        ProcessorConfig config = config(Map.of(ProcessorConfig.TOPICS_RETENTION_ALERTS, "P400D"));
        TopicNames names = config.topicNames();
        TopicCreator.createMissing(adminProps(), config, TIMEOUT);

        Map<String, Config> configs = describe(names.all());
        assertThat(value(configs, names.reports(), TopicConfig.CLEANUP_POLICY_CONFIG)).isEqualTo("compact");
        assertThat(value(configs, names.reports(), TopicConfig.RETENTION_MS_CONFIG)).isEqualTo("-1");
        assertThat(value(configs, names.failureStats(), TopicConfig.RETENTION_MS_CONFIG)).isEqualTo("-1");
        assertThat(value(configs, names.alertsJson(), TopicConfig.RETENTION_MS_CONFIG)).isEqualTo("-1");
        assertThat(value(configs, names.alerts(), TopicConfig.RETENTION_MS_CONFIG))
                .isEqualTo(Long.toString(Duration.ofDays(400).toMillis()));
        assertThat(value(configs, names.deadLetter(), TopicConfig.RETENTION_MS_CONFIG))
                .isEqualTo(Long.toString(Duration.ofDays(30).toMillis()));
        assertThat(value(configs, names.raw(), TopicConfig.RETENTION_MS_CONFIG))
                .as("the raw topic is the connector's: broker default").isEqualTo(Long.toString(Duration.ofDays(7).toMillis()));

        // a statistic of a window 40 days back (a backfill), next to the same record in a topic with the broker's
        // default retention (7 days): there it is deleted once its segment rolls, in failure-stats it stays
        String brokerDefault = "default-retention-" + UUID.randomUUID();
        admin.createTopics(List.of(new NewTopic(brokerDefault, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        long fortyDaysAgo = Instant.now().minus(Duration.ofDays(40)).toEpochMilli();
        for (String topic : List.of(names.failureStats(), brokerDefault)) {
            produce(topic, fortyDaysAgo);
        }
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(300)).until(() -> {
            // later appends roll the segment holding the old record; retention may then delete it
            produce(brokerDefault, System.currentTimeMillis());
            produce(names.failureStats(), System.currentTimeMillis());
            return logStartOffset(brokerDefault) > 0;
        });
        assertThat(logStartOffset(names.failureStats())).as("old-dated statistic still there").isZero();
    }

    @Test
    void existingTopicsWithoutRetentionGetItAndExplicitOnesAreKept() throws Exception {
        ProcessorConfig config = config(Map.of());
        TopicNames names = config.topicNames();
        // as an earlier version created them: policy only, the broker's default retention
        createExisting(
                new NewTopic(names.failureStats(), 1, (short) 1)
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE)),
                new NewTopic(names.alerts(), 1, (short) 1).configs(Map.of(TopicConfig.RETENTION_MS_CONFIG,
                        Long.toString(Duration.ofDays(90).toMillis()))));

        TopicCreator.createMissing(adminProps(), config, TIMEOUT);

        // the controller applies the change; the broker answering describeConfigs sees it a moment later
        await().atMost(TIMEOUT).untilAsserted(() -> {
            Map<String, Config> configs = describe(List.of(names.failureStats(), names.alerts(), names.alertsJson()));
            assertThat(value(configs, names.failureStats(), TopicConfig.RETENTION_MS_CONFIG)).isEqualTo("-1");
            assertThat(value(configs, names.alerts(), TopicConfig.RETENTION_MS_CONFIG))
                    .as("set by the operator").isEqualTo(Long.toString(Duration.ofDays(90).toMillis()));
            assertThat(value(configs, names.alertsJson(), TopicConfig.RETENTION_MS_CONFIG)).isEqualTo("-1");
        });
    }

    @Test
    void anExistingWindowStoreChangelogGetsAppendTimeTimestamps() throws Exception {
        ProcessorConfig config = config(Map.of(ProcessorConfig.APPLICATION_ID, "upgrade-" + UUID.randomUUID()));
        String changelog = TopologyFactory.windowStoreChangelog(config.get(ProcessorConfig.APPLICATION_ID));
        // as Kafka Streams created it for an earlier version: event-time timestamps
        createExisting(new NewTopic(changelog, 1, (short) 1).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, "compact,delete",
                TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime")));

        assertThat(TopicCreator.alignWindowStoreChangelog(adminProps(), config, TIMEOUT))
                .isEqualTo(TopicCreator.ChangelogAlignment.SET);

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(value(describe(List.of(changelog)), changelog,
                TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG)).isEqualTo("LogAppendTime"));
        assertThat(TopicCreator.alignWindowStoreChangelog(adminProps(), config, TIMEOUT))
                .as("the next start finds it set").isEqualTo(TopicCreator.ChangelogAlignment.ALREADY_SET);
        ProcessorConfig other = config(Map.of(ProcessorConfig.APPLICATION_ID, "fresh-" + UUID.randomUUID()));
        assertThat(TopicCreator.alignWindowStoreChangelog(adminProps(), other, TIMEOUT))
                .as("not created yet: Kafka Streams creates it").isEqualTo(TopicCreator.ChangelogAlignment.ABSENT);
    }

    @ParameterizedTest(name = "topics.retention.reports={0}")
    @CsvSource({"P400D, 34560000000, 'compact,delete'", "-1, -1, compact"})
    void anExistingCompactedReportsTopicGetsDeletionOnlyForAFiniteRetention(String setting, String retentionMs,
                                                                             String policies) throws Exception {
        ProcessorConfig config = config(Map.of(ProcessorConfig.TOPICS_RETENTION_REPORTS, setting));
        TopicNames names = config.topicNames();
        // as an earlier version created it: compacted only, no topic-level retention (compaction alone would never
        // apply a finite retention)
        createExisting(new NewTopic(names.reports(), 1, (short) 1)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));

        TopicCreator.createMissing(adminProps(), config, TIMEOUT);

        await().atMost(TIMEOUT).untilAsserted(() -> {
            Map<String, Config> configs = describe(List.of(names.reports()));
            assertThat(value(configs, names.reports(), TopicConfig.RETENTION_MS_CONFIG)).isEqualTo(retentionMs);
            assertThat(List.of(value(configs, names.reports(), TopicConfig.CLEANUP_POLICY_CONFIG).split(",")))
                    .containsExactlyInAnyOrder(policies.split(","));
        });
    }

    /** Creates topics as an earlier version did and waits until the broker lists them (metadata propagates). */
    private static void createExisting(NewTopic... topics) throws Exception {
        admin.createTopics(List.of(topics)).all().get(30, TimeUnit.SECONDS);
        List<String> names = Arrays.stream(topics).map(NewTopic::name).toList();
        await().atMost(TIMEOUT).until(() -> admin.listTopics().names().get(30, TimeUnit.SECONDS).containsAll(names));
    }

    private static ProcessorConfig config(Map<String, String> overrides) {
        String suffix = "-" + UUID.randomUUID().toString().substring(0, 8);
        Properties props = new Properties();
        props.setProperty(ProcessorConfig.BOOTSTRAP_SERVERS, cluster.bootstrapServers());
        props.setProperty(ProcessorConfig.TOPICS_PARTITIONS, "1");
        props.setProperty(ProcessorConfig.TOPICS_REPLICATION_FACTOR, "1");
        for (ProcessorConfig.Key key : ProcessorConfig.keys()) {
            if (key.name().startsWith("topic.")) {
                props.setProperty(key.name(), key.defaultValue() + suffix);
            }
        }
        overrides.forEach(props::setProperty);
        return ProcessorConfig.fromProperties(props);
    }

    private static Properties adminProps() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        return p;
    }

    /** The topics' configs, once the answering broker knows them all (created topics propagate a moment later). */
    private static Map<String, Config> describe(List<String> topics) {
        return await().atMost(TIMEOUT).ignoreExceptions().until(() -> {
            Map<ConfigResource, Config> byResource = admin.describeConfigs(topics.stream()
                    .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList()).all().get(30, TimeUnit.SECONDS);
            return byResource.entrySet().stream().collect(java.util.stream.Collectors.toMap(
                    e -> e.getKey().name(), Map.Entry::getValue));
        }, configs -> configs.size() == topics.size());
    }

    private static String value(Map<String, Config> configs, String topic, String key) {
        return configs.get(topic).get(key).value();
    }

    private static void produce(String topic, long timestamp) throws Exception {
        if (producer == null) {
            // one for the class: the retention test appends until the broker deletes a segment, and a producer
            // per append spent most of its time starting producers
            producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()),
                    new StringSerializer(), new StringSerializer());
        }
        producer.send(new ProducerRecord<>(topic, 0, timestamp, "example.org|sts", "stat")).get(30, TimeUnit.SECONDS);
    }

    private static long logStartOffset(String topic) throws Exception {
        TopicPartition tp = new TopicPartition(topic, 0);
        return admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).all().get(30, TimeUnit.SECONDS).get(tp).offset();
    }
}
