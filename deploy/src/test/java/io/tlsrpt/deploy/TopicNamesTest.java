package io.tlsrpt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tlsrpt.cli.watch.WatchCommand;
import io.tlsrpt.connect.TlsRptSourceConfig;
import io.tlsrpt.deploy.Workloads.Container;
import io.tlsrpt.notify.NotifierConfig;
import io.tlsrpt.processor.app.ProcessorConfig;
import io.tlsrpt.processor.topology.TopicNames;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.server.config.ServerLogConfigs;
import org.junit.jupiter.api.Test;

/**
 * Every topic the deployment files name is a topic of the code (the processor's defaults), and the other way round:
 * every topic of the code is declared as a KafkaTopic, with the cleanup policy the processor would create it with.
 */
class TopicNamesTest {

    private static final Set<String> PROCESSOR_TOPICS = new TreeSet<>(TopicNames.defaults().all());
    /** The processor's topics and the policy watch's posture topic (tlsrpt watch writes the alert topics too). */
    private static final Set<String> CODE_TOPICS = new TreeSet<>(PROCESSOR_TOPICS);

    static {
        CODE_TOPICS.add(WatchCommand.DEFAULT_POSTURE_TOPIC);
    }
    /** topic="..." matchers in PromQL. */
    private static final Pattern TOPIC_MATCHER = Pattern.compile("\\btopic\\s*=~?\\s*\"([^\"]+)\"");

    @Test
    void theCodesTopicsAreTheProcessorConfigDefaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        ProcessorConfig.keys().stream().filter(k -> k.name().startsWith("topic."))
                .forEach(k -> defaults.put(k.name(), k.defaultValue()));
        assertThat(new TreeSet<>(defaults.values())).isEqualTo(PROCESSOR_TOPICS);
        assertThat(NotifierConfig.DEFAULTS.get(NotifierConfig.TOPIC)).isEqualTo(TopicNames.defaults().alertsJson());
        assertThat(TlsRptSourceConfig.CONFIG_DEF.defaultValues().get(TlsRptSourceConfig.TOPIC))
                .isEqualTo(TopicNames.defaults().raw());
    }

    @Test
    void everyTopicNamedInTheDeploymentFilesExistsInTheCode() {
        Map<String, String> named = namedTopics();
        assertThat(named).as("topics found in the files").isNotEmpty();
        named.forEach((topic, where) -> assertThat(CODE_TOPICS).as(where + " names topic " + topic).contains(topic));
    }

    @Test
    void everyTopicOfTheCodeIsAKafkaTopicWithTheProcessorsCleanupPolicy() throws Exception {
        Map<String, JsonNode> declared = new LinkedHashMap<>();
        for (DeployFiles.K8sObject t : DeployFiles.k8sObjects("KafkaTopic")) {
            String name = t.node().path("spec").path("topicName").asText(t.name());
            declared.put(name, t.node());
            assertThat(t.node().path("metadata").path("labels").path("strimzi.io/cluster").asText())
                    .as(t + " names its Kafka cluster").isNotBlank();
        }
        assertThat(declared.keySet()).as("KafkaTopic resources").containsExactlyInAnyOrderElementsOf(CODE_TOPICS);

        // the policies and retention the processor itself creates the topics with (TopicCreator, topics.create=true)
        Properties props = new Properties();
        props.setProperty(ProcessorConfig.TOPICS_PARTITIONS, "3");
        props.setProperty(ProcessorConfig.TOPICS_REPLICATION_FACTOR, "3");
        Class<?> creator = Class.forName("io.tlsrpt.processor.app.TopicCreator");
        Method topics = creator.getDeclaredMethod("topics", ProcessorConfig.class);
        topics.setAccessible(true);
        @SuppressWarnings("unchecked")
        List<NewTopic> created = (List<NewTopic>) topics.invoke(null, ProcessorConfig.fromProperties(props));
        assertThat(declared.get(WatchCommand.DEFAULT_POSTURE_TOPIC).path("spec").path("config")
                .path(TopicConfig.CLEANUP_POLICY_CONFIG).asText()).as("the watch resumes from each domain's last record")
                .isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
        for (NewTopic topic : created) {
            JsonNode config = declared.get(topic.name()).path("spec").path("config");
            String policy = topic.configs().get(TopicConfig.CLEANUP_POLICY_CONFIG);
            assertThat(config.path(TopicConfig.CLEANUP_POLICY_CONFIG).asText(TopicConfig.CLEANUP_POLICY_DELETE))
                    .as("cleanup.policy of " + topic.name()).isEqualTo(policy);
            String retention = topic.configs().get(TopicConfig.RETENTION_MS_CONFIG);
            if (retention != null) {
                assertThat(config.path(TopicConfig.RETENTION_MS_CONFIG).asText())
                        .as("retention.ms of " + topic.name()).isEqualTo(retention);
            }
        }
    }

    @Test
    void theRawTopicAcceptsTheLargestPayloadTheConnectorTakes() {
        JsonNode raw = DeployFiles.k8sObjects("KafkaTopic").stream()
                .filter(t -> t.name().equals(TopicNames.defaults().raw())).findFirst().orElseThrow().node();
        long maxMessage = raw.path("spec").path("config").path(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).asLong();
        // compose: the processor creates the raw topic without max.message.bytes, so the broker's limit applies
        long composeBroker = Long.parseLong(Workloads.composeServices().path("kafka").path("environment")
                .path("KAFKA_MESSAGE_MAX_BYTES").asText(String.valueOf(ServerLogConfigs.MAX_MESSAGE_BYTES_DEFAULT)));
        for (Connectors.Connector c : Connectors.all()) {
            long maxPayload = ConnectorConfigTest.maxPayload(c.config());
            long limit = c.target() == Workloads.Target.K8S ? maxMessage : composeBroker;
            assertThat(limit).as("the raw topic's largest message vs " + c + "'s max.payload.bytes")
                    .isGreaterThan(maxPayload);
        }
    }

    /** topic name -> where it was found. */
    private static Map<String, String> namedTopics() {
        Map<String, String> named = new LinkedHashMap<>();
        for (Container c : Workloads.all()) {
            c.env().forEach((name, value) -> {
                if (name.startsWith("TLSRPT_TOPIC_") || name.equals(NotifierConfig.envName(NotifierConfig.TOPIC))) {
                    named.put(value, c + " " + name);
                }
            });
        }
        for (Connectors.Connector c : Connectors.all()) {
            named.put(c.config().getOrDefault(TlsRptSourceConfig.TOPIC, ""), c.toString());
        }
        for (DeployFiles.K8sObject t : DeployFiles.k8sObjects("KafkaTopic")) {
            named.put(t.node().path("spec").path("topicName").asText(t.name()), t.toString());
        }
        for (String expr : PromQl.allExpressions()) {
            Matcher m = TOPIC_MATCHER.matcher(expr);
            while (m.find()) {
                named.put(m.group(1), "PromQL " + expr);
            }
        }
        named.remove("");
        return named;
    }
}
