package io.tlsrpt.processor.detect;

/**
 * The state of one incident of a (policy domain, result type), kept in the detector's incident store.
 *
 * @param alertId                 stable id of the incident (firing, updates and resolved share it)
 * @param kind                    set when it first fires; it changes only to a more severe kind (a warning
 *                                {@code starttls-unavailable} that a cleaner baseline shows to be a suspected
 *                                downgrade), never back; the alert_id stays
 * @param open                    firing (true) or resolved (false)
 * @param firstWindowStart        earliest anomalous window of the incident (where it first fired, or an earlier
 *                                window whose data came later); the baseline of an open incident is taken from
 *                                the windows before it, so a lasting failure is not absorbed into "normal"
 * @param lastAnomalousWindowStart latest window in which the rule held
 * @param lastAnomalousTotal      the domain's total sessions in that window (for the resolution rule)
 * @param announcedFailed         failed sessions in the last firing announcement
 * @param resolvedWindowStart     once resolved: the window whose normal traffic resolved it (0 while open, and in
 *                                records stored before this field existed). Late data for a window up to it
 *                                belongs to the resolved episode and does not fire again
 * @param firedKind               the kind it first fired with, which keys all its alerts so that they stay on one
 *                                partition when the kind escalates (null in records stored before kinds could
 *                                escalate: then {@code kind})
 */
public record Incident(String alertId, String kind, boolean open, long firstWindowStart,
                       long lastAnomalousWindowStart, long lastAnomalousTotal, long announcedFailed,
                       long resolvedWindowStart, String firedKind) {

    /** The kind in its alerts' key, {@code policy_domain|kind}: the one it first fired with. */
    public String keyKind() {
        return firedKind == null ? kind : firedKind;
    }

    /** The latest window this incident accounts for: its last anomalous one, or the one that resolved it. */
    public long handledUpTo() {
        return Math.max(lastAnomalousWindowStart, resolvedWindowStart);
    }
}
