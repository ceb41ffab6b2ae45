package io.tlsrpt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsrpt.connect.TlsRptSourceConfig;
import io.tlsrpt.connect.TlsRptSourceConnector;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.connect.runtime.SourceConnectorConfig;
import org.apache.kafka.connect.runtime.distributed.DistributedConfig;
import org.apache.kafka.connect.source.ConnectorTransactionBoundaries;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceTask;
import org.junit.jupiter.api.Test;

/**
 * Compose and Kubernetes run the ingest connector twice: the HTTPS receiver on its own (it cannot be exactly-once: a
 * sender that timed out posts again) and the mailbox (Kubernetes) or spool directory (compose) with
 * exactly.once.support=required, which the real connector class supports for that configuration, in a worker with
 * exactly-once source support enabled (KIP-618).
 */
class ExactlyOnceDeploymentTest {

    private static final String REQUIRED = SourceConnectorConfig.ExactlyOnceSupportLevel.REQUIRED.toString();

    @Test
    void theWorkersEnableExactlyOnceSourceSupport() {
        for (Workloads.Target target : Workloads.Target.values()) {
            Map<String, String> worker = Connectors.worker(target);
            assertThat(worker.get(DistributedConfig.EXACTLY_ONCE_SOURCE_SUPPORT_CONFIG)).as(target + " worker")
                    .isEqualTo("enabled");
            assertThat(new DistributedConfig(worker).exactlyOnceSourceEnabled()).as(target + " worker").isTrue();
        }
    }

    @Test
    void eachDeploymentRunsTheHttpsReceiverAsAConnectorOfItsOwn() {
        for (Workloads.Target target : Workloads.Target.values()) {
            List<Connectors.Connector> https = Connectors.of(target).stream()
                    .filter(c -> c.enables(TlsRptSourceConfig.HTTPS_ENABLED)).toList();
            assertThat(https).as(target + ": connectors with the HTTPS receiver").hasSize(1);
            Connectors.Connector receiver = https.get(0);
            assertThat(new TlsRptSourceConfig(receiver.config()).enabledSources()).as(receiver.toString())
                    .containsExactly("https");
            assertThat(receiver.config().get("tasks.max")).as(receiver + ": one task, one port").isEqualTo("1");
            // the connector cannot promise exactly-once with https on, so the receiver must not require it
            assertThat(new TlsRptSourceConnector().exactlyOnceSupport(receiver.config())).as(receiver.toString())
                    .isEqualTo(ExactlyOnceSupport.UNSUPPORTED);
            assertThat(receiver.config().getOrDefault(SourceConnectorConfig.EXACTLY_ONCE_SUPPORT_CONFIG, "requested"))
                    .as(receiver + " " + SourceConnectorConfig.EXACTLY_ONCE_SUPPORT_CONFIG).isNotEqualTo(REQUIRED);
        }
    }

    @Test
    void theMailboxAndSpoolConnectorsRequireExactlyOnceAndTheConnectorSupportsIt() {
        for (Workloads.Target target : Workloads.Target.values()) {
            List<Connectors.Connector> others = Connectors.of(target).stream()
                    .filter(c -> !c.enables(TlsRptSourceConfig.HTTPS_ENABLED)).toList();
            assertThat(others).as(target + ": connectors besides the HTTPS receiver").isNotEmpty();
            for (Connectors.Connector c : others) {
                Map<String, String> config = c.config();
                assertThat(new TlsRptSourceConfig(config).enabledSources()).as(c.toString())
                        .isNotEmpty().isSubsetOf("imap", "spool");
                assertThat(config.get(SourceConnectorConfig.EXACTLY_ONCE_SUPPORT_CONFIG)).as(c.toString()).isEqualTo(REQUIRED);
                TlsRptSourceConnector connector = new TlsRptSourceConnector();
                assertThat(connector.exactlyOnceSupport(config)).as(c + ": the connector's answer")
                        .isEqualTo(ExactlyOnceSupport.SUPPORTED);
                // "connector" boundaries would need the connector to define them; it does not
                String boundary = config.getOrDefault(SourceConnectorConfig.TRANSACTION_BOUNDARY_CONFIG,
                        SourceTask.TransactionBoundary.DEFAULT.toString());
                if (boundary.equals(SourceTask.TransactionBoundary.CONNECTOR.toString())) {
                    assertThat(connector.canDefineTransactionBoundaries(config)).as(c.toString())
                            .isEqualTo(ConnectorTransactionBoundaries.SUPPORTED);
                }
                assertThat(config.get("tasks.max")).as(c + " tasks.max").isEqualTo("1");
            }
        }
    }

