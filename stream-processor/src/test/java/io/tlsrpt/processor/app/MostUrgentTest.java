package io.tlsrpt.processor.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The order of {@code GET /v1/incidents} and its limit (DomainQueryIT asks two real instances). */
class MostUrgentTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode incident(String domain, String status, String severity, String lastWindow,
                                     String resultType, String reporter) {
        ObjectNode o = JSON.createObjectNode();
        o.put("policy_domain", domain);
        o.put("status", status);
        o.put("severity", severity);
        if (lastWindow != null) {
            o.put("last_anomalous_window_start", lastWindow);
        }
        o.put("result_type", resultType);
        if (reporter != null) {
            o.put("reporter", reporter);
        }
        return o;
    }

    static final List<JsonNode> MOST_URGENT_FIRST = List.of(
            incident("b.example", "firing", "critical", "2026-12-02T00:00:00Z", "certificate-expired", null),
            incident("a.example", "firing", "critical", "2026-12-01T00:00:00Z", "certificate-expired", null),
            incident("a.example", "firing", "critical", "2026-12-01T00:00:00Z", "starttls-not-supported", null),
            incident("a.example", "firing", "warning", "2026-12-02T00:00:00Z", "validation-failure", null),
            incident("c.example", "firing", "warning", null, null, "Google Inc."),
            incident("c.example", "firing", "warning", null, null, "Microsoft Corporation"),
            incident("a.example", "resolved", "critical", "2026-12-02T00:00:00Z", "certificate-expired", null));

    @Test
    void firingBeforeResolvedCriticalBeforeWarningTheLatestFirstThenByName() {
        for (long seed = 1; seed <= 20; seed++) {
            List<JsonNode> shuffled = new ArrayList<>(MOST_URGENT_FIRST);
            Collections.shuffle(shuffled, new java.util.Random(seed));
            assertThat(MostUrgent.of(shuffled, 100)).as("seed %d", seed)
                    .containsExactlyElementsOf(MOST_URGENT_FIRST);
        }
    }

    @Test
    void aLimitKeepsTheMostUrgent() {
        List<JsonNode> shuffled = new ArrayList<>(MOST_URGENT_FIRST);
        Collections.reverse(shuffled);
        assertThat(MostUrgent.of(shuffled, 3))
                .containsExactlyElementsOf(MOST_URGENT_FIRST.subList(0, 3));
        assertThat(MostUrgent.of(shuffled, 7)).containsExactlyElementsOf(MOST_URGENT_FIRST);
        assertThat(MostUrgent.of(shuffled, 100)).containsExactlyElementsOf(MOST_URGENT_FIRST);
        assertThat(MostUrgent.of(List.of(), 5)).isEmpty();
    }

    @Test
    void ofAnyNumberOfferedOnlyTheLimitIsHeldAndAllAreCounted() {
        MostUrgent<JsonNode> most = MostUrgent.incidents(3);
        for (int i = 0; i < 100_000; i++) {
            most.offer(incident("d" + i + ".example", i % 7 == 0 ? "firing" : "resolved", i % 2 == 0 ? "critical"
                    : "warning", "2026-12-01T00:00:00Z", "certificate-expired", null));
        }
        assertThat(most.offered()).isEqualTo(100_000);
        // firing and critical: i a multiple of 14; then by name, compared as text
        assertThat(most.sorted()).extracting(i -> i.path("policy_domain").asText())
                .containsExactly("d0.example", "d10010.example", "d10024.example");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MostUrgent.incidents(0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
