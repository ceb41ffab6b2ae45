package io.tlsrpt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The Connect connectors the deployment files run and the worker configuration they run in, as plain key/value maps
 * whatever the file: compose (a JSON file per connector, PUT by connect-init; the worker's properties file) and
 * Kubernetes (KafkaConnector resources; the KafkaConnect's .spec.config and dedicated fields).
 */
final class Connectors {

    /** One connector: its name (the compose file's base name, the KafkaConnector's name) and its configuration. */
    record Connector(Workloads.Target target, String name, Map<String, String> config) {
        boolean enables(String sourceEnabledKey) {
            return Boolean.parseBoolean(config.getOrDefault(sourceEnabledKey, "false"));
        }

        @Override
        public String toString() {
            return target.name().toLowerCase(java.util.Locale.ROOT) + " connector " + name;
        }
    }

    private Connectors() {
    }

    static List<Connector> all() {
        List<Connector> all = new ArrayList<>(of(Workloads.Target.COMPOSE));
        all.addAll(of(Workloads.Target.K8S));
        return all;
    }

    static List<Connector> of(Workloads.Target target) {
        return target == Workloads.Target.COMPOSE ? compose() : kubernetes();
    }

    private static List<Connector> compose() {
        List<Connector> connectors = new ArrayList<>();
        for (Path file : DeployFiles.composeConnectorFiles()) {
            Map<String, String> config = new LinkedHashMap<>();
            DeployFiles.json(file).properties().forEach(e -> config.put(e.getKey(), e.getValue().asText()));
            String name = file.getFileName().toString().replaceFirst("\\.json$", "");
            connectors.add(new Connector(Workloads.Target.COMPOSE, name, config));
        }
        return connectors;
    }

    private static List<Connector> kubernetes() {
        String connectName = kafkaConnect().name();
        List<Connector> connectors = new ArrayList<>();
        for (DeployFiles.K8sObject kc : DeployFiles.k8sObjects("KafkaConnector")) {
            assertThat(kc.node().path("metadata").path("labels").path("strimzi.io/cluster").asText())
                    .as(kc + " names its KafkaConnect").isEqualTo(connectName);
            Map<String, String> config = new LinkedHashMap<>();
            config.put("connector.class", kc.node().path("spec").path("class").asText());
            config.put("tasks.max", kc.node().path("spec").path("tasksMax").asText());
            kc.node().path("spec").path("config").properties().forEach(e -> config.put(e.getKey(), e.getValue().asText()));
            connectors.add(new Connector(Workloads.Target.K8S, kc.name(), config));
        }
        return connectors;
    }

    /** The one KafkaConnect resource. */
    static DeployFiles.K8sObject kafkaConnect() {
        List<DeployFiles.K8sObject> connects = DeployFiles.k8sObjects("KafkaConnect");
        assertThat(connects).as("KafkaConnect resources").hasSize(1);
        return connects.get(0);
    }

    /** The distributed worker configuration of a target, with the keys Strimzi sets from dedicated fields. */
    static Map<String, String> worker(Workloads.Target target) {
        Map<String, String> worker = new LinkedHashMap<>();
        if (target == Workloads.Target.COMPOSE) {
            Properties p = DeployFiles.properties(DeployFiles.COMPOSE_WORKER);
            p.stringPropertyNames().forEach(n -> worker.put(n, p.getProperty(n)));
            return worker;
        }
        JsonNode spec = kafkaConnect().node().path("spec");
        spec.path("config").properties().forEach(e -> worker.put(e.getKey(), e.getValue().asText()));
        worker.put("bootstrap.servers", spec.path("bootstrapServers").asText());
        worker.put("group.id", spec.path("groupId").asText());
        worker.put("config.storage.topic", spec.path("configStorageTopic").asText());
        worker.put("offset.storage.topic", spec.path("offsetStorageTopic").asText());
        worker.put("status.storage.topic", spec.path("statusStorageTopic").asText());
        return worker;
    }
}
