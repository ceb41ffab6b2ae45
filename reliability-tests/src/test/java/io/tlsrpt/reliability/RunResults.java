package io.tlsrpt.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tlsrpt.embedded.TopicSnapshot;
import io.tlsrpt.schema.AvroJson;
import io.tlsrpt.schema.DomainStats;
import io.tlsrpt.schema.FailureStats;
import io.tlsrpt.schema.serde.AvroSerdes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * What a run produced, read with {@code read_committed}: the final statistics per (policy domain, result type,
 * window) and per (policy domain, window) - the last value of each - and every alert in the order emitted. Wall-clock fields
 * ({@code updated_at}, {@code detected_at}) are left out: they differ between any two runs.
 *
 * @param finalStats key {@code domain|result type|window start}, value the statistics as JSON without updated_at
 * @param alerts     (alert_id, status, kind, window, counts) of every alert on the JSON alert topic, in order
 * @param statsRecords how many statistics records the topic holds (updates included)
 * @param finalDomainStats key {@code domain|window start}, value the domain's statistics as JSON without updated_at
 */
record RunResults(Map<String, String> finalStats, List<AlertLine> alerts, long statsRecords,
                  Map<String, String> finalDomainStats) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** An alert as compared between runs. */
    record AlertLine(String alertId, String status, String kind, String policyDomain, String resultType,
                     String windowStart, long failedSessions, long totalSessions) {

        /** The identity the "emitted twice" check uses: one incident announced with the same kind and count twice. */
        String announcement() {
            return alertId + " " + status + " " + kind + " " + failedSessions;
        }
    }

    static RunResults read(PipelineRun run) {
        Map<String, String> stats = new TreeMap<>();
        long statsRecords;
        try (Deserializer<FailureStats> deserializer =
                     AvroSerdes.forClass(FailureStats.class, run.registryUrl(), false).deserializer()) {
            statsRecords = TopicSnapshot.forEach(run.clientProperties(), run.failureStats(), r -> {
                FailureStats s = deserializer.deserialize(r.topic(), r.headers(), r.value());
                ObjectNode tree = AvroJson.toTree(s);
                tree.remove("updated_at");
                stats.put(s.getPolicyDomain() + "|" + s.getResultType() + "|" + s.getWindowStart(), tree.toString());
            });
        }
        Map<String, String> domainStats = new TreeMap<>();
        try (Deserializer<DomainStats> deserializer =
                     AvroSerdes.forClass(DomainStats.class, run.registryUrl(), false).deserializer()) {
            TopicSnapshot.forEach(run.clientProperties(), run.domainStats(), r -> {
                DomainStats s = deserializer.deserialize(r.topic(), r.headers(), r.value());
                ObjectNode tree = AvroJson.toTree(s);
                tree.remove("updated_at");
                domainStats.put(s.getPolicyDomain() + "|" + s.getWindowStart(), tree.toString());
            });
        }
        List<AlertLine> alerts = new ArrayList<>();
        TopicSnapshot.forEach(run.clientProperties(), run.alertsJson(), r -> {
            try {
                JsonNode a = JSON.readTree(r.value());
                alerts.add(new AlertLine(a.path("alert_id").asText(), a.path("status").asText(),
                        a.path("kind").asText(), a.path("policy_domain").asText(), a.path("result_type").asText(),
                        a.path("window_start").asText(), a.path("failed_sessions").asLong(),
                        a.path("total_sessions").asLong()));
            } catch (IOException e) {
                throw new UncheckedIOException("alert is not JSON at " + r.topic() + "/" + r.partition() + "@"
                        + r.offset(), e);
            }
        });
        return new RunResults(stats, alerts, statsRecords, domainStats);
    }

    /** Statistics keys whose final value differs from {@code expected}'s: key -> "expected ... but was ...". */
    Map<String, String> differencesFrom(RunResults expected) {
        Map<String, String> out = new TreeMap<>();
        Set<String> keys = new HashSet<>(finalStats.keySet());
        keys.addAll(expected.finalStats().keySet());
        for (String key : keys) {
            String want = expected.finalStats().get(key);
            String got = finalStats.get(key);
            if (want == null ? got != null : !want.equals(got)) {
                out.put(key, "expected " + want + " but was " + got);
            }
        }
        return out;
    }

    /** Announcements that appear more than once (should be none). */
    List<String> repeatedAnnouncements() {
        Set<String> seen = new HashSet<>();
        List<String> repeated = new ArrayList<>();
        for (AlertLine a : alerts) {
            if (!seen.add(a.announcement())) {
                repeated.add(a.announcement());
            }
        }
        return repeated;
    }

    /** The alerts as a sorted list (order across partitions is not defined, the content is). */
    List<AlertLine> sortedAlerts() {
        return alerts.stream().sorted(java.util.Comparator.comparing(AlertLine::toString)).toList();
    }

    /**
     * Distinct (alert_id, status, kind, domain, result type): which incidents fired, were updated, resolved. The kind
     * is the incident's last: an incident can escalate (a later window fired first against a baseline holding an
     * earlier failing day), and its records share a partition, so the last one read is the last one emitted.
     */
    java.util.SortedSet<String> incidents() {
        Map<String, String> kinds = finalKinds();
        java.util.SortedSet<String> out = new java.util.TreeSet<>();
        alerts.forEach(a -> out.add(a.alertId() + " " + a.status() + " " + kinds.get(a.alertId()) + " "
                + a.policyDomain() + " " + a.resultType()));
        return out;
    }

    private Map<String, String> finalKinds() {
        Map<String, String> kinds = new HashMap<>();
        alerts.forEach(a -> kinds.put(a.alertId(), a.kind()));
        return kinds;
    }

    /** The resolutions, counts included (they are taken from a later, complete window). */
    List<AlertLine> resolved() {
        return sortedAlerts().stream().filter(a -> a.status().equals("resolved")).toList();
    }

    /**
     * Incidents without their ids: {@code kind domain result-type -> [statuses in order, repeats collapsed]}, e.g.
     * {@code [firing, resolved]} for one that fired (and maybe was updated) and then resolved.
     */
    SortedMap<String, List<String>> episodes() {
        SortedMap<String, List<String>> out = new TreeMap<>();
        Map<String, String> kinds = finalKinds();
        Map<String, String> byId = new HashMap<>();
        alerts.forEach(a -> byId.putIfAbsent(a.alertId(), episode(a, kinds)));
        Map<String, List<String>> statuses = new LinkedHashMap<>();
        alerts.forEach(a -> {
            List<String> seen = statuses.computeIfAbsent(a.alertId(), id -> new ArrayList<>());
            if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(a.status())) {
                seen.add(a.status());
            }
        });
        statuses.forEach((id, list) -> out.merge(byId.get(id), list, (x, y) -> {
            List<String> both = new ArrayList<>(x);
            both.add("then another incident:");
            both.addAll(y);
            return both;
        }));
        return out;
    }

    /** Window start of the first firing alert of the episode ({@link #episodes()} key). */
    String firstFiringWindow(String episode) {
        Map<String, String> kinds = finalKinds();
        return alerts.stream().filter(a -> episode(a, kinds).equals(episode) && a.status().equals("firing"))
                .map(AlertLine::windowStart).findFirst().orElseThrow();
    }

    /** Window start of the episode's resolution. */
    String resolutionWindow(String episode) {
        Map<String, String> kinds = finalKinds();
        return alerts.stream().filter(a -> episode(a, kinds).equals(episode) && a.status().equals("resolved"))
                .map(AlertLine::windowStart).findFirst().orElseThrow();
    }

    private static String episode(AlertLine a, Map<String, String> finalKinds) {
        return finalKinds.get(a.alertId()) + " " + a.policyDomain() + " " + a.resultType();
    }

    long firing(String kind) {
        return alerts.stream().filter(a -> a.status().equals("firing") && a.kind().equals(kind)).count();
    }

    String summary() {
        return finalStats.size() + " (domain, type, window) statistics from " + statsRecords + " records, "
                + alerts.size() + " alerts";
    }
}
