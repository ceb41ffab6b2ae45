package io.tlsrpt.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The containers the deployment files run, in one shape whatever the file: compose services, containers of
 * Kubernetes StatefulSets, Deployments, Jobs and CronJobs (with envFrom ConfigMaps resolved), and the Connect containers (the
 * compose worker, the Strimzi KafkaConnect). Which program a container runs is read from its command: the main
 * class for the project's own images.
 */
final class Workloads {

    static final String PROCESSOR_MAIN = "io.tlsrpt.processor.app.TlsRptProcessor";
    static final String NOTIFIER_MAIN = "io.tlsrpt.notify.NotifierMain";

    private static final Pattern MAIN_CLASS = Pattern.compile("io\\.tlsrpt\\.[A-Za-z0-9_.]+");

    /** Which deployment a container belongs to: the compose project or the Kubernetes manifests. */
    enum Target { COMPOSE, K8S }

    /**
     * @param target      compose or k8s
     * @param where       service or object name and file, for messages
     * @param mainClass   the io.tlsrpt main class it runs, or "" (third-party images, Connect)
     * @param env         environment variables; values from Secrets read as "(secret:name/key)"
     * @param mountPaths  where volumes are mounted in the container
     * @param ports       container ports it declares (compose: the container side of published ports)
     * @param node        the service or container node itself
     */
    record Container(Target target, String where, String mainClass, Map<String, String> env, List<String> mountPaths,
                     List<Integer> ports, JsonNode node) {
        boolean runs(String main) {
            return mainClass.equals(main);
        }

        @Override
        public String toString() {
            return where;
        }
    }

    private Workloads() {
    }

    static List<Container> all() {
        List<Container> all = new ArrayList<>(compose());
        all.addAll(kubernetes());
        return all;
    }

    static List<Container> running(String main) {
        return all().stream().filter(c -> c.runs(main)).toList();
    }

    static List<Container> running(String main, Target target) {
        return running(main).stream().filter(c -> c.target() == target).toList();
    }

    // ---- compose ------------------------------------------------------------------------------------------------

    static JsonNode composeServices() {
        return DeployFiles.yaml(DeployFiles.COMPOSE).path("services");
    }

    static List<Container> compose() {
        List<Container> containers = new ArrayList<>();
        composeServices().properties().forEach(e -> {
            JsonNode service = e.getValue();
            containers.add(new Container(Target.COMPOSE, "compose service " + e.getKey(), mainClass(service.path("command")),
                    composeEnv(service.path("environment")), composeMounts(service.path("volumes")),
                    composePorts(service.path("ports")), service));
        });
        return containers;
    }

    /** The compose service running the Connect worker (its command starts connect-distributed.sh). */
    static Container composeConnect() {
        return compose().stream().filter(c -> c.node().path("command").toString().contains("connect-distributed"))
                .findFirst().orElseThrow(() -> new AssertionError("no compose service runs connect-distributed.sh"));
    }

