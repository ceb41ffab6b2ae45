package io.tlsrpt.cli.alerts;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The incidents open now: a fold over the alert topic by {@code alert_id}, keeping an incident's latest event while
 * it is firing and forgetting it once resolved. One incident's events share a key ({@code policy_domain|result_type}, which an
 * escalation of its kind does not change), so they are on one partition and offset order is their order.
 */
public final class OpenIncidents {

    private static final List<String> SEVERITY_ORDER = List.of("critical", "warning", "info");

    private final Map<String, AlertEvent> latest = new HashMap<>();

    void apply(AlertEvent event) {
        if (event.firing()) {
            latest.put(event.alert().alertId(), event);
        } else {
            latest.remove(event.alert().alertId());
        }
    }

    /** The open incidents that {@code filter} keeps (judged by their latest event): most severe, then newest first. */
    List<AlertEvent> open(AlertFilter filter) {
        return latest.values().stream().filter(e -> filter.matches(e.alert()))
            .sorted(Comparator.comparingInt((AlertEvent e) -> severityRank(e.alert().severity()))
                .thenComparing(AlertEvent.BY_TIME.reversed()))
            .toList();
    }

    int size() {
        return latest.size();
    }

    /** Orders severities most severe first (critical, warning, info, then any other). */
    public static int severityRank(String severity) {
        int i = SEVERITY_ORDER.indexOf(severity);
        return i < 0 ? SEVERITY_ORDER.size() : i;
    }
}
