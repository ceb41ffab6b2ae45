package io.tlsrpt.processor.app;

import static io.tlsrpt.processor.app.ProcessorTopics.produce;
import static io.tlsrpt.processor.app.ProcessorTopics.readAll;
import static io.tlsrpt.processor.topology.ReportFixtures.failure;
import static io.tlsrpt.processor.topology.ReportFixtures.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tlsrpt.processor.topology.TopicNames;
import io.tlsrpt.schema.FailureStats;
import io.tlsrpt.schema.TlsReport;
import io.tlsrpt.testkafka.KafkaTestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The window store's changelog keeps old-dated windows until they are restored. Kafka Streams creates a windowed
 * changelog with {@code cleanup.policy=compact,delete} and {@code retention.ms} = store retention + 1 day, and the
 * broker applies that retention to record timestamps. The aggregate writes its changelog with event time (the
 * report's start), so the windows of a backlog or an archive (reports dated more than that retention back) were
 * deleted by the broker's retention check as soon as their segment rolled, and a restore (a take-over, a new
 * machine) came back without them: the next report for such a window started it again from empty.
 * <p>
 * The broker here applies retention every 200 ms. The windows are dated 400 days back. Before the fix the changelog
 * lost its first segment (the old window) within a second, and the second machine counted 1 report, not 2.
 */
class WindowChangelogRetentionIT {

    private static final Instant OLD_DAY = Instant.now().minus(400, ChronoUnit.DAYS).truncatedTo(ChronoUnit.DAYS);
    private static final String DOMAIN = "archive.example";

    private static KafkaClusterTestKit cluster;
    @TempDir
    static Path stateDir;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = KafkaTestCluster.start(Map.of(
                "log.retention.check.interval.ms", "200",
                // a compact,delete topic's retention is applied by the log cleaner, after each backoff
                "log.cleaner.backoff.ms", "200"));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void anOldWindowIsRestoredOnANewMachineAndTheNextReportAddsToIt() throws Exception {
        String bootstrap = cluster.bootstrapServers();
        String registry = "mock://changelog-" + UUID.randomUUID();
        String changelog;
        TopicNames topics;

        // the first machine counts one report of the old day, and the next day's report moves the stream on
        ProcessorConfig first = config(bootstrap, registry, "machine-1");
        topics = first.topicNames();
        changelog = first.get(ProcessorConfig.APPLICATION_ID) + "-domain-window-store-changelog";
        try (TlsRptProcessor processor = TlsRptProcessor.start(first)) {
            assertThat(processor.awaitReady(Duration.ofSeconds(60))).isTrue();
            produce(bootstrap, topics.raw(), List.of(report("Google Inc.", "g-old", OLD_DAY)
                    .policy(DOMAIN, 900, failure("validation-failure", 3, "192.0.2.1", null)).bytes()));
            await().atMost(Duration.ofSeconds(60)).until(() -> committedReports(bootstrap, topics, registry) == 1);
            produce(bootstrap, topics.raw(), List.of(report("Google Inc.", "g-next", OLD_DAY.plus(1, ChronoUnit.DAYS))
                    .policy(DOMAIN, 900).bytes()));
            await().atMost(Duration.ofSeconds(60)).until(() -> committedReports(bootstrap, topics, registry) == 2);
        }
        try (Admin admin = admin(bootstrap)) {
            assertThat(topicConfig(admin, changelog, TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG))
                    .as("retention counted from when a window was written, not from its event time")
                    .isEqualTo("LogAppendTime");
            // ten retention passes: an event-time changelog lost its first segment (the old window) in the first
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                    .until(() -> logStartOffset(admin, changelog) == 0);
        }

        // a new machine restores the store from the changelog; a late report for the old day adds to its window
        ProcessorConfig second = config(bootstrap, registry, "machine-2");
        try (TlsRptProcessor processor = TlsRptProcessor.start(second)) {
            assertThat(processor.awaitReady(Duration.ofSeconds(60))).isTrue();
            produce(bootstrap, topics.raw(), List.of(report("Yahoo", "y-old", OLD_DAY)
                    .policy(DOMAIN, 500, failure("validation-failure", 1, "192.0.2.2", null)).bytes()));
            await().atMost(Duration.ofSeconds(60)).until(() -> committedReports(bootstrap, topics, registry) == 3);
        }
        FailureStats latest = null;
        for (ConsumerRecord<String, FailureStats> r : readAll(bootstrap, topics.failureStats(), registry,
                FailureStats.class)) {
            if (r.key().equals(DOMAIN + "|validation-failure") && r.value().getWindowStart().equals(OLD_DAY)) {
                latest = r.value();
            }
        }
        assertThat(latest).isNotNull();
        assertThat(latest.getReports()).as("both reports of the old day, one counted before the restore").isEqualTo(2);
        assertThat(latest.getTotalSessions()).isEqualTo(903 + 501);
        assertThat(latest.getFailedSessions()).isEqualTo(4);
    }

    /** The processor with its own state directory ({@code machine}); the application and topics are shared. */
    private static ProcessorConfig config(String bootstrap, String registry, String machine) throws Exception {
        Properties props = new Properties();
        props.setProperty(ProcessorConfig.BOOTSTRAP_SERVERS, bootstrap);
        props.setProperty(ProcessorConfig.APPLICATION_ID, "tlsrpt-changelog-it");
        props.setProperty(ProcessorConfig.SCHEMA_REGISTRY_URL, registry);
        props.setProperty(ProcessorConfig.STATE_DIR, Files.createDirectories(stateDir.resolve(machine)).toString());
        props.setProperty(ProcessorConfig.HTTP_PORT, "0");
        props.setProperty(ProcessorConfig.TOPICS_PARTITIONS, "1");
        return ProcessorConfig.fromProperties(props);
    }

    private static int committedReports(String bootstrap, TopicNames topics, String registry) {
        return readAll(bootstrap, topics.reports(), registry, TlsReport.class).size();
    }

    private static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    private static String topicConfig(Admin admin, String topic, String key) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource).get(key).value();
    }

    private static long logStartOffset(Admin admin, String topic) throws Exception {
        TopicPartition tp = new TopicPartition(topic, 0);
        return admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).all().get(30, TimeUnit.SECONDS).get(tp).offset();
    }
}
