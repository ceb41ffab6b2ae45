package io.tlsrpt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tlsrpt.deploy.Workloads.Container;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The deployment files agree with each other and with the build: the PrometheusRule is the rules file, Prometheus
 * scrapes what runs on the ports it listens on under the job names the rules use, the main classes exist, the
 * Connect images carry the plugin the connector module assembles, and kustomize lists every manifest.
 */
class ManifestsAgreeTest {

    private static final Pattern JOB_MATCHER = Pattern.compile("\\bjob\\s*=\\s*\"([^\"]+)\"");

    @Test
    void thePrometheusRuleResourceIsTheRulesFile() {
        List<DeployFiles.K8sObject> rules = DeployFiles.k8sObjects("PrometheusRule");
        assertThat(rules).hasSize(1);
        assertThat(rules.get(0).node().path("spec").path("groups"))
                .as("k8s/monitoring/prometheus-rule.yaml spec.groups vs prometheus/tlsrpt-rules.yml groups: regenerate it")
                .isEqualTo(DeployFiles.yaml(DeployFiles.RULES).path("groups"));
    }

    @Test
    void composePrometheusScrapesServicesOnPortsTheyDeclareAndLoadsTheRules() {
        JsonNode prometheus = DeployFiles.yaml(DeployFiles.COMPOSE_PROMETHEUS);
        JsonNode services = Workloads.composeServices();
        int checked = 0;
        for (JsonNode job : prometheus.path("scrape_configs")) {
            for (JsonNode sc : job.path("static_configs")) {
                for (JsonNode target : sc.path("targets")) {
                    String[] hostPort = target.asText().split(":");
                    if (!services.has(hostPort[0])) {
                        continue;   // Prometheus itself (127.0.0.1)
                    }
                    Container c = Workloads.compose().stream()
                            .filter(x -> x.where().equals("compose service " + hostPort[0])).findFirst().orElseThrow();
                    assertThat(c.ports()).as(job.path("job_name").asText() + " scrapes " + target.asText())
                            .contains(Integer.parseInt(hostPort[1]));
                    checked++;
                }
            }
        }
        assertThat(checked).as("scraped compose services").isGreaterThanOrEqualTo(2);

        // rule_files: a glob under a directory the prometheus service mounts from ../prometheus
        String ruleGlob = prometheus.path("rule_files").get(0).asText();
        String ruleDir = ruleGlob.substring(0, ruleGlob.lastIndexOf('/'));
        assertThat(services.path("prometheus").path("volumes").toString()).contains("../prometheus:" + ruleDir);
        assertThat(services.path("alertmanager").path("volumes").toString()).contains("../alertmanager/alertmanager.yml:");
    }

    @Test
    void theJobNamesTheRulesMatchExistInComposeAndKubernetes() {
        Set<String> jobs = new LinkedHashSet<>();
        for (String expr : PromQl.allExpressions()) {
            Matcher m = JOB_MATCHER.matcher(expr);
            while (m.find()) {
                jobs.add(m.group(1));
            }
        }
        assertThat(jobs).isNotEmpty();
        Set<String> composeJobs = new HashSet<>();
        DeployFiles.yaml(DeployFiles.COMPOSE_PROMETHEUS).path("scrape_configs")
                .forEach(j -> composeJobs.add(j.path("job_name").asText()));
        // Kubernetes: a PodMonitor with jobLabel app.kubernetes.io/name selecting pods labelled with the job name
        Set<String> k8sJobs = new HashSet<>();
        for (DeployFiles.K8sObject pm : DeployFiles.k8sObjects("PodMonitor")) {
            String jobLabel = pm.node().path("spec").path("jobLabel").asText();
            JsonNode selector = pm.node().path("spec").path("selector").path("matchLabels");
            if (!jobLabel.isEmpty() && selector.has(jobLabel)) {
                String job = selector.path(jobLabel).asText();
                boolean podsCarryIt = DeployFiles.k8sObjects().stream()
                        .filter(o -> Set.of("StatefulSet", "Deployment").contains(o.kind()))
                        .anyMatch(o -> job.equals(o.node().path("spec").path("template").path("metadata")
                                .path("labels").path(jobLabel).asText()));
                if (podsCarryIt) {
                    k8sJobs.add(job);
                }
            }
        }
        assertThat(composeJobs).as("compose scrape job names").containsAll(jobs);
        assertThat(k8sJobs).as("Kubernetes PodMonitor jobs").containsAll(jobs);
    }

