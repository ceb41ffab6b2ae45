package io.tlsrpt.cli.digest;

import io.tlsrpt.cli.alerts.OpenIncidents;
import io.tlsrpt.notify.AlertRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The incidents of a digest's period, folded from the alert topic by {@code alert_id}: each incident with an event
 * whose window starts in the period, and each still open at its end (fired before it, not resolved since). Events
 * of one incident share a key and so a partition: they come in the order written.
 */
final class IncidentDigest {

    /**
     * One incident as of the period's end.
     *
     * @param severity          as its latest firing event says (an escalation raises it)
     * @param lastAnomalous     the start of the last window it fired or was updated in
     * @param resolved          the start of the window it resolved in; null while it is open
     * @param peakFailed        the most failed sessions a firing event counted
     * @param summary           its latest firing event's summary
     */
    record Incident(String alertId, String kind, String severity, String policyDomain, String resultType,
                    String tenant, Instant firstWindow, Instant lastAnomalous, Instant resolved, long peakFailed,
                    String summary) {

        boolean open() {
            return resolved == null;
        }
    }

    private final DigestPeriod period;
    private final Map<String, Incident> incidents = new LinkedHashMap<>();
    private final Set<String> inPeriod = new HashSet<>();

    IncidentDigest(DigestPeriod period) {
        this.period = period;
    }

    /**
     * Takes the next event; one after the period is left out, as the digest is of the period. An event is placed by
     * its window's start (by its detection when it has no window; an event with neither is left out).
     */
    void add(AlertRecord alert) {
        Instant at = alert.windowStart() != null ? alert.windowStart() : alert.detectedAt();
        if (at == null || !at.isBefore(period.to())) {
            return;
        }
        if (period.contains(at)) {
            inPeriod.add(alert.alertId());
        }
        Incident before = incidents.get(alert.alertId());
        Incident after;
        if (alert.status() == AlertRecord.Status.FIRING) {
            after = before == null || !before.open()
                ? new Incident(alert.alertId(), alert.kind(), alert.severity(), alert.policyDomain(),
                    alert.resultType(), tenantOf(alert), at, at, null,
                    alert.failedSessions(), alert.summary())
                : new Incident(before.alertId(), alert.kind(), alert.severity(), before.policyDomain(),
                    before.resultType(), tenantOf(alert), before.firstWindow(),
                    later(before.lastAnomalous(), at), null,
                    Math.max(before.peakFailed(), alert.failedSessions()), alert.summary());
        } else if (before != null) {
            after = new Incident(before.alertId(), before.kind(), before.severity(), before.policyDomain(),
                before.resultType(), tenantOf(alert), before.firstWindow(), before.lastAnomalous(), at,
                before.peakFailed(), before.summary());
        } else {
            return;   // resolved without a firing event kept (before the topic's retention): nothing to tell
        }
        incidents.put(alert.alertId(), after);
    }

    /** The period's incidents: the open ones first, then the most severe, then the earliest. */
    List<Incident> incidents() {
        List<Incident> shown = new ArrayList<>();
        for (Incident i : incidents.values()) {
            if (i.open() || inPeriod.contains(i.alertId())) {
                shown.add(i);
            }
        }
        shown.sort(Comparator.comparing((Incident i) -> !i.open())
            .thenComparingInt(i -> OpenIncidents.severityRank(i.severity()))
            .thenComparing(Incident::firstWindow)
            .thenComparing(Incident::policyDomain));
        return shown;
    }

    private static String tenantOf(AlertRecord alert) {
        return alert.tenant().isEmpty() ? null : alert.tenant();
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
