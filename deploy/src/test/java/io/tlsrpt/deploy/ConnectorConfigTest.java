package io.tlsrpt.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import io.tlsrpt.connect.TlsRptSourceConfig;
import io.tlsrpt.connect.TlsRptSourceConnector;
import io.tlsrpt.processor.app.ProcessorConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.runtime.SourceConnectorConfig;
import org.apache.kafka.connect.runtime.distributed.DistributedConfig;
import org.junit.jupiter.api.Test;

/**
 * The connector configurations (compose: the JSON PUT to the Connect REST API; Kubernetes: the KafkaConnector) and
 * the worker configurations use only keys the connector's ConfigDef or the Connect framework defines, pass the
 * connector's own validation and Connect's, write to the processor's raw topic with the raw-record converters, and
 * every ${env:...} secret they read is provided to the Connect container. The KafkaConnect sets no key Strimzi
 * reserves.
 */
class ConnectorConfigTest {

    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");
    /** Families of connector keys the framework accepts under a prefix (SMTs, predicates, client overrides). */
    private static final List<String> FRAMEWORK_PREFIXES = List.of("transforms.", "predicates.", "producer.override.",
            "admin.override.", "key.converter.", "value.converter.", "header.converter.", "topic.creation.");
    private static final List<String> WORKER_PREFIXES = List.of("config.providers.", "producer.", "consumer.", "admin.",
            "listeners.https.", "admin.listeners.https.");

    /** Strimzi's KafkaConnectSpec.FORBIDDEN_PREFIXES (and its exceptions): keys the operator sets itself. */
    private static final List<String> STRIMZI_RESERVED = List.of("ssl.", "sasl.", "security.", "listeners",
            "plugin.path", "rest.", "bootstrap.servers", "consumer.interceptor.classes", "producer.interceptor.classes",
            "prometheus.metrics.reporter.");
    private static final Set<String> STRIMZI_RESERVED_EXCEPTIONS = Set.of("ssl.endpoint.identification.algorithm",
            "ssl.cipher.suites", "ssl.protocol", "ssl.enabled.protocols");

    /** One connector configuration with the worker it runs in. */
    private record Deployment(String name, String connectorName, Map<String, String> connector,
                              Map<String, String> worker, Map<String, String> connectEnv, List<String> connectMounts,
                              String rawTopicOfTheProcessor) {
    }

    private static List<Deployment> deployments() {
        JsonNode connect = Connectors.kafkaConnect().node();
        assertThat(connect.path("metadata").path("annotations").path("strimzi.io/use-connector-resources").asText())
                .isEqualTo("true");
        JsonNode template = connect.path("spec").path("template");
        Map<String, String> k8sEnv = Workloads.k8sEnv(template.path("connectContainer").path("env"));
        List<String> k8sMounts = new ArrayList<>();
        List<String> podVolumes = new ArrayList<>();
        template.path("pod").path("volumes").forEach(v -> podVolumes.add(v.path("name").asText()));
        for (JsonNode mount : template.path("connectContainer").path("volumeMounts")) {
            assertThat(podVolumes).as("KafkaConnect mounts volume " + mount.path("name")).contains(mount.path("name").asText());
            k8sMounts.add(mount.path("mountPath").asText());
        }
        List<Deployment> all = new ArrayList<>();
        for (Connectors.Connector c : Connectors.all()) {
            boolean compose = c.target() == Workloads.Target.COMPOSE;
            all.add(new Deployment(c.toString(), c.name(), c.config(), Connectors.worker(c.target()),
                    compose ? Workloads.composeConnect().env() : k8sEnv,
                    compose ? Workloads.composeConnect().mountPaths() : k8sMounts, rawTopic(c.target())));
        }
        assertThat(all).as("connectors in compose and Kubernetes").hasSizeGreaterThanOrEqualTo(4);
        return all;
    }

    private static String rawTopic(Workloads.Target target) {
        Map<String, String> env = Workloads.running(Workloads.PROCESSOR_MAIN, target).get(0).env();
        return ProcessorConfig.fromProperties(new Properties(), env).get(ProcessorConfig.TOPIC_RAW);
    }

