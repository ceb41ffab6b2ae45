package io.tlsrpt.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tlsrpt.testkafka.AlertmanagerProcess;
import io.tlsrpt.testkafka.Closeables;
import io.tlsrpt.testkafka.KafkaTestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notifier on a secured cluster ({@link KafkaTestCluster#startSaslSsl}: TLS on the client listener, SCRAM-SHA-512,
 * the {@code StandardAuthorizer}, no access without an ACL) against a real Alertmanager. A super user creates the
 * alert topic and writes the alerts; the notifier runs as the SCRAM user {@value #USER}, its settings given as the
 * {@code TLSRPT_NOTIFIER_KAFKA_*} variables of deploy/README.md (SASL_SSL, SCRAM-SHA-512, a PEM truststore), holding only Read on the topic and Read on its group (deploy/README.md, "Running against a secured
 * Kafka cluster"), and each of the two is shown necessary by taking it away. Every test has a topic and a group of
 * its own: the principal's literal ACLs of one test do not reach another's.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SecuredClusterNotifierIT {

    /** The notifier's SCRAM user, as a Strimzi KafkaUser {@code tlsrpt-alert-notifier} would be. */
    private static final String USER = "tlsrpt-alert-notifier";
    private static final String PASSWORD = "scram-secret-of-the-notifier";
    private static final String PRINCIPAL = "User:" + USER;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Path NOTIFIER_LOG = Path.of("target", "test-logs", "notifier.log");
    private static final Logger LOG = LoggerFactory.getLogger(SecuredClusterNotifierIT.class);

    private static AlertmanagerProcess alertmanager;
    private static KafkaTestCluster.Secured cluster;
    private static Admin admin;
    private static KafkaProducer<String, String> producer;

    @BeforeAll
    static void startEverything() throws Exception {
        AlertmanagerProcess.binary();   // fail fast, with instructions, when the package is missing
        Path work = Files.createDirectories(Path.of("target", "alertmanager-it"));
        alertmanager = new AlertmanagerProcess(Files.createTempDirectory(work, "am-secured")).start();
        cluster = KafkaTestCluster.startSaslSsl(Files.createTempDirectory(work, "tls"),
                Map.of("offsets.topic.num.partitions", "1"));
        cluster.createScramUser(USER, PASSWORD);
        admin = Admin.create(cluster.superUser());
        Properties p = cluster.superUser();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(p);
    }

    @AfterAll
    static void stopEverything() throws Exception {
        Closeables.closeAll(producer, admin, cluster, alertmanager);
    }

    /** The notifier's ACLs: Read on its topic (Describe implied) and Read on its group (Describe implied). */
    enum Binding {
        TOPIC_READ(ResourceType.TOPIC),
        GROUP_READ(ResourceType.GROUP);

        final ResourceType type;

        Binding(ResourceType type) {
            this.type = type;
        }

        AclBinding on(Names names) {
            String name = type == ResourceType.TOPIC ? names.topic() : names.group();
            return new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                    new AccessControlEntry(PRINCIPAL, "*", AclOperation.READ, AclPermissionType.ALLOW));
        }
    }

    /** The topic, group and alert id of one test. */
    record Names(String topic, String group, String alertId) {

        static Names of(String test) {
            String suffix = test + "-" + UUID.randomUUID().toString().substring(0, 8);
            return new Names("tlsrpt.alerts.json-" + suffix, "tlsrpt-alert-notifier-" + suffix, "secured-" + suffix);
        }
    }

    @Test
    void deliversAndCommitsWithReadOnTheTopicAndOnTheGroup() throws Exception {
        Names names = Names.of("minimal");
        createTopic(names);
        grant(List.of(Binding.TOPIC_READ.on(names), Binding.GROUP_READ.on(names)));

        try (AlertmanagerNotifier notifier = startNotifier(names, new SimpleMeterRegistry())) {
            produceFiring(names);
            await("alert in Alertmanager").atMost(WAIT).until(() -> alertmanager.alerts(names.alertId()).size() == 1);
            await("offset committed by the group").atMost(WAIT).until(() -> committed(names) == end(names));
            assertThat(notifier.isRunning()).isTrue();
        }

        // a restart re-reads the topic outside the group (the rebuild reader) to find the firing alerts again
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (AlertmanagerNotifier restarted = startNotifier(names, meters)) {
            await("firing alert rebuilt after a restart").atMost(WAIT)
                    .until(() -> meters.get("tlsrpt.notifier.firing.alerts").gauge().value() == 1.0);
            assertThat(restarted.isRunning()).isTrue();
            assertThat(restarted.failure()).isNull();
        }
        assertThat(Files.readString(NOTIFIER_LOG)).as("the notifier's log (log4j2-test.xml)")
                .contains("sasl.jaas.config=******").doesNotContain(PASSWORD);
    }

    /**
     * Without either binding the notifier stops with the authorisation error as its failure (the standalone main
     * then answers /health with 503 and exits with 1) and the alert never reaches Alertmanager.
     */
    @ParameterizedTest
    @EnumSource(Binding.class)
    void withoutEitherBindingTheNotifierStopsWithTheAuthorisationError(Binding removed) throws Exception {
        Names names = Names.of("without-" + removed.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        createTopic(names);
        grant(List.of(removed == Binding.TOPIC_READ ? Binding.GROUP_READ.on(names) : Binding.TOPIC_READ.on(names)));

        long started = System.nanoTime();
        Throwable failure;
        try (AlertmanagerNotifier notifier = startNotifier(names, new SimpleMeterRegistry())) {
            produceFiring(names);
            await("notifier stopped").atMost(WAIT).until(() -> !notifier.isRunning());
            failure = notifier.failure();
            LOG.info("without {}: stopped after {} ms by {}", removed,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), failure.toString());
            assertThat(failure).isInstanceOf(removed == Binding.TOPIC_READ
                    ? TopicAuthorizationException.class : GroupAuthorizationException.class);
        }
        assertThat(Files.readString(NOTIFIER_LOG)).as("the notifier's log (log4j2-test.xml)")
                .contains("ERROR [tlsrpt-alert-notifier] AlertmanagerNotifier - alert notifier stopped: Kafka refused"
                        + " access (" + failure.getMessage() + "); its principal needs Read on topic "
                        + names.topic() + " and Read on group " + names.group());
        assertThat(alertmanager.alerts(names.alertId())).isEmpty();
        assertThat(committed(names)).isZero();
    }

    private static AlertmanagerNotifier startNotifier(Names names, SimpleMeterRegistry meters) {
        Map<String, String> props = new HashMap<>();
        props.put(NotifierConfig.BOOTSTRAP_SERVERS, cluster.bootstrapServers());
        props.put(NotifierConfig.TOPIC, names.topic());
        props.put(NotifierConfig.GROUP_ID, names.group());
        props.put(NotifierConfig.ALERTMANAGER_URLS, alertmanager.url().toString());
        props.put(NotifierConfig.TIMEOUT_MS, "2000");
        props.put(NotifierConfig.RETRY_BACKOFF_INITIAL_MS, "200");
        props.put(NotifierConfig.RETRY_BACKOFF_MAX_MS, "1000");
        // the settings of deploy/README.md, as a Kubernetes Secret and the pod spec give them:
        // TLSRPT_NOTIFIER_KAFKA_SECURITY_PROTOCOL=SASL_SSL, _SASL_MECHANISM=SCRAM-SHA-512, _SASL_JAAS_CONFIG,
        // _SSL_TRUSTSTORE_TYPE=PEM, _SSL_TRUSTSTORE_LOCATION (the cluster CA)
        Map<String, String> env = new HashMap<>();
        cluster.scramClient(USER, PASSWORD).forEach((k, v) -> {
            if (!k.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
                env.put(NotifierConfig.envName(NotifierConfig.KAFKA_PREFIX + k), (String) v);
            }
        });
        return AlertmanagerNotifier.start(NotifierConfig.from(props, env), meters);
    }

    private static void createTopic(Names names) throws Exception {
        admin.createTopics(List.of(new NewTopic(names.topic(), 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }

    private static void produceFiring(Names names) throws Exception {
        AlertJson alert = AlertJson.firing(names.alertId()).with("policy_domain", "secured.example")
                .detectedAt(Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.SECONDS));
        producer.send(new ProducerRecord<>(names.topic(), "secured.example", alert.json())).get(10, TimeUnit.SECONDS);
    }

    private static void grant(List<AclBinding> acls) throws Exception {
        KafkaTestCluster.grant(admin, acls);
    }

    private static long committed(Names names) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(names.group())
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        return offsets.values().stream().filter(Objects::nonNull).mapToLong(OffsetAndMetadata::offset).sum();
    }

    private static long end(Names names) throws Exception {
        TopicPartition tp = new TopicPartition(names.topic(), 0);
        return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get(10, TimeUnit.SECONDS).get(tp).offset();
    }
}
