package io.tlsrpt.processor.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tlsrpt.processor.detect.AlertKind;
import io.tlsrpt.processor.detect.Incident;
import io.tlsrpt.processor.topology.DomainStateReader.DomainState;
import io.tlsrpt.processor.topology.DomainStateReader.IncidentState;
import io.tlsrpt.processor.topology.StoppedReporters;
import io.tlsrpt.schema.CountedValue;
import io.tlsrpt.schema.DomainStats;
import java.time.Instant;
import java.util.List;

/**
 * A domain's state as the answer of {@code GET /v1/domains/{domain}}: its windows with the fields and names of
 * {@code tlsrpt.domain-stats}, its incidents (the reporters stopped among them) with those of the alerts, its
 * tenant, who answered and when.
 */
final class DomainStateJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private DomainStateJson() {
    }

    /**
     * @param stopped the reporters stopped on the domain (open reports-stopped incidents)
     * @param tenant  the domain's tenant as the served-domains list in force names it; null for none
     */
    static String of(DomainState state, List<StoppedReporters.Stopped> stopped, String tenant, String servedBy,
                     Instant asOf) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("policy_domain", state.policyDomain());
        root.put("tenant", tenant);
        root.put("served_by", servedBy);
        root.put("as_of", asOf.toString());
        ArrayNode windows = root.putArray("windows");
        for (DomainStats w : state.windows()) {
            ObjectNode o = windows.addObject();
            o.put("window_start", w.getWindowStart().toString());
            o.put("window_end", w.getWindowEnd().toString());
            o.put("total_sessions", w.getTotalSessions());
            o.put("failed_sessions", w.getFailedSessions());
            o.put("sessions_without_enforced_policy", w.getSessionsWithoutEnforcedPolicy());
            o.put("reports", w.getReports());
            ArrayNode reporters = o.putArray("reporters");
            w.getReporters().forEach(reporters::add);
            ArrayNode failing = o.putArray("failing_result_types");
            for (CountedValue c : w.getFailingResultTypes()) {
                failing.addObject().put("value", c.getValue()).put("count", c.getCount());
            }
        }
        ArrayNode incidents = root.putArray("incidents");
        for (IncidentState i : state.incidents()) {
            incident(incidents.addObject(), i.resultType(), i.incident(), i.receivingMx());
        }
        stopped.forEach(stop -> stopped(incidents.addObject(), stop));
        return root.toString();
    }

    /**
     * A reporter stopped on a domain (an open reports-stopped incident) with the incidents' fields that apply, and
     * its {@code reporter} and {@code last_report_window_start} in place of the windows.
     */
    static ObjectNode stopped(ObjectNode o, StoppedReporters.Stopped stop) {
        o.put("alert_id", stop.alertId());
        o.put("status", "firing");
        o.put("kind", stop.kind());
        o.put("severity", AlertKind.REPORTS_STOPPED.severity().code());
        o.put("result_type", StoppedReporters.RESULT_TYPE);
        o.put("reporter", stop.reporter());
        o.put("last_report_window_start", stop.lastReportWindowStart().toString());
        return o;
    }

    /**
     * An incident's fields, with the names of the alerts' (also in {@code GET /v1/incidents}), and the receiving MX
     * hosts of its failures.
     */
    static ObjectNode incident(ObjectNode o, String resultType, Incident incident, List<String> receivingMx) {
        o.put("alert_id", incident.alertId());
        o.put("status", incident.open() ? "firing" : "resolved");
        o.put("kind", incident.kind());
        o.put("severity", AlertKind.find(incident.kind()).map(k -> k.severity().code()).orElse(null));
        o.put("result_type", resultType);
        o.put("first_window_start", Instant.ofEpochMilli(incident.firstWindowStart()).toString());
        o.put("last_anomalous_window_start", Instant.ofEpochMilli(incident.lastAnomalousWindowStart()).toString());
        if (!incident.open() && incident.resolvedWindowStart() > 0) {
            o.put("resolved_window_start", Instant.ofEpochMilli(incident.resolvedWindowStart()).toString());
        }
        receivingMx.forEach(o.putArray("receiving_mx")::add);
        return o;
    }

    /** {@code {"error": message}}. */
    static String error(String message) {
        return MAPPER.createObjectNode().put("error", message).toString();
    }
}
