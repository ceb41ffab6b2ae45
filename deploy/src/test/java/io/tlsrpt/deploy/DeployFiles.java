package io.tlsrpt.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/** Reads the files under deploy/ (the module's directory, where Maven runs the tests). */
final class DeployFiles {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();

    static final Path ROOT = locate();
    static final Path COMPOSE = ROOT.resolve("compose/compose.yaml");
    static final Path COMPOSE_PROMETHEUS = ROOT.resolve("compose/prometheus.yml");
    /** The connector configurations connect-init PUTs, one JSON file per connector, named after it. */
    static final Path COMPOSE_CONNECTORS = ROOT.resolve("compose/connect");
    static final Path COMPOSE_WORKER = ROOT.resolve("compose/connect/connect-worker.properties");
    static final Path K8S = ROOT.resolve("k8s");
    static final Path RULES = ROOT.resolve("prometheus/tlsrpt-rules.yml");
    static final Path DASHBOARDS = ROOT.resolve("grafana");
    static final Path DOCKERFILE = ROOT.resolve("docker/Dockerfile");

    private DeployFiles() {
    }

    private static Path locate() {
        Path here = Path.of("").toAbsolutePath();
        for (Path candidate : List.of(here, here.resolve("deploy"))) {
            if (Files.isRegularFile(candidate.resolve("compose/compose.yaml"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("run the tests from the deploy module (no compose/compose.yaml under " + here + ")");
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Every document of a (multi-document) YAML file; empty documents are left out. */
    static List<JsonNode> yamlDocuments(Path file) {
        try (var docs = YAML.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile())) {
            List<JsonNode> all = new ArrayList<>();
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    all.add(doc);
                }
            }
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse YAML " + file, e);
        }
    }

    static JsonNode yaml(Path file) {
        List<JsonNode> docs = yamlDocuments(file);
        if (docs.size() != 1) {
            throw new IllegalStateException(file + " has " + docs.size() + " documents, expected one");
        }
        return docs.get(0);
    }

    static JsonNode json(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse JSON " + file, e);
        }
    }

    static Properties properties(Path file) {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return p;
    }

    /** The Kubernetes manifests (kustomization files excluded), in path order. */
    static List<Path> k8sManifests() {
        try (Stream<Path> files = Files.walk(K8S)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .filter(p -> !p.getFileName().toString().startsWith("kustomization"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + K8S, e);
        }
    }

    /** Every Kubernetes object of every manifest. */
    static List<K8sObject> k8sObjects() {
        List<K8sObject> objects = new ArrayList<>();
        for (Path file : k8sManifests()) {
            for (JsonNode doc : yamlDocuments(file)) {
                objects.add(new K8sObject(ROOT.relativize(file).toString(), doc));
            }
        }
        return objects;
    }

    static List<K8sObject> k8sObjects(String kind) {
        return k8sObjects().stream().filter(o -> o.kind().equals(kind)).toList();
    }

    /** The compose connector configurations (compose/connect/*.json), in path order. */
    static List<Path> composeConnectorFiles() {
        try (Stream<Path> files = Files.list(COMPOSE_CONNECTORS)) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + COMPOSE_CONNECTORS, e);
        }
    }

    /** The Grafana dashboards. */
    static List<Path> dashboards() {
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + DASHBOARDS, e);
        }
    }

    /** One Kubernetes object and the file it came from. */
    record K8sObject(String file, JsonNode node) {
        String kind() {
            return node.path("kind").asText();
        }

        String name() {
            return node.path("metadata").path("name").asText();
        }

        @Override
        public String toString() {
            return kind() + " " + name() + " (" + file + ")";
        }
    }
}
