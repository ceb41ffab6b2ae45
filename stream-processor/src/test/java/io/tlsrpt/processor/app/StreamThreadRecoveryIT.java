package io.tlsrpt.processor.app;

import static io.tlsrpt.processor.app.ProcessorTopics.produce;
import static io.tlsrpt.processor.app.ProcessorTopics.readAll;
import static io.tlsrpt.processor.topology.ReportFixtures.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tlsrpt.schema.TlsReport;
import io.tlsrpt.testkafka.KafkaTestCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndFailExceptionHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream thread that dies of an error no record handler took is replaced, and processing goes on without a
 * restart; one that keeps dying stops the client after {@code stream.thread.replacements}. The error is made real and
 * repeatable: the deserialization handler is set to Kafka's log-and-fail (instead of the dead-lettering one) and an
 * unreadable record is put into the processor's own repartition topic, so every new thread reads it and dies again,
 * until the record is deleted. (The dying threads' exceptions are expected: the waits do not fail on them.)
 */
class StreamThreadRecoveryIT {

    private static KafkaClusterTestKit cluster;
    @TempDir
    static Path stateDir;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = KafkaTestCluster.start(Map.of());
    }

    @AfterAll
    static void stopCluster() throws Exception {
        cluster.close();
    }

    @Test
    void aThreadKilledByAnErrorThatPassesIsReplacedAndProcessingGoesOnWithoutARestart() throws Exception {
        ProcessorConfig config = config("recovers", 1000);
        try (TlsRptProcessor processor = TlsRptProcessor.start(config);
             Admin admin = admin()) {
            assertThat(processor.awaitReady(Duration.ofSeconds(60))).isTrue();
            TopicPartition repartition = poison(config);
            await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(60)).until(() -> processor.threadReplacements() >= 1);

            // the cause goes away: the unreadable record is deleted, as the broker's recovery ends a passing error
            long end = admin.listOffsets(Map.of(repartition, OffsetSpec.latest())).all().get(30, TimeUnit.SECONDS)
                    .get(repartition).offset();
            admin.deleteRecords(Map.of(repartition, RecordsToDelete.beforeOffset(end))).all()
                    .get(30, TimeUnit.SECONDS);
            produce(cluster.bootstrapServers(), config.topicNames().raw(),
                    List.of(report("Google Inc.", "after-recovery", 1).policy("recover.example", 100).bytes()));

            String registry = config.get(ProcessorConfig.SCHEMA_REGISTRY_URL);
            await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(60)).until(() -> readAll(cluster.bootstrapServers(),
                    config.topicNames().reports(), registry, TlsReport.class).size() == 1);
            assertThat(processor.isLive()).as("never shut down").isTrue();
            assertThat(processor.awaitReady(Duration.ofSeconds(30))).isTrue();
            assertThat(processor.meterRegistry().scrape())
                    .containsPattern("tlsrpt_stream_thread_replacements_total [1-9]");
        }
    }

    @Test
    void aThreadThatKeepsDyingStopsTheClientAfterTheAllowedReplacements() throws Exception {
        ProcessorConfig config = config("gives-up", 2);
        try (TlsRptProcessor processor = TlsRptProcessor.start(config)) {
            assertThat(processor.awaitReady(Duration.ofSeconds(60))).isTrue();
            poison(config);
            await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(90)).until(() -> !processor.isLive());
            assertThat(processor.threadReplacements()).isEqualTo(2);
            await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(30)).until(() -> processor.state() == KafkaStreams.State.ERROR);
        }
    }

    /** An unreadable record in the processor's repartition of windows to other domains; returns its partition. */
    private static TopicPartition poison(ProcessorConfig config) throws Exception {
        String topic = config.get(ProcessorConfig.APPLICATION_ID) + "-by-other-domain-repartition";
        produce(cluster.bootstrapServers(), topic, List.of("not a window".getBytes(StandardCharsets.UTF_8)));
        return new TopicPartition(topic, 0);
    }

    private static ProcessorConfig config(String name, int replacements) {
        Properties props = new Properties();
        props.setProperty(ProcessorConfig.BOOTSTRAP_SERVERS, cluster.bootstrapServers());
        props.setProperty(ProcessorConfig.APPLICATION_ID, "tlsrpt-recovery-" + name);
        for (String topicKey : List.of(ProcessorConfig.TOPIC_RAW, ProcessorConfig.TOPIC_REPORTS,
                ProcessorConfig.TOPIC_DEAD_LETTER, ProcessorConfig.TOPIC_FAILURE_STATS, ProcessorConfig.TOPIC_DOMAIN_STATS,
                ProcessorConfig.TOPIC_ALERTS, ProcessorConfig.TOPIC_ALERTS_JSON)) {
            props.setProperty(topicKey, ProcessorConfig.fromProperties(new Properties()).get(topicKey) + "-" + name);
        }
        props.setProperty(ProcessorConfig.SCHEMA_REGISTRY_URL, "mock://recovery-" + UUID.randomUUID());
        props.setProperty(ProcessorConfig.STATE_DIR, stateDir.resolve(name).toString());
        props.setProperty(ProcessorConfig.HTTP_PORT, "-1");
        props.setProperty(ProcessorConfig.TOPICS_PARTITIONS, "1");
        props.setProperty(ProcessorConfig.STREAM_THREAD_REPLACEMENTS, Integer.toString(replacements));
        // a replaced thread's new consumer waits until the dead one's session expires: keep that short here
        props.setProperty("streams.session.timeout.ms", "6000");
        props.setProperty("streams.heartbeat.interval.ms", "1000");
        props.setProperty("streams." + StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndFailExceptionHandler.class.getName());
        return ProcessorConfig.fromProperties(props);
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()));
    }
}
