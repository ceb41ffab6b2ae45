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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.NetworkClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the secured-cluster tests share: the processor's configuration and the end-to-end checks. */
final class SecuredClusterFixture {

    static final String DOMAIN = "secured.example";
    private static final Logger LOG = LoggerFactory.getLogger(SecuredClusterFixture.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private SecuredClusterFixture() {
    }

    /**
     * The processor with topics and application id of its own (the tests share a cluster and a principal), one
     * partition, no topic creation, and the client settings {@code client} (bootstrap, transport, SASL) given as
     * {@code TLSRPT_STREAMS_*} variables, as a Kubernetes Secret would give them, or as {@code streams.*} keys.
     */
    static ProcessorConfig config(Properties client, Path stateDir, String name, boolean fromEnvironment)
            throws Exception {
        return config(client, stateDir, name, fromEnvironment, Map.of());
    }

    /** As {@link #config(Properties, Path, String, boolean)}, with processor keys set or overridden. */
    static ProcessorConfig config(Properties client, Path stateDir, String name, boolean fromEnvironment,
                                  Map<String, String> keys) throws Exception {
        String suffix = "-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
        Properties props = new Properties();
        props.setProperty(ProcessorConfig.BOOTSTRAP_SERVERS,
                client.getProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
        props.setProperty(ProcessorConfig.APPLICATION_ID, "tlsrpt-secured" + suffix);
        for (ProcessorConfig.Key key : ProcessorConfig.keys()) {
            if (key.name().startsWith("topic.")) {
                props.setProperty(key.name(), key.defaultValue() + suffix);
            }
        }
        props.setProperty(ProcessorConfig.SCHEMA_REGISTRY_URL, "mock://secured" + suffix);
        props.setProperty(ProcessorConfig.STATE_DIR, Files.createDirectories(stateDir.resolve(name)).toString());
        props.setProperty(ProcessorConfig.HTTP_PORT, "-1");
        props.setProperty(ProcessorConfig.TOPICS_CREATE, "false");
        props.setProperty(ProcessorConfig.TOPICS_PARTITIONS, "1");
        props.setProperty(ProcessorConfig.TOPICS_REPLICATION_FACTOR, "1");
        // purge committed repartition records at once rather than every 30 s
        props.setProperty(ProcessorConfig.STREAMS_PREFIX + "repartition.purge.interval.ms", "100");
        props.putAll(keys);
        Map<String, String> env = new HashMap<>();
        client.forEach((k, v) -> {
            if (!k.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
                if (fromEnvironment) {
                    env.put(ProcessorConfig.STREAMS_ENV_PREFIX
                            + ((String) k).toUpperCase(Locale.ROOT).replace('.', '_'), (String) v);
                } else {
                    props.setProperty(ProcessorConfig.STREAMS_PREFIX + k, (String) v);
                }
            }
        });
        return ProcessorConfig.fromProperties(props, env);
    }

    /**
     * The operator's steps (topics created by the super user, {@link ProcessorAcls#minimal} for {@code principal})
     * and then the processor, RUNNING, turning a report into a report and statistics and junk into a dead letter.
     */
    static void assertRunsEndToEnd(Properties superUser, Admin admin, String principal, ProcessorConfig config)
            throws Exception {
        TopicCreator.createMissing(superUser, config, ADMIN_TIMEOUT);
        KafkaTestCluster.grant(admin, ProcessorAcls.minimal(principal, config));
        try (TlsRptProcessor processor = TlsRptProcessor.start(config)) {
            assertThat(processor.awaitReady(Duration.ofSeconds(60))).as("RUNNING as %s", principal).isTrue();
            assertProcessesAReportAndDeadLettersJunk(superUser, config);
        }
    }

    /**
     * The same steps with client settings the broker refuses at the connection: the stream thread dies, the client
     * goes to ERROR and liveness down (so the process exits with 1 and Kubernetes restarts it, see
     * {@link TlsRptProcessor#main}), and the Kafka client's ERROR line names {@code cause}.
     */
    static void assertRefusedAtConnection(Properties superUser, Admin admin, String principal, ProcessorConfig config,
                                          String cause) throws Exception {
        TopicCreator.createMissing(superUser, config, ADMIN_TIMEOUT);
        KafkaTestCluster.grant(admin, ProcessorAcls.minimal(principal, config));
        long started = System.nanoTime();
        try (CapturedLog log = new CapturedLog(NetworkClient.class);
             TlsRptProcessor processor = TlsRptProcessor.start(config)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> !processor.isLive());
            LOG.info("{}: not live after {} ms, state {}", config.get(ProcessorConfig.APPLICATION_ID),
                    (System.nanoTime() - started) / 1_000_000, processor.state());
            assertThat(processor.isReady()).isFalse();
            await().atMost(Duration.ofSeconds(30)).until(() -> processor.state() == KafkaStreams.State.ERROR);
            assertThat(log.text()).contains("ERROR ").contains("failed authentication due to: " + cause);
        }
    }

    /** A report in the raw topic gives one report and statistics; a junk record one dead letter. */
    static void assertProcessesAReportAndDeadLettersJunk(Properties superUser, ProcessorConfig config)
            throws Exception {
        TopicNames topics = config.topicNames();
        String registry = config.get(ProcessorConfig.SCHEMA_REGISTRY_URL);
        byte[] junk = "not a report at all".getBytes(StandardCharsets.UTF_8);
        produce(superUser, topics.raw(), List.of(report("Google Inc.", "g1", 1)
                .policy(DOMAIN, 1000, failure("validation-failure", 2, "192.0.2.1", null)).bytes(), junk));

        await().atMost(Duration.ofSeconds(60)).until(() -> readAll(superUser, topics.reports(), registry,
                TlsReport.class).size() == 1);
        assertThat(readAll(superUser, topics.reports(), registry, TlsReport.class).get(0).value().getReportId())
                .isEqualTo("g1");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(readAll(superUser,
                topics.failureStats(), registry, FailureStats.class)).singleElement().satisfies(r -> {
                    assertThat(r.key()).isEqualTo(DOMAIN + "|validation-failure");
                    assertThat(r.value().getFailedSessions()).isEqualTo(2);
                    assertThat(r.value().getTotalSessions()).isEqualTo(1002);
                }));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(readAll(superUser, topics.deadLetter(),
                registry, byte[].class)).singleElement().satisfies(r -> assertThat(r.value()).isEqualTo(junk)));
    }
}
