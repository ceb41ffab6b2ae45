package io.tlsrpt.processor.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tlsrpt.processor.detect.Incident;
import io.tlsrpt.processor.topology.StoppedReporters;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * An instance ranks its incidents from the stores' records and the merge and the cursor rank their JSON: both must
 * place every incident alike, or a page would drop or repeat one.
 */
class IncidentRankTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long DAY = 86_400_000L;

    /** An incident as stored, with its domain and result type (null: a key of an older version without one). */
    private record Stored(String domain, String resultType, Incident incident) {
    }

    private static Incident incident(String alertId, String kind, boolean open, long lastAnomalousDay) {
        return new Incident(alertId, kind, open, 0, lastAnomalousDay * DAY, 10, 10, open ? 0 : (lastAnomalousDay + 1)
                * DAY, null, null, null);
    }

    private static final List<Stored> STORED = List.of(
            new Stored("b.example", "certificate-expired", incident("id-1", "certificate-expired", true, 20_424)),
            new Stored("a.example", "certificate-expired", incident("id-2", "certificate-expired", true, 20_423)),
            new Stored("a.example", "starttls-not-supported",
                    incident("id-3", "starttls-downgrade-suspected", true, 20_423)),
            new Stored("a.example", "validation-failure", incident("id-4", "failure-spike", true, 20_424)),
            new Stored("a.example", "sts-policy-fetch-error", incident("id-5", "a-kind-of-a-later-version", true,
                    20_424)),
            new Stored("c.example", null, incident("id-6", "failure-spike", true, 20_424)),
            new Stored("d.example", "validation-failure", incident(null, "failure-spike", true, 20_424)),
            new Stored("a.example", "certificate-expired", incident("id-7", "certificate-expired", false, 20_424)),
            new Stored("a.example", "certificate-expired", incident("id-8", "certificate-expired", false, 20_424)));

    private static final List<StoppedReporters.Stopped> STOPPED = List.of(
            new StoppedReporters.Stopped("c.example", "Microsoft Corporation", "id-9",
                    Instant.parse("2026-11-20T00:00:00Z")),
            new StoppedReporters.Stopped("c.example", "Google Inc.", "id-10", Instant.parse("2026-11-21T00:00:00Z")));

    private record Both(IncidentRank rank, JsonNode json) {
    }

    private static List<Both> every() {
        List<Both> all = new ArrayList<>();
        for (Stored s : STORED) {
            ObjectNode o = JSON.createObjectNode().put("policy_domain", s.domain()).put("tenant", "acme");
            all.add(new Both(IncidentRank.of(s.domain(), s.resultType(), s.incident()),
                    DomainStateJson.incident(o, s.resultType(), s.incident(), List.of())));
        }
        for (StoppedReporters.Stopped stop : STOPPED) {
            ObjectNode o = JSON.createObjectNode().put("policy_domain", stop.policyDomain()).put("tenant", "acme");
            all.add(new Both(IncidentRank.of(stop), DomainStateJson.stopped(o, stop)));
        }
        return all;
    }

    @Test
    void aStoredIncidentRanksAsItsJsonAndAsItsCursor() {
        for (Both b : every()) {
            assertThat(b.rank()).as("%s", b.json()).isEqualTo(IncidentRank.of(b.json()));
            JsonNode key = ListCursor.parse(MostUrgent.INCIDENTS,
                    ListCursor.after(MostUrgent.INCIDENTS, b.json()).encoded()).key();
            assertThat(IncidentRank.of(key)).as("the cursor after %s", b.json()).isEqualTo(b.rank());
        }
    }

    @Test
    void theRanksOrderTheIncidentsAsTheirJsonIsOrdered() {
        List<Both> all = every();
        for (long seed = 1; seed <= 20; seed++) {
            List<Both> shuffled = new ArrayList<>(all);
            Collections.shuffle(shuffled, new Random(seed));
            List<JsonNode> byRank = shuffled.stream()
                    .sorted(Comparator.comparing(Both::rank, IncidentRank.MOST_URGENT_FIRST)).map(Both::json).toList();
            List<JsonNode> byJson = shuffled.stream().map(Both::json).sorted(MostUrgent.ORDER).toList();
            assertThat(byRank).as("seed %d", seed).containsExactlyElementsOf(byJson);
        }
        List<JsonNode> sorted = all.stream().map(Both::json).sorted(MostUrgent.ORDER).toList();
        assertThat(sorted).extracting(i -> i.path("alert_id").asText())
                .as("firing, critical, the latest window, by domain, result type, reporter; resolved last")
                .containsExactly("id-1", "id-2", "id-3", "id-4", "id-6", "null", "id-10", "id-9", "id-5", "id-7",
                        "id-8");
    }

    @Test
    void aCursorsRankKeepsThoseAfterIt() {
        List<Both> all = every();
        List<Both> sorted = all.stream().sorted(Comparator.comparing(Both::rank, IncidentRank.MOST_URGENT_FIRST))
                .toList();
        for (int i = 0; i < sorted.size(); i++) {
            String next = ListCursor.after(MostUrgent.INCIDENTS, sorted.get(i).json()).encoded();
            IncidentQuery query = IncidentQuery.parse("status=all&after=" + next);
            List<Both> after = all.stream().filter(b -> query.followsCursor().test(b.rank())).toList();
            assertThat(after).as("after the %dth", i + 1).containsExactlyInAnyOrderElementsOf(
                    sorted.subList(i + 1, sorted.size()));
        }
    }
}