    @Test
    void everyConnectorKeyIsDefinedByTheConnectorOrByConnect() {
        Set<String> framework = SourceConnectorConfig.configDef().names();
        Set<String> connectorKeys = TlsRptSourceConfig.CONFIG_DEF.names();
        for (Deployment d : deployments()) {
            for (String key : d.connector().keySet()) {
                boolean known = connectorKeys.contains(key) || framework.contains(key)
                        || FRAMEWORK_PREFIXES.stream().anyMatch(key::startsWith);
                assertThat(known).as(d.name() + ": connector key '" + key + "' is neither in TlsRptSourceConfig ("
                        + new TreeSet<>(connectorKeys) + ") nor a Connect key").isTrue();
            }
        }
    }

    @Test
    void theConnectorConfigurationsPassTheConnectorsValidation() {
        for (Deployment d : deployments()) {
            assertThat(d.connector().get("connector.class")).isEqualTo(TlsRptSourceConnector.class.getName());
            Map<String, String> own = new LinkedHashMap<>();
            d.connector().forEach((k, v) -> {
                if (TlsRptSourceConfig.CONFIG_DEF.names().contains(k)) {
                    own.put(k, resolveEnv(v, d.connectEnv()));
                }
            });
            List<String> errors = new ArrayList<>();
            for (ConfigValue value : TlsRptSourceConfig.CONFIG_DEF.validate(own)) {
                value.errorMessages().forEach(m -> errors.add(value.name() + ": " + m));
            }
            assertThat(errors).as(d.name() + " connector config").isEmpty();
            assertThatCode(() -> new TlsRptSourceConfig(own)).as(d.name() + " cross-key rules").doesNotThrowAnyException();
            assertThat(new TlsRptSourceConfig(own).enabledSources()).as(d.name()).isNotEmpty();
        }
    }

    @Test
    void theConnectKeysOfEveryConnectorPassConnectsValidation() {
        for (Deployment d : deployments()) {
            Map<String, String> framework = new LinkedHashMap<>(d.connector());
            framework.put("name", d.connectorName());
            List<String> errors = new ArrayList<>();
            for (ConfigValue value : SourceConnectorConfig.configDef().validate(framework)) {
                value.errorMessages().forEach(m -> errors.add(value.name() + ": " + m));
            }
            assertThat(errors).as(d.name() + " Connect keys (exactly.once.support, transaction.boundary, ...)")
                    .isEmpty();
        }
    }

    @Test
    void theConnectorWritesTheProcessorsRawTopicWithTheRawRecordConverters() {
        for (Deployment d : deployments()) {
            String topic = d.connector().getOrDefault(TlsRptSourceConfig.TOPIC,
                    String.valueOf(TlsRptSourceConfig.CONFIG_DEF.defaultValues().get(TlsRptSourceConfig.TOPIC)));
            assertThat(topic).as(d.name() + ": connector topic").isEqualTo(d.rawTopicOfTheProcessor());
            // key: hex sha-256 string; value: the payload bytes as received (contracts.md)
            assertThat(effective(d, "key.converter")).as(d.name())
                    .isEqualTo("org.apache.kafka.connect.storage.StringConverter");
            assertThat(effective(d, "value.converter")).as(d.name())
                    .isEqualTo("org.apache.kafka.connect.converters.ByteArrayConverter");
        }
    }

    @Test
    void theConnectorsProducerTakesTheLargestPayload() {
        Object producerDefault = ProducerConfig.configDef().defaultValues().get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        for (Deployment d : deployments()) {
            String maxRequest = d.connector().getOrDefault("producer.override." + ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                    d.worker().getOrDefault("producer." + ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                            String.valueOf(producerDefault)));
            assertThat(Long.parseLong(maxRequest)).as(d.name() + ": the producer's max.request.size vs max.payload.bytes")
                    .isGreaterThan(maxPayload(d.connector()));
        }
    }

    @Test
    void everyWorkerKeyIsAConnectWorkerKeyAndTheWorkerConfigIsValid() {
        for (Deployment d : deployments()) {
            Map<String, String> props = new LinkedHashMap<>(d.worker());
            DistributedConfig config = new DistributedConfig(props);
            Set<String> defined = config.values().keySet();
            for (String key : props.keySet()) {
                boolean known = defined.contains(key) || WORKER_PREFIXES.stream().anyMatch(key::startsWith);
                assertThat(known).as(d.name() + ": worker key '" + key + "'").isTrue();
            }
        }
    }

