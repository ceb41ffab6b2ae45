package io.tlsrpt.processor.detect;

/**
 * The state of one incident of a (policy domain, result type), kept in the detector's incident store.
 *
 * @param alertId                 stable id of the incident (firing, updates and resolved share it)
 * @param kind                    fixed when it first fires, so updates do not change identity
 * @param open                    firing (true) or resolved (false)
 * @param firstWindowStart        window in which it first fired; the baseline of an open incident is taken
 *                                from the windows before it, so a lasting failure is not absorbed into "normal"
 * @param lastAnomalousWindowStart latest window in which the rule held
 * @param lastAnomalousTotal      the domain's total sessions in that window (for the resolution rule)
 * @param announcedFailed         failed sessions in the last firing announcement
 * @param resolvedWindowStart     once resolved: the window whose normal traffic resolved it (0 while open, and in
 *                                records stored before this field existed). Late data for a window up to it
 *                                belongs to the resolved episode and does not fire again
 */
public record Incident(String alertId, String kind, boolean open, long firstWindowStart,
                       long lastAnomalousWindowStart, long lastAnomalousTotal, long announcedFailed,
                       long resolvedWindowStart) {

    /** The latest window this incident accounts for: its last anomalous one, or the one that resolved it. */
    public long handledUpTo() {
        return Math.max(lastAnomalousWindowStart, resolvedWindowStart);
    }
}
