package io.tlsrpt.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FiringAlertRegistryTest {

    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
    private final FiringAlertRegistry registry = new FiringAlertRegistry(new AlertMapper(Map.of()));

    @Test
    void updatesOfOneIncidentKeepOneFiringAlertAndTheFirstStart() throws Exception {
        registry.apply(AlertJson.firing("i-1").detectedAt(Instant.parse("2026-11-27T09:00:00Z")).parsed(), 0, NOW);
        List<PostableAlert> update = registry.apply(AlertJson.firing("i-1").with("failed_sessions", 300)
                .detectedAt(Instant.parse("2026-11-27T11:00:00Z")).parsed(), 0, NOW);

        assertThat(update).hasSize(1);
        assertThat(update.get(0).startsAt()).isEqualTo(Instant.parse("2026-11-27T09:00:00Z"));
        assertThat(registry.firing()).hasSize(1);
        assertThat(registry.firing().get(0).annotations()).containsEntry("failed_sessions", "300");
    }

    @Test
    void resolvedRemovesTheAlertFromTheReSendSet() throws Exception {
        registry.apply(AlertJson.firing("i-1").parsed(), 0, NOW);
        registry.apply(AlertJson.firing("i-2").parsed(), 1, NOW);
        List<PostableAlert> posted = registry.apply(AlertJson.resolved("i-1").parsed(), 0, NOW);

        assertThat(posted).singleElement().satisfies(a -> assertThat(a.firing()).isFalse());
        assertThat(registry.firing()).extracting(PostableAlert::alertId).containsExactly("i-2");
    }

    @Test
    void aChangedLabelSetEndsTheOldAlertFirst() throws Exception {
        registry.apply(AlertJson.firing("i-1").with("severity", "warning").parsed(), 0, NOW);
        List<PostableAlert> posted = registry.apply(AlertJson.firing("i-1").with("severity", "critical").parsed(), 0, NOW);

        assertThat(posted).hasSize(2);
        assertThat(posted.get(0).labels()).containsEntry("severity", "warning");
        assertThat(posted.get(0).endsAt()).isEqualTo(NOW);
        assertThat(posted.get(1).labels()).containsEntry("severity", "critical");
        assertThat(posted.get(1).firing()).isTrue();
        assertThat(registry.firing()).singleElement().satisfies(a -> assertThat(a.labels()).containsEntry("severity", "critical"));
    }

    @Test
    void theMxHostsLabelIsTheOneTheIncidentFiredWithToItsEnd() throws Exception {
        registry.apply(AlertJson.firing("i-1").with("severity", "warning")
                .withList("top_receiving_mx", "mx1.example.org").parsed(), 0, NOW);
        List<PostableAlert> grown = registry.apply(AlertJson.firing("i-1").with("severity", "warning")
                .withList("top_receiving_mx", "mx2.example.org", "mx1.example.org").parsed(), 0, NOW);
        assertThat(grown).as("another host failing too does not end the alert and fire another (a new page)")
                .singleElement().satisfies(a -> {
                    assertThat(a.firing()).isTrue();
                    assertThat(a.labels()).containsEntry("receiving_mx", "mx1.example.org");
                    assertThat(a.annotations().get("description")).as("the update's hosts, in its annotations")
                            .contains("mx2.example.org");
                });
        List<PostableAlert> escalated = registry.apply(AlertJson.firing("i-1").with("severity", "critical")
                .withList("top_receiving_mx", "mx2.example.org").parsed(), 0, NOW);
        assertThat(escalated).extracting(a -> a.labels().get("severity"), a -> a.labels().get("receiving_mx"),
                PostableAlert::firing).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("warning", "mx1.example.org", false),
                        org.assertj.core.groups.Tuple.tuple("critical", "mx1.example.org", true));

        // the window back to normal names no MX host (or others): the alert that fired is the one ended
        List<PostableAlert> resolved = registry.apply(AlertJson.resolved("i-1").withList("top_receiving_mx")
                .with("failed_sessions", 0).parsed(), 0, NOW);
        assertThat(resolved).singleElement().satisfies(a -> {
            assertThat(a.firing()).isFalse();
            assertThat(a.labels()).containsEntry("receiving_mx", "mx1.example.org")
                    .containsEntry("severity", "critical");
            assertThat(a.annotations()).as("the resolution's figures").containsEntry("failed_sessions", "0");
        });
        assertThat(registry.firing()).isEmpty();

        // fired without hosts: none later either
        registry.apply(AlertJson.firing("i-2").withList("top_receiving_mx").parsed(), 0, NOW);
        assertThat(registry.apply(AlertJson.firing("i-2").withList("top_receiving_mx", "mx1.example.org").parsed(),
                0, NOW)).singleElement().satisfies(a -> assertThat(a.labels()).doesNotContainKey("receiving_mx"));
    }

    @Test
    void forgettingAPartitionDropsOnlyItsAlerts() throws Exception {
        registry.apply(AlertJson.firing("p0").parsed(), 0, NOW);
        registry.apply(AlertJson.firing("p1").parsed(), 1, NOW);
        registry.forgetPartitions(Set.of(0));
        assertThat(registry.firing()).extracting(PostableAlert::alertId).containsExactly("p1");
        assertThat(registry.size()).isEqualTo(1);
    }
}
