package io.tlsrpt.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.tlsrpt.deploy.Workloads.Container;
import io.tlsrpt.deploy.Workloads.Target;
import io.tlsrpt.notify.NotifierConfig;
import io.tlsrpt.processor.app.ProcessorConfig;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/**
 * Every TLSRPT_* variable set for the stream processor or the alert notifier (compose, Kubernetes, Dockerfile) is
 * a key of that program's configuration class, its value passes that class's validation, and the keys a real
 * deployment must set are set.
 */
class EnvironmentVariablesTest {

    private static final Set<String> PROCESSOR_VARIABLES = ProcessorConfig.keys().stream()
            .map(ProcessorConfig.Key::envName).collect(Collectors.toCollection(TreeSet::new));
    private static final Set<String> NOTIFIER_VARIABLES = NotifierConfig.DEFAULTS.keySet().stream()
            .map(NotifierConfig::envName).collect(Collectors.toCollection(TreeSet::new));
    /**
     * Variables the app image's logging configuration reads (${env:TLSRPT_...} in the CLI jar's log4j2.xml, which
     * the image's class path starts with): valid for both programs.
     */
    private static final Set<String> LOGGING_VARIABLES = loggingVariables();
    /** Kafka Streams' and its clients' setting names, which TLSRPT_STREAMS_<NAME> variables may give. */
    private static final Set<String> KAFKA_SETTINGS = kafkaSettings();
    private static final Set<String> TOPIC_SETTINGS = topicSettings();
    private static final List<String> CLIENT_PREFIXES = List.of(StreamsConfig.PRODUCER_PREFIX,
            StreamsConfig.CONSUMER_PREFIX, StreamsConfig.MAIN_CONSUMER_PREFIX, StreamsConfig.RESTORE_CONSUMER_PREFIX,
            StreamsConfig.GLOBAL_CONSUMER_PREFIX, StreamsConfig.ADMIN_CLIENT_PREFIX);

    /**
     * Keys whose default only suits a single machine: a deployment must set them. bootstrap.servers and the
     * registry default to 127.0.0.1 and mock:// (in-process); http.host defaults to 127.0.0.1, which probes and
     * Prometheus cannot reach; state.dir defaults to /tmp, which is lost on restart.
     */
    private static final List<String> PROCESSOR_REQUIRED = List.of(ProcessorConfig.BOOTSTRAP_SERVERS,
            ProcessorConfig.SCHEMA_REGISTRY_URL, ProcessorConfig.HTTP_HOST, ProcessorConfig.STATE_DIR);

    /** bootstrap.servers defaults to 127.0.0.1; alertmanager.urls has no default; metrics are off by default. */
    private static final List<String> NOTIFIER_REQUIRED = List.of(NotifierConfig.BOOTSTRAP_SERVERS,
            NotifierConfig.ALERTMANAGER_URLS, NotifierConfig.METRICS_PORT, NotifierConfig.METRICS_BIND);

    @Test
    void bothDeploymentsRunOneProcessorAndOneNotifier() {
        // guards the other tests: if the containers were not recognised, they would check nothing
        for (Target target : Target.values()) {
            assertThat(Workloads.running(Workloads.PROCESSOR_MAIN, target)).as("processors in " + target).hasSize(1);
            assertThat(Workloads.running(Workloads.NOTIFIER_MAIN, target)).as("notifiers in " + target).hasSize(1);
        }
    }

    @Test
    void everyProcessorVariableIsAProcessorConfigKey() {
        for (Container c : Workloads.running(Workloads.PROCESSOR_MAIN)) {
            Set<String> variables = tlsrptVariables(c.env());
            assertThat(variables).as("TLSRPT_* variables of " + c).isNotEmpty();
            assertThat(variables.stream().filter(v -> !PROCESSOR_VARIABLES.contains(v) && !LOGGING_VARIABLES.contains(v)
                    && !isKafkaSettingVariable(v)).toList())
                    .as("TLSRPT_* variables of %s that are neither keys (%s) nor Kafka settings as TLSRPT_STREAMS_<NAME>",
                            c, PROCESSOR_VARIABLES)
                    .isEmpty();
        }
        Map<String, String> imageEnv = Workloads.dockerfileEnv("app");
        assertThat(tlsrptVariables(imageEnv)).as("ENV of the Dockerfile's app stage").isNotEmpty()
                .isSubsetOf(PROCESSOR_VARIABLES);
    }

