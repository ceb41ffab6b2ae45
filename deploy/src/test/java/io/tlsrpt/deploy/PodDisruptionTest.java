package io.tlsrpt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes workloads of several pods survive a node: spread over nodes (a standby replica on the node of the
 * task it copies is lost with it) and evicted one pod at a time by drains and upgrades (a PodDisruptionBudget).
 */
class PodDisruptionTest {

    private static List<DeployFiles.K8sObject> workloadsOfSeveralPods() {
        return DeployFiles.k8sObjects().stream()
                .filter(o -> Set.of("StatefulSet", "Deployment").contains(o.kind()))
                .filter(o -> o.node().path("spec").path("replicas").asInt(1) > 1).toList();
    }

    @Test
    void everyWorkloadOfSeveralPodsIsSpreadOverNodesAndEvictedOnePodAtATime() {
        List<DeployFiles.K8sObject> several = workloadsOfSeveralPods();
        assertThat(several).extracting(DeployFiles.K8sObject::name).contains("tlsrpt-stream-processor");
        for (DeployFiles.K8sObject workload : several) {
            JsonNode pods = workload.node().path("spec").path("selector").path("matchLabels");
            assertThat(pods.isEmpty()).as(workload + ": a selector").isFalse();
            pods.properties().forEach(label -> assertThat(workload.node().path("spec").path("template")
                    .path("metadata").path("labels").path(label.getKey())).as(workload + ": its pods' labels")
                    .isEqualTo(label.getValue()));

            List<JsonNode> budgets = DeployFiles.k8sObjects("PodDisruptionBudget").stream()
                    .map(DeployFiles.K8sObject::node)
                    .filter(b -> b.path("spec").path("selector").path("matchLabels").equals(pods)).toList();
            assertThat(budgets).as(workload + ": one PodDisruptionBudget for its pods").hasSize(1);
            assertThat(budgets.get(0).path("apiVersion").asText()).isEqualTo("policy/v1");
            assertThat(budgets.get(0).path("spec").path("maxUnavailable").asInt()).as(workload + ": one at a time")
                    .isEqualTo(1);
            assertThat(budgets.get(0).path("spec").has("minAvailable")).isFalse();

            JsonNode spread = workload.node().path("spec").path("template").path("spec")
                    .path("topologySpreadConstraints");
            assertThat(spread).as(workload + ": spread over nodes").anySatisfy(c -> {
                assertThat(c.path("topologyKey").asText()).isEqualTo("kubernetes.io/hostname");
                assertThat(c.path("maxSkew").asInt()).isEqualTo(1);
                assertThat(c.path("whenUnsatisfiable").asText()).isEqualTo("DoNotSchedule");
                assertThat(c.path("labelSelector").path("matchLabels")).isEqualTo(pods);
            });
        }
    }

    @Test
    void everyDisruptionBudgetSelectsTheWorkloadItIsFor() {
        List<DeployFiles.K8sObject> budgets = DeployFiles.k8sObjects("PodDisruptionBudget");
        assertThat(budgets).isNotEmpty();
        List<JsonNode> selectors = workloadsOfSeveralPods().stream()
                .map(w -> w.node().path("spec").path("selector").path("matchLabels")).toList();
        for (DeployFiles.K8sObject budget : budgets) {
            assertThat(selectors).as(budget + " selects a workload of several pods")
                    .contains(budget.node().path("spec").path("selector").path("matchLabels"));
        }
    }
}
