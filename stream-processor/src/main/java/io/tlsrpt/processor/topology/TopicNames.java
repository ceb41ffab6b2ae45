package io.tlsrpt.processor.topology;

import java.util.List;
import java.util.Objects;

/** Names of the processor's external topics (configurable; defaults as in architecture.md). */
public record TopicNames(String raw, String reports, String deadLetter, String failureStats, String domainStats,
                         String alerts, String alertsJson) {

    public TopicNames {
        Objects.requireNonNull(raw, "raw");
        Objects.requireNonNull(reports, "reports");
        Objects.requireNonNull(deadLetter, "deadLetter");
        Objects.requireNonNull(failureStats, "failureStats");
        Objects.requireNonNull(domainStats, "domainStats");
        Objects.requireNonNull(alerts, "alerts");
        Objects.requireNonNull(alertsJson, "alertsJson");
    }

    public static TopicNames defaults() {
        return new TopicNames("tlsrpt.raw", "tlsrpt.reports", "tlsrpt.dead-letter", "tlsrpt.failure-stats",
                "tlsrpt.domain-stats", "tlsrpt.alerts", "tlsrpt.alerts.json");
    }

    /** The topics this application writes. */
    public List<String> outputs() {
        return List.of(reports, deadLetter, failureStats, domainStats, alerts, alertsJson);
    }

    public List<String> all() {
        return List.of(raw, reports, deadLetter, failureStats, domainStats, alerts, alertsJson);
    }
}