    static Map<String, String> composeEnv(JsonNode environment) {
        Map<String, String> env = new LinkedHashMap<>();
        if (environment.isObject()) {
            environment.properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
        } else if (environment.isArray()) {
            for (JsonNode item : environment) {
                String s = item.asText();
                int eq = s.indexOf('=');
                env.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? "" : s.substring(eq + 1));
            }
        }
        return env;
    }

    private static List<String> composeMounts(JsonNode volumes) {
        List<String> mounts = new ArrayList<>();
        for (JsonNode v : volumes) {
            if (v.isTextual()) {
                String[] parts = v.asText().split(":");
                mounts.add(parts.length >= 2 ? parts[1] : parts[0]);
            } else {
                mounts.add(v.path("target").asText());
            }
        }
        return mounts;
    }

    private static List<Integer> composePorts(JsonNode ports) {
        List<Integer> result = new ArrayList<>();
        for (JsonNode p : ports) {
            if (p.isTextual() || p.isNumber()) {
                String s = p.asText().replaceAll("/.*$", "");
                result.add(Integer.parseInt(s.substring(s.lastIndexOf(':') + 1)));
            } else {
                result.add(p.path("target").asInt());
            }
        }
        return result;
    }

    // ---- Kubernetes ---------------------------------------------------------------------------------------------

    static List<Container> kubernetes() {
        Map<String, JsonNode> configMaps = new LinkedHashMap<>();
        DeployFiles.k8sObjects("ConfigMap").forEach(cm -> configMaps.put(cm.name(), cm.node().path("data")));
        List<Container> containers = new ArrayList<>();
        for (DeployFiles.K8sObject workload : DeployFiles.k8sObjects()) {
            if (!List.of("StatefulSet", "Deployment", "DaemonSet", "Job", "CronJob").contains(workload.kind())) {
                continue;
            }
            JsonNode spec = workload.kind().equals("CronJob")
                    ? workload.node().path("spec").path("jobTemplate").path("spec") : workload.node().path("spec");
            for (JsonNode c : spec.path("template").path("spec").path("containers")) {
                Map<String, String> env = new LinkedHashMap<>();
                for (JsonNode from : c.path("envFrom")) {
                    String cmName = from.path("configMapRef").path("name").asText();
                    JsonNode data = configMaps.get(cmName);
                    if (data == null) {
                        throw new AssertionError(workload + " reads ConfigMap " + cmName + ", which no manifest defines");
                    }
                    data.properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
                }
                env.putAll(k8sEnv(c.path("env")));
                List<String> mounts = new ArrayList<>();
                c.path("volumeMounts").forEach(m -> mounts.add(m.path("mountPath").asText()));
                List<Integer> ports = new ArrayList<>();
                c.path("ports").forEach(p -> ports.add(p.path("containerPort").asInt()));
                String main = mainClass(c.path("args"));
                if (main.isEmpty()) {
                    main = mainClass(c.path("command"));
                }
                containers.add(new Container(Target.K8S, workload.kind() + " " + workload.name() + " container "
                        + c.path("name").asText() + " (" + workload.file() + ")", main, env, mounts, ports, c));
            }
        }
        return containers;
    }

    static Map<String, String> k8sEnv(JsonNode env) {
        Map<String, String> result = new LinkedHashMap<>();
        for (JsonNode e : env) {
            JsonNode secret = e.path("valueFrom").path("secretKeyRef");
            String value = secret.isMissingNode()
                    ? e.path("value").asText()
                    : "(secret:" + secret.path("name").asText() + "/" + secret.path("key").asText() + ")";
            result.put(e.path("name").asText(), value);
        }
        return result;
    }

    // ---- Dockerfile -----------------------------------------------------------------------------------------------

    /** ENV settings of one stage of deploy/docker/Dockerfile (continuation lines joined). */
    static Map<String, String> dockerfileEnv(String stage) {
        Map<String, String> env = new LinkedHashMap<>();
        boolean inStage = false;
        for (String line : dockerfileInstructions()) {
            if (line.startsWith("FROM ")) {
                inStage = line.matches("FROM \\S+ AS " + Pattern.quote(stage));
            } else if (inStage && line.startsWith("ENV ")) {
                Matcher m = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\\S+)").matcher(line.substring(4));
                while (m.find()) {
                    env.put(m.group(1), m.group(2).replace("\"", ""));
                }
            }
        }
        return env;
    }

    /** The main class in CMD of one stage. */
    static String dockerfileMainClass(String stage) {
        boolean inStage = false;
        String main = "";
        for (String line : dockerfileInstructions()) {
            if (line.startsWith("FROM ")) {
                inStage = line.matches("FROM \\S+ AS " + Pattern.quote(stage));
            } else if (inStage && line.startsWith("CMD ")) {
                Matcher m = MAIN_CLASS.matcher(line);
                main = m.find() ? m.group() : "";
            }
        }
        return main;
    }

    static List<String> dockerfileInstructions() {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : DeployFiles.read(DeployFiles.DOCKERFILE).split("\n")) {
            String line = raw.strip();
            if (current.isEmpty() && (line.isEmpty() || line.startsWith("#"))) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
            } else {
                current.append(line);
                instructions.add(current.toString().replaceAll("\\s+", " ").strip());
                current.setLength(0);
            }
        }
        return instructions;
    }

    private static String mainClass(JsonNode command) {
        String text = command.isArray() ? command.toString() : command.asText();
        Matcher m = MAIN_CLASS.matcher(text);
        return m.find() ? m.group() : "";
    }
}