    @Test
    void kafkaSettingsAsStreamsVariablesAreRecognisedAndTyposAreNot() {
        // what a secured deployment sets from a Secret (deploy/README.md, "Running against a secured Kafka cluster")
        assertThat(List.of("TLSRPT_STREAMS_SECURITY_PROTOCOL", "TLSRPT_STREAMS_SASL_MECHANISM",
                "TLSRPT_STREAMS_SASL_JAAS_CONFIG", "TLSRPT_STREAMS_SSL_TRUSTSTORE_LOCATION",
                "TLSRPT_STREAMS_PRODUCER_LINGER_MS", "TLSRPT_STREAMS_MAX_TASK_IDLE_MS",
                "TLSRPT_STREAMS_TOPIC_MIN_INSYNC_REPLICAS"))
                .allMatch(EnvironmentVariablesTest::isKafkaSettingVariable);
        assertThat(List.of("TLSRPT_STREAMS_SASL_JASS_CONFIG", "TLSRPT_STREAMS_", "TLSRPT_WINDOW_GRACE",
                "TLSRPT_STREAMS_MIN_INSYNC_REPLICAS"))
                .noneMatch(EnvironmentVariablesTest::isKafkaSettingVariable);
    }

    @Test
    void everyNotifierVariableIsANotifierConfigKey() {
        for (Container c : Workloads.running(Workloads.NOTIFIER_MAIN)) {
            Set<String> variables = tlsrptVariables(c.env());
            assertThat(variables).as("TLSRPT_* variables of " + c).isNotEmpty();
            assertThat(variables.stream().filter(v -> !NOTIFIER_VARIABLES.contains(v) && !LOGGING_VARIABLES.contains(v)
                    && !isNotifierKafkaSettingVariable(v)).toList())
                    .as("TLSRPT_* variables of %s that are neither keys (%s) nor consumer settings as "
                            + "TLSRPT_NOTIFIER_KAFKA_<NAME>", c, NOTIFIER_VARIABLES)
                    .isEmpty();
        }
    }

    @Test
    void consumerSettingsAsNotifierVariablesAreRecognisedAndTyposAreNot() {
        // what a secured deployment sets from a Secret (deploy/README.md, "Running against a secured Kafka cluster")
        assertThat(List.of("TLSRPT_NOTIFIER_KAFKA_SECURITY_PROTOCOL", "TLSRPT_NOTIFIER_KAFKA_SASL_MECHANISM",
                "TLSRPT_NOTIFIER_KAFKA_SASL_JAAS_CONFIG", "TLSRPT_NOTIFIER_KAFKA_SSL_TRUSTSTORE_TYPE",
                "TLSRPT_NOTIFIER_KAFKA_SSL_TRUSTSTORE_LOCATION", "TLSRPT_NOTIFIER_KAFKA_MAX_POLL_RECORDS"))
                .allMatch(EnvironmentVariablesTest::isNotifierKafkaSettingVariable);
        // a misspelt setting, a Streams-only one, a prefix alone, a notifier key
        assertThat(List.of("TLSRPT_NOTIFIER_KAFKA_SASL_JASS_CONFIG", "TLSRPT_NOTIFIER_KAFKA_NUM_STREAM_THREADS",
                "TLSRPT_NOTIFIER_KAFKA_", "TLSRPT_NOTIFIER_TOPIC", "TLSRPT_STREAMS_SASL_JAAS_CONFIG"))
                .noneMatch(EnvironmentVariablesTest::isNotifierKafkaSettingVariable);
    }