    @Test
    void everyMainClassTheFilesStartExists() throws Exception {
        Set<String> mains = new LinkedHashSet<>();
        Workloads.all().forEach(c -> {
            if (!c.mainClass().isEmpty()) {
                mains.add(c.mainClass());
            }
        });
        mains.add(Workloads.dockerfileMainClass("app"));
        assertThat(mains).contains(Workloads.PROCESSOR_MAIN, Workloads.NOTIFIER_MAIN);
        for (String main : mains) {
            Method m = Class.forName(main).getMethod("main", String[].class);
            assertThat(Modifier.isStatic(m.getModifiers())).as(main).isTrue();
        }
    }

    @Test
    void theConnectImagesCarryThePluginTheConnectorModuleAssembles() {
        Path assembly = DeployFiles.ROOT.resolve("../ingest-connector/src/assembly/connect-plugin.xml").normalize();
        Matcher base = Pattern.compile("<baseDirectory>([^<]+)</baseDirectory>").matcher(DeployFiles.read(assembly));
        assertThat(base.find()).as("baseDirectory in " + assembly).isTrue();
        String pluginDir = base.group(1);
        List<String> dockerfile = Workloads.dockerfileInstructions();
        assertThat(dockerfile).as("the build stage copies the assembled plugin directory")
                .anyMatch(l -> l.contains("ingest-connector/target/tlsrpt-ingest-connector-*-plugin/" + pluginDir));
        String pluginPath = DeployFiles.properties(DeployFiles.COMPOSE_WORKER).getProperty("plugin.path");
        assertThat(dockerfile).as("plugins land in the worker's plugin.path " + pluginPath)
                .anyMatch(l -> l.startsWith("COPY --from=build /out/plugins/ " + pluginPath + "/"));
        // Strimzi's images load plugins from /opt/kafka/plugins
        assertThat(dockerfile.stream().filter(l -> l.startsWith("COPY --from=build /out/plugins/ /opt/kafka/plugins/")))
                .hasSize(2);
    }

