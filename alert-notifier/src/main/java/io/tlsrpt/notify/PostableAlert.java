package io.tlsrpt.notify;

import java.time.Instant;
import java.util.Map;

/**
 * One element of the body of Alertmanager's {@code POST /api/v2/alerts}. Alertmanager identifies an alert by
 * its label set, so two PostableAlerts with equal labels are the same Alertmanager alert.
 *
 * @param endsAt null while firing: Alertmanager then applies its resolve_timeout, which the re-sends outrun
 */
public record PostableAlert(String alertId, Map<String, String> labels, Map<String, String> annotations,
                            Instant startsAt, Instant endsAt) {

    public PostableAlert {
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
    }

    public boolean firing() {
        return endsAt == null;
    }

    /** The same alert, ended at {@code at}. */
    public PostableAlert endedAt(Instant at) {
        Instant end = at.isBefore(startsAt) ? startsAt : at;   // Alertmanager rejects endsAt before startsAt
        return new PostableAlert(alertId, labels, annotations, startsAt, end);
    }
}