    @Test
    void processorSettingsPassValidationAndTheRequiredOnesAreSet() {
        for (Container c : Workloads.running(Workloads.PROCESSOR_MAIN)) {
            Map<String, String> env = withImageDefaults(c.env());
            assertThatCode(() -> ProcessorConfig.fromProperties(new Properties(), env)).as(c.toString())
                    .doesNotThrowAnyException();
            ProcessorConfig config = ProcessorConfig.fromProperties(new Properties(), env);
            for (String key : PROCESSOR_REQUIRED) {
                assertThat(env).as(c + " must set " + key).containsKey(envOf(key));
            }
            assertThat(config.get(ProcessorConfig.SCHEMA_REGISTRY_URL)).as(c + ": a real registry").startsWith("http");
            assertThat(config.get(ProcessorConfig.HTTP_HOST)).as(c + ": reachable by probes and Prometheus")
                    .isEqualTo("0.0.0.0");
            assertThat(c.ports()).as(c + " declares its queries' port")
                    .contains(config.getInt(ProcessorConfig.HTTP_PORT));
            if (config.managementPort() >= 0) {
                assertThat(c.ports()).as(c + " declares its metrics/health port (http.management.port)")
                        .contains(config.managementPort());
            }
            if (c.target() == Target.K8S) {
                // the probes ask the port /health is on: the management port when there is one
                int health = config.managementPort() >= 0 ? config.managementPort()
                        : config.getInt(ProcessorConfig.HTTP_PORT);
                for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                    String portName = c.node().path(probe).path("httpGet").path("port").asText();
                    List<Integer> named = new java.util.ArrayList<>();
                    c.node().path("ports").forEach(port -> {
                        if (port.path("name").asText().equals(portName)) {
                            named.add(port.path("containerPort").asInt());
                        }
                    });
                    assertThat(named).as(c + " " + probe + " port " + portName).containsExactly(health);
                }
            }
            String stateDir = config.get(ProcessorConfig.STATE_DIR);
            assertThat(c.mountPaths()).as(c + ": state.dir " + stateDir + " on a volume")
                    .anyMatch(mount -> stateDir.equals(mount) || stateDir.startsWith(mount + "/"));
        }
    }

    @Test
    void everyTopicKeyIsSetExplicitly() {
        // renaming a topic means changing several files: keep the names visible where the processor runs
        List<String> topicKeys = ProcessorConfig.keys().stream().map(ProcessorConfig.Key::name)
                .filter(k -> k.startsWith("topic.")).toList();
        assertThat(topicKeys).hasSize(7);
        for (Container c : Workloads.running(Workloads.PROCESSOR_MAIN)) {
            for (String key : topicKeys) {
                assertThat(c.env()).as(c + " sets " + key).containsKey(envOf(key));
            }
        }
    }

    @Test
    void notifierSettingsPassValidationAndTheRequiredOnesAreSet() {
        for (Container c : Workloads.running(Workloads.NOTIFIER_MAIN)) {
            assertThatCode(() -> NotifierConfig.from(Map.of(), c.env())).as(c.toString()).doesNotThrowAnyException();
            NotifierConfig config = NotifierConfig.from(Map.of(), c.env());
            for (String key : NOTIFIER_REQUIRED) {
                assertThat(c.env()).as(c + " must set " + key).containsKey(NotifierConfig.envName(key));
            }
            assertThat(config.metricsBind()).as(c + ": reachable by probes and Prometheus").isEqualTo("0.0.0.0");
            assertThat(c.ports()).as(c + " declares its metrics port").contains(config.metricsPort());
        }
    }

    @Test
    void theNotifierReadsTheAlertTopicTheProcessorWritesInTheSameDeployment() {
        for (Target target : Target.values()) {
            Container processor = Workloads.running(Workloads.PROCESSOR_MAIN, target).get(0);
            Container notifier = Workloads.running(Workloads.NOTIFIER_MAIN, target).get(0);
            ProcessorConfig p = ProcessorConfig.fromProperties(new Properties(), withImageDefaults(processor.env()));
            NotifierConfig n = NotifierConfig.from(Map.of(), notifier.env());
            assertThat(n.topic()).as(target + ": notifier topic").isEqualTo(p.get(ProcessorConfig.TOPIC_ALERTS_JSON));
            assertThat(n.bootstrapServers()).as(target + ": same Kafka").isEqualTo(p.get(ProcessorConfig.BOOTSTRAP_SERVERS));
        }
    }

    @Test
    void theProcessorsVariablesAreNotTheNotifiersAndTheOtherWayRound() {
        for (Container c : Workloads.running(Workloads.PROCESSOR_MAIN)) {
            assertThat(c.env().keySet()).as(c.toString()).noneMatch(v -> v.startsWith(NotifierConfig.ENV_PREFIX));
        }
        for (Container c : Workloads.running(Workloads.NOTIFIER_MAIN)) {
            assertThat(tlsrptVariables(c.env())).as(c.toString())
                    .allMatch(v -> v.startsWith(NotifierConfig.ENV_PREFIX) || LOGGING_VARIABLES.contains(v));
        }
    }

    /** The container's variables over the app image's ENV (the image sets state dir and bind address). */
    private static Map<String, String> withImageDefaults(Map<String, String> env) {
        Map<String, String> merged = new java.util.LinkedHashMap<>(Workloads.dockerfileEnv("app"));
        merged.putAll(env);
        return merged;
    }

    /** The environment variable of a processor key. */
    static String envOf(String key) {
        return ProcessorConfig.keys().stream().filter(k -> k.name().equals(key)).findFirst()
                .orElseThrow(() -> new AssertionError("no processor key " + key)).envName();
    }

    private static Set<String> loggingVariables() {
        java.nio.file.Path log4j = DeployFiles.ROOT.resolve("../cli/src/main/resources/log4j2.xml").normalize();
        Set<String> names = new TreeSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\{env:(TLSRPT_[A-Z0-9_]+)")
                .matcher(DeployFiles.read(log4j));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /**
     * A TLSRPT_STREAMS_<NAME> variable naming a setting Kafka Streams or its clients know, bare or with a client
     * prefix (producer., main.consumer., admin., ...), or a topic config with the prefix topic.: a misspelt one
     * would only earn a warning from Kafka at start.
     */
    private static boolean isKafkaSettingVariable(String variable) {
        return ProcessorConfig.kafkaSettingOfEnv(variable).filter(setting -> KAFKA_SETTINGS.contains(setting)
                || CLIENT_PREFIXES.stream().anyMatch(p -> setting.startsWith(p)
                        && KAFKA_SETTINGS.contains(setting.substring(p.length())))
                || setting.startsWith(StreamsConfig.TOPIC_PREFIX)
                        && TOPIC_SETTINGS.contains(setting.substring(StreamsConfig.TOPIC_PREFIX.length())))
                .isPresent();
    }

    /** A TLSRPT_NOTIFIER_KAFKA_<NAME> variable naming a setting the notifier's Kafka consumer knows. */
    private static boolean isNotifierKafkaSettingVariable(String variable) {
        return NotifierConfig.kafkaSettingOfEnv(variable).filter(ConsumerConfig.configNames()::contains).isPresent();
    }

    private static Set<String> kafkaSettings() {
        Set<String> names = new TreeSet<>(StreamsConfig.configDef().names());
        names.addAll(ProducerConfig.configNames());
        names.addAll(ConsumerConfig.configNames());
        names.addAll(AdminClientConfig.configNames());
        return names;
    }

    /** The values of TopicConfig's *_CONFIG constants. */
    private static Set<String> topicSettings() {
        Set<String> names = new TreeSet<>();
        for (java.lang.reflect.Field f : TopicConfig.class.getFields()) {
            if (f.getName().endsWith("_CONFIG") && f.getType() == String.class) {
                try {
                    names.add((String) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(f.getName(), e);
                }
            }
        }
        return names;
    }

    private static Set<String> tlsrptVariables(Map<String, String> env) {
        return env.keySet().stream().filter(v -> v.startsWith("TLSRPT_")).collect(Collectors.toCollection(TreeSet::new));
    }
}