    @Test
    void theKafkaConnectSetsNoKeyStrimziReserves() {
        JsonNode config = Connectors.kafkaConnect().node().path("spec").path("config");
        assertThat(config.has("exactly.once.source.support")).as("KafkaConnect .spec.config").isTrue();
        config.fieldNames().forEachRemaining(key -> assertThat(STRIMZI_RESERVED_EXCEPTIONS.contains(key)
                || STRIMZI_RESERVED.stream().noneMatch(key::startsWith)).as("KafkaConnect .spec.config." + key
                + " is a key Strimzi does not let you set").isTrue());
    }

    @Test
    void everySecretReferenceIsProvidedToTheConnectContainer() throws Exception {
        int references = 0;
        for (Deployment d : deployments()) {
            for (Map.Entry<String, String> e : d.connector().entrySet()) {
                Matcher m = ENV_REFERENCE.matcher(e.getValue());
                while (m.find()) {
                    references++;
                    assertThat(d.connectEnv()).as(d.name() + ": " + e.getKey() + " reads ${env:" + m.group(1) + "}")
                            .containsKey(m.group(1));
                    assertThat(d.worker().get("config.providers")).as(d.name() + ": worker config.providers")
                            .isNotNull();
                    assertThat(List.of(d.worker().get("config.providers").split("\\s*,\\s*"))).contains("env");
                    String providerClass = d.worker().get("config.providers.env.class");
                    assertThat(providerClass).isEqualTo(
                            org.apache.kafka.common.config.provider.EnvVarConfigProvider.class.getName());
                }
            }
            // passwords are never written in clear into the files
            for (String key : d.connector().keySet()) {
                ConfigDef.ConfigKey def = TlsRptSourceConfig.CONFIG_DEF.configKeys().get(key);
                if (def != null && def.type == ConfigDef.Type.PASSWORD && !d.connector().get(key).isEmpty()) {
                    assertThat(d.connector().get(key)).as(d.name() + ": " + key).matches(".*\\$\\{[a-z]+:.+}.*");
                }
            }
        }
        assertThat(references).as("the Kubernetes connector reads its secrets from the environment").isPositive();
    }

    @Test
    void everyFileAndDirectoryTheConnectorReadsIsOnAVolumeOfTheConnectContainer() {
        int checked = 0;
        for (Deployment d : deployments()) {
            for (Map.Entry<String, String> e : d.connector().entrySet()) {
                boolean isPath = e.getKey().endsWith("store.path") || e.getKey().endsWith(".directory");   // not https.path (a URL path)
                if (isPath && TlsRptSourceConfig.CONFIG_DEF.names().contains(e.getKey()) && !e.getValue().isBlank()) {
                    String path = e.getValue();
                    assertThat(d.connectMounts()).as(d.name() + ": " + e.getKey() + "=" + path + " lies on a mounted volume")
                            .anyMatch(m -> path.equals(m) || path.startsWith(m.endsWith("/") ? m : m + "/"));
                    checked++;
                }
            }
        }
        assertThat(checked).as("paths checked (spool directories, keystore)").isGreaterThanOrEqualTo(2);
    }

    static long maxPayload(Map<String, String> connector) {
        return Long.parseLong(connector.getOrDefault(TlsRptSourceConfig.MAX_PAYLOAD_BYTES,
                String.valueOf(TlsRptSourceConfig.CONFIG_DEF.defaultValues().get(TlsRptSourceConfig.MAX_PAYLOAD_BYTES))));
    }

    private static String effective(Deployment d, String key) {
        return d.connector().getOrDefault(key, d.worker().get(key));
    }

    private static String resolveEnv(String value, Map<String, String> env) {
        Matcher m = ENV_REFERENCE.matcher(value);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            // the secret itself is not in the files: any non-empty stand-in exercises the validation
            m.appendReplacement(sb, Matcher.quoteReplacement(env.containsKey(m.group(1)) ? "stand-in-secret" : m.group()));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
