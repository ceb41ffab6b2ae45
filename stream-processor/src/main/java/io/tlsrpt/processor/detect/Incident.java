package io.tlsrpt.processor.detect;

import java.util.List;

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
 * @param lastAnomalousWindowStart latest window in which the rule held, or, while the incident is open, in which its
 *                                failures went on at its rate where the rule could not judge (too few failed
 *                                sessions, or a baseline expired in a long outage)
 * @param lastAnomalousTotal      the domain's total sessions in that window (for the resolution rule)
 * @param announcedFailed         failed sessions in the last firing announcement
 * @param resolvedWindowStart     once resolved: the window whose normal traffic resolved it (0 while open, and in
 *                                records stored before this field existed). Late data for a window up to it
 *                                belongs to the resolved episode and does not fire again
 * @param firedKind               only in records stored by the version before {@code alertKey}: the kind it first
 *                                fired with, which keyed its alerts {@code policy_domain|kind} (null otherwise)
 * @param alertKey                the Kafka key of all its alert records, {@code policy_domain|result_type}: set when
 *                                it first fires and kept while it lasts, so that its records stay on one partition,
 *                                in order, and a compacted alert topic keeps the latest record of every incident
 *                                (two result types can share a kind). Null in records stored before this field
 *                                existed: see {@link #keyedFor}
 * @param receivingMx             the receiving MX hosts of its failures in its last anomalous window, most failed
 *                                sessions first, as the detector saw them (kept when the window expires). Null in
 *                                records stored before this field existed: the window store has them while it
 *                                keeps that window
 * @param judgedReporter          the reporter whose own sessions its last anomalous window was judged on, when the
 *                                domain as a whole was not anomalous (its {@code lastAnomalousTotal} is then that
 *                                reporter's sessions): it resolves only on that reporter's own later sessions, not on
 *                                another reporter's clean report. Null for a domain-wide verdict, and in records
 *                                stored before this field existed
 */
public record Incident(String alertId, String kind, boolean open, long firstWindowStart,
                       long lastAnomalousWindowStart, long lastAnomalousTotal, long announcedFailed,
                       long resolvedWindowStart, String firedKind, String alertKey,
                       List<String> receivingMx, String judgedReporter) {

    /** An incident judged on the domain as a whole. */
    public Incident(String alertId, String kind, boolean open, long firstWindowStart, long lastAnomalousWindowStart,
                    long lastAnomalousTotal, long announcedFailed, long resolvedWindowStart, String firedKind,
                    String alertKey, List<String> receivingMx) {
        this(alertId, kind, open, firstWindowStart, lastAnomalousWindowStart, lastAnomalousTotal, announcedFailed,
                resolvedWindowStart, firedKind, alertKey, receivingMx, null);
    }

    /**
     * This incident with its alert key. Earlier versions keyed alerts {@code policy_domain|kind} (the kind it first
     * fired with); an incident stored by them keeps that key to its end, so that an incident open across an upgrade
     * does not move to another partition, where a notifier could see its resolution before its firing.
     */
    public Incident keyedFor(String domain) {
        if (alertKey != null) {
            return this;
        }
        return new Incident(alertId, kind, open, firstWindowStart, lastAnomalousWindowStart, lastAnomalousTotal,
                announcedFailed, resolvedWindowStart, firedKind, domain + "|" + (firedKind == null ? kind : firedKind),
                receivingMx, judgedReporter);
    }

    /** This incident with the receiving MX hosts of its failures in its last anomalous window. */
    public Incident withReceivingMx(List<String> hosts) {
        return new Incident(alertId, kind, open, firstWindowStart, lastAnomalousWindowStart, lastAnomalousTotal,
                announcedFailed, resolvedWindowStart, firedKind, alertKey, List.copyOf(hosts), judgedReporter);
    }

    /** This incident, its last anomalous window judged on the domain as a whole. */
    public Incident judgedOnDomain() {
        return new Incident(alertId, kind, open, firstWindowStart, lastAnomalousWindowStart, lastAnomalousTotal,
                announcedFailed, resolvedWindowStart, firedKind, alertKey, receivingMx, null);
    }

    /**
     * This incident, its last anomalous window judged on {@code reporter}'s own {@code sessions}: the total its
     * resolution is weighed against is that reporter's too.
     */
    public Incident judgedOn(String reporter, long sessions) {
        return new Incident(alertId, kind, open, firstWindowStart, lastAnomalousWindowStart, sessions,
                announcedFailed, resolvedWindowStart, firedKind, alertKey, receivingMx, reporter);
    }

    /** The latest window this incident accounts for: its last anomalous one, or the one that resolved it. */
    public long handledUpTo() {
        return Math.max(lastAnomalousWindowStart, resolvedWindowStart);
    }
}