    /**
     * An exactly-once worker runs every source task with a transactional producer that writes the offsets too; a task
     * killed inside a transaction on the worker's shared offsets topic held the restarted worker for about a minute
     * (RELIABILITY.md, Findings 5). So every connector, the HTTPS receiver's as well, has an offsets topic of its own.
     */
    @Test
    void everyConnectorOfAnExactlyOnceWorkerHasAnOffsetsTopicOfItsOwn() {
        for (Workloads.Target target : Workloads.Target.values()) {
            Map<String, String> worker = Connectors.worker(target);
            assertThat(new DistributedConfig(worker).exactlyOnceSourceEnabled()).as(target + " worker").isTrue();
            Set<String> offsetTopics = new HashSet<>();
            offsetTopics.add(worker.get(DistributedConfig.OFFSET_STORAGE_TOPIC_CONFIG));
            for (Connectors.Connector c : Connectors.of(target)) {
                String offsets = c.config().get(SourceConnectorConfig.OFFSETS_TOPIC_CONFIG);
                assertThat(offsets).as(c + " " + SourceConnectorConfig.OFFSETS_TOPIC_CONFIG).isNotBlank();
                assertThat(offsetTopics.add(offsets)).as(c + ": " + offsets + " is its own (not the worker's, not shared)")
                        .isTrue();
            }
        }
    }

    @Test
    void composeAndKubernetesRunTheSameConnectorsApartFromTheMailSource() {
        Map<String, Map<String, String>> compose = roles(Workloads.Target.COMPOSE);
        Map<String, Map<String, String>> k8s = roles(Workloads.Target.K8S);
        assertThat(compose).as("connector roles, compose vs Kubernetes").isEqualTo(k8s);
    }

    /**
     * Per connector, what must not differ between compose and Kubernetes: the role (the sources it enables, the
     * mailbox of Kubernetes and the spool directory of compose both counting as "mail"), the Connect settings that
     * decide the delivery guarantee, the topic, the converters and the payload cap.
     */
    private static Map<String, Map<String, String>> roles(Workloads.Target target) {
        Map<String, Map<String, String>> roles = new TreeMap<>();
        for (Connectors.Connector c : Connectors.of(target)) {
            List<String> sources = new ArrayList<>();
            for (String source : new TlsRptSourceConfig(c.config()).enabledSources()) {
                sources.add(source.equals("https") ? "https" : "mail");
            }
            Map<String, String> role = new TreeMap<>();
            for (String key : List.of("connector.class", "tasks.max", SourceConnectorConfig.EXACTLY_ONCE_SUPPORT_CONFIG,
                    SourceConnectorConfig.TRANSACTION_BOUNDARY_CONFIG, TlsRptSourceConfig.TOPIC, "key.converter",
                    "value.converter", TlsRptSourceConfig.MAX_PAYLOAD_BYTES)) {
                role.put(key, c.config().getOrDefault(key, "(default)"));
            }
            role.put("own offsets topic", String.valueOf(c.config().containsKey(SourceConnectorConfig.OFFSETS_TOPIC_CONFIG)));
            assertThat(roles.put(String.join("+", sources), role)).as(target + ": one connector per role").isNull();
        }
        return roles;
    }

    @Test
    void connectInitRegistersEveryComposeConnectorUnderItsFileName() {
        Workloads.Container init = Workloads.compose().stream().filter(c -> c.where().equals("compose service connect-init"))
                .findFirst().orElseThrow();
        String command = init.node().path("command").toString();
        List<String> volumes = new ArrayList<>();
        init.node().path("volumes").forEach(v -> volumes.add(v.asText()));
        List<Connectors.Connector> connectors = Connectors.of(Workloads.Target.COMPOSE);
        assertThat(connectors).hasSizeGreaterThanOrEqualTo(2);
        String loop = command.replaceFirst("(?s).*for c in ([^;]+);.*", "$1").trim();
        assertThat(List.of(loop.split("\\s+"))).as("connect-init's loop over connector names")
                .containsExactlyInAnyOrderElementsOf(connectors.stream().map(Connectors.Connector::name).toList());
        assertThat(command).contains("--data @/config/$$c.json").contains("/connectors/$$c/config");
        for (Connectors.Connector c : connectors) {
            assertThat(volumes).as("connect-init mounts " + c.name()).contains(
                    "./connect/" + c.name() + ".json:/config/" + c.name() + ".json:ro");
        }
    }
}
