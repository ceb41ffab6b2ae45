package io.tlsrpt.processor.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.tlsrpt.processor.detect.AlertKind;
import io.tlsrpt.processor.detect.Incident;
import io.tlsrpt.processor.detect.Severity;
import io.tlsrpt.processor.topology.StoppedReporters;
import java.time.Instant;
import java.util.Comparator;

/**
 * An incident's place in the incident list, most urgent first: firing before resolved, critical before warning, the
 * latest anomalous window first, then by domain, result type, reporter and {@code alert_id} (an order that does not
 * change). Built from the incident store's record, an instance ranks its incidents without building their JSON and
 * builds that of its page's only; built from an item's JSON (or a cursor's key, its values as text) it orders the
 * merge of the instances' pages and the cursor, the same way.
 *
 * @param severity the severity's rank ({@link Severity#ordinal()}), after every known one when unknown
 * @param lastAnomalousWindowStart as the JSON writes it, empty for a reporter stopped (it has no such window)
 * @param reporter the reporter stopped, empty for the detector's incidents
 */
record IncidentRank(boolean firing, int severity, String lastAnomalousWindowStart, String policyDomain,
                    String resultType, String reporter, String alertId) {

    static final Comparator<IncidentRank> MOST_URGENT_FIRST = Comparator
            .comparing(IncidentRank::firing, Comparator.reverseOrder())
            .thenComparingInt(IncidentRank::severity)
            .thenComparing(IncidentRank::lastAnomalousWindowStart, Comparator.reverseOrder())
            .thenComparing(IncidentRank::policyDomain)
            .thenComparing(IncidentRank::resultType)
            // two reporters stopped on one domain, then anything else alike
            .thenComparing(IncidentRank::reporter)
            .thenComparing(IncidentRank::alertId);

    /**
     * Of one of the detector's incidents, as {@link DomainStateJson#incident} writes it: a null text where the JSON
     * holds null is ranked as the JSON's {@code "null"}, so that both rank it alike.
     */
    static IncidentRank of(String policyDomain, String resultType, Incident incident) {
        return new IncidentRank(incident.open(),
                AlertKind.find(incident.kind()).map(k -> k.severity().ordinal()).orElse(Severity.values().length),
                Instant.ofEpochMilli(incident.lastAnomalousWindowStart()).toString(), policyDomain,
                String.valueOf(resultType), "", String.valueOf(incident.alertId()));
    }

    /** Of a reporter stopped, as {@link DomainStateJson#stopped} writes it. */
    static IncidentRank of(StoppedReporters.Stopped stop) {
        return new IncidentRank(true, AlertKind.REPORTS_STOPPED.severity().ordinal(), "", stop.policyDomain(),
                StoppedReporters.RESULT_TYPE, String.valueOf(stop.reporter()), String.valueOf(stop.alertId()));
    }

    /** Of a list item, or of a cursor's key: its fields' texts, absent ones empty. */
    static IncidentRank of(JsonNode item) {
        return new IncidentRank("firing".equals(item.path("status").asText()),
                severityRank(item.path("severity").asText()), item.path("last_anomalous_window_start").asText(),
                item.path("policy_domain").asText(), item.path("result_type").asText(),
                item.path("reporter").asText(), item.path("alert_id").asText());
    }

    /** The rank of a severity's code; unknown ones (null included) after every known one. */
    static int severityRank(String code) {
        for (Severity s : Severity.values()) {
            if (s.code().equals(code)) {
                return s.ordinal();
            }
        }
        return Severity.values().length;
    }
}