    @Test
    void probesAndServicesPointAtDeclaredPorts() {
        for (DeployFiles.K8sObject w : DeployFiles.k8sObjects()) {
            if (!Set.of("StatefulSet", "Deployment").contains(w.kind())) {
                continue;
            }
            JsonNode pod = w.node().path("spec").path("template");
            JsonNode podLabels = pod.path("metadata").path("labels");
            w.node().path("spec").path("selector").path("matchLabels").properties().forEach(e ->
                    assertThat(podLabels.path(e.getKey()).asText()).as(w + " selector " + e.getKey())
                            .isEqualTo(e.getValue().asText()));
            Set<String> portNames = new HashSet<>();
            for (JsonNode c : pod.path("spec").path("containers")) {
                c.path("ports").forEach(p -> portNames.add(p.path("name").asText()));
                for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                    JsonNode get = c.path(probe).path("httpGet");
                    if (!get.isMissingNode()) {
                        assertThat(portNames).as(w + " " + probe + " port").contains(get.path("port").asText());
                        assertThat(get.path("path").asText()).as(w + " " + probe).startsWith("/health");
                    }
                }
            }
            String annotated = pod.path("metadata").path("annotations").path("prometheus.io/port").asText();
            List<Integer> declared = new ArrayList<>();
            pod.path("spec").path("containers").forEach(c -> c.path("ports")
                    .forEach(p -> declared.add(p.path("containerPort").asInt())));
            if (!annotated.isEmpty()) {
                assertThat(declared).as(w + " prometheus.io/port").contains(Integer.parseInt(annotated));
            }
            if (w.kind().equals("StatefulSet")) {
                String serviceName = w.node().path("spec").path("serviceName").asText();
                assertThat(DeployFiles.k8sObjects("Service").stream().map(DeployFiles.K8sObject::name))
                        .as(w + " serviceName").contains(serviceName);
            }
        }
        for (DeployFiles.K8sObject svc : DeployFiles.k8sObjects("Service")) {
            JsonNode selector = svc.node().path("spec").path("selector");
            if (selector.has("strimzi.io/cluster")) {
                continue;   // Strimzi-managed pods
            }
            DeployFiles.K8sObject target = DeployFiles.k8sObjects().stream()
                    .filter(o -> Set.of("StatefulSet", "Deployment").contains(o.kind()))
                    .filter(o -> matches(selector, o.node().path("spec").path("template").path("metadata").path("labels")))
                    .findFirst().orElseThrow(() -> new AssertionError(svc + " selects no pods"));
            Set<String> portNames = new HashSet<>();
            target.node().path("spec").path("template").path("spec").path("containers")
                    .forEach(c -> c.path("ports").forEach(p -> portNames.add(p.path("name").asText())));
            for (JsonNode port : svc.node().path("spec").path("ports")) {
                JsonNode tp = port.path("targetPort");
                if (tp.isTextual()) {
                    assertThat(portNames).as(svc + " targetPort").contains(tp.asText());
                }
            }
        }
    }

    @Test
    void kustomizeListsEveryManifest() throws Exception {
        Set<Path> listed = new HashSet<>();
        try (var files = Files.walk(DeployFiles.K8S)) {
            for (Path k : files.filter(p -> p.getFileName().toString().equals("kustomization.yaml")).toList()) {
                for (JsonNode r : DeployFiles.yaml(k).path("resources")) {
                    Path resource = k.getParent().resolve(r.asText()).normalize();
                    assertThat(resource).as(k + " lists " + r.asText()).exists();
                    listed.add(resource);
                }
            }
        }
        for (Path manifest : DeployFiles.k8sManifests()) {
            if (!manifest.getFileName().toString().endsWith("-example.yaml")) {
                assertThat(listed).as("a kustomization lists " + manifest).contains(manifest.normalize());
            }
        }
    }

    @Test
    void dashboardsAreWellFormedAndUseTheirDatasourceVariable() {
        assertThat(DeployFiles.dashboards()).isNotEmpty();
        for (Path file : DeployFiles.dashboards()) {
            JsonNode dashboard = DeployFiles.json(file);
            assertThat(dashboard.path("uid").asText()).as(file + " uid").isNotBlank();
            assertThat(dashboard.path("title").asText()).as(file + " title").isNotBlank();
            Set<Integer> ids = new HashSet<>();
            List<JsonNode> panels = new ArrayList<>();
            dashboard.path("panels").forEach(panels::add);
            for (JsonNode panel : panels) {
                assertThat(ids.add(panel.path("id").asInt())).as(file + " panel id " + panel.path("id")).isTrue();
                for (JsonNode target : panel.path("targets")) {
                    assertThat(target.path("datasource").path("uid").asText()).as(file + " " + panel.path("title"))
                            .isEqualTo("${datasource}");
                    assertThat(target.path("expr").asText()).isNotBlank();
                }
            }
            assertThat(dashboard.path("templating").path("list").toString()).contains("\"name\":\"datasource\"");
        }
        JsonNode grafana = Workloads.composeServices().path("grafana");
        String dashboardsPath = DeployFiles.yaml(DeployFiles.ROOT.resolve("compose/grafana/dashboards.yml"))
                .path("providers").get(0).path("options").path("path").asText();
        assertThat(grafana.path("volumes").toString()).contains("../grafana:" + dashboardsPath);
    }

    private static boolean matches(JsonNode selector, JsonNode labels) {
        var it = selector.properties().iterator();
        while (it.hasNext()) {
            var e = it.next();
            if (!e.getValue().asText().equals(labels.path(e.getKey()).asText())) {
                return false;
            }
        }
        return selector.size() > 0;
    }
}
