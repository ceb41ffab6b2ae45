package io.tlsrpt.processor.detect;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * One incident gives one {@code firing} alert, updates with the same alert_id only when its count
 * materially grows or its kind escalates, and one {@code resolved} when a later window says the failure is over
 * ({@link Evaluation#recovered}, or a failure rate fallen under the incident's own by the floor multiple) with enough
 * traffic to say so.
 * Pure function of (previous state, window, verdict).
 */
public final class IncidentLifecycle {

    /** What to announce for this step. */
    public enum Action { NONE, FIRE, UPDATE, RESOLVE }

    /** The announcement and the incident state to store ({@code null}: nothing to store). */
    public record Step(Action action, Incident incident) {
    }

    private final DetectorSettings settings;
    private final long baselineSpanMs;

    /**
     * @param windowSize the aggregate's window size: with the detector's baseline windows, how far back a baseline
     *                   reaches
     */
    public IncidentLifecycle(DetectorSettings settings, Duration windowSize) {
        this.settings = settings;
        this.baselineSpanMs = windowSize.toMillis() * settings.baselineWindows();
    }

    public Step step(Incident previous, String domain, String resultType, long windowStart,
                     WindowCounts current, Evaluation evaluation) {
        boolean open = previous != null && previous.open();
        if (!open) {
            // late data (e.g. a slower input partition in a backlog) for a window the resolved incident already
            // accounted for, up to the window that resolved it, does not open a new incident
            boolean alreadyHandled = previous != null && windowStart <= previous.handledUpTo();
            if (evaluation.anomalous() && !alreadyHandled) {
                Incident fired = new Incident(alertId(domain, resultType, windowStart), evaluation.kind().code(),
                        true, windowStart, windowStart, current.total(), current.failed(), 0, null,
                        alertKey(domain, resultType), null);
                return new Step(Action.FIRE, fired);
            }
            return new Step(Action.NONE, previous);
        }
        if (evaluation.anomalous()) {
            // an earlier window within the incident's baseline that turns out anomalous too (its data came after a
            // later window's: partitions that drift apart in a backlog, or the order in which a commit flushes the
            // window cache) is where the incident began: later windows are judged against the baseline before it,
            // not one that holds it, and the incident takes that window's kind if it is more severe. A window
            // further back did not weigh on this incident's verdicts and changes nothing
            if (windowStart < previous.firstWindowStart() - baselineSpanMs) {
                return new Step(Action.NONE, previous);
            }
            String kind = escalated(previous.kind(), evaluation.kind());
            boolean escalates = !kind.equals(previous.kind());
            long first = Math.min(previous.firstWindowStart(), windowStart);
            if (windowStart < previous.lastAnomalousWindowStart()) {
                Incident next = new Incident(previous.alertId(), kind, true, first, previous.lastAnomalousWindowStart(),
                        previous.lastAnomalousTotal(), previous.announcedFailed(), 0,
                        previous.firedKind(), previous.alertKey(), previous.receivingMx(), previous.judgedReporter());
                return new Step(escalates ? Action.UPDATE : Action.NONE, next);
            }
            long total = windowStart == previous.lastAnomalousWindowStart()
                    ? Math.max(previous.lastAnomalousTotal(), current.total()) : current.total();
            boolean grew = current.failed() >= previous.announcedFailed() * settings.updateGrowthFactor();
            Incident next = new Incident(previous.alertId(), kind, true, first,
                    windowStart, total, grew ? current.failed() : previous.announcedFailed(), 0,
                    previous.firedKind(), previous.alertKey(), previous.receivingMx(), previous.judgedReporter());
            return new Step(grew || escalates ? Action.UPDATE : Action.NONE, next);
        }
        boolean laterWindow = windowStart > previous.lastAnomalousWindowStart();
        boolean enoughTraffic = current.total() >= settings.resolveTrafficFraction() * previous.lastAnomalousTotal();
        if (laterWindow && enoughTraffic && (evaluation.recovered() || dropped(previous, current))) {
            Incident resolved = new Incident(previous.alertId(), previous.kind(), false, previous.firstWindowStart(),
                    previous.lastAnomalousWindowStart(), previous.lastAnomalousTotal(), previous.announcedFailed(),
                    windowStart, previous.firedKind(), previous.alertKey(), previous.receivingMx(),
                    previous.judgedReporter());
            return new Step(Action.RESOLVE, resolved);
        }
        if (laterWindow && stillFailing(previous, current)) {
            // the failure goes on at the incident's rate, but the rule could not say so (too few failed sessions on
            // a small domain; the baseline before the incident expired in an outage of weeks): the incident stays
            // open with its last window moved on, so that the sweep does not close it while its failures are
            // still reported
            Incident going = new Incident(previous.alertId(), previous.kind(), true, previous.firstWindowStart(),
                    windowStart, previous.lastAnomalousTotal(), previous.announcedFailed(), 0, previous.firedKind(),
                    previous.alertKey(), previous.receivingMx(), previous.judgedReporter());
            return new Step(Action.NONE, going);
        }
        return new Step(Action.NONE, previous);
    }

    /** Whether the window's failure rate is still at the incident's own, within the floor multiple. */
    private boolean stillFailing(Incident previous, WindowCounts current) {
        return current.failed() > 0 && current.total() > 0 && previous.lastAnomalousTotal() > 0
                && !dropped(previous, current);
    }

    /**
     * Whether the window's failure rate fell under the incident's own by the rule's floor multiple (a third, by
     * default): over, whatever the baseline says. A domain with a clean history whose fix leaves a few stale failures
     * (2 of 100,000 sessions) is not held open by a baseline rate near zero, and an incident older than the window
     * store's baseline is still judged over when its failures stop; a small domain whose every session still fails
     * is not.
     */
    private boolean dropped(Incident previous, WindowCounts current) {
        if (current.total() <= 0 || previous.lastAnomalousTotal() <= 0) {
            return false;
        }
        double firedRate = (double) previous.announcedFailed() / previous.lastAnomalousTotal();
        return current.rate() * settings.rateFloorMultiple() < firedRate;
    }

    /**
     * The kind an open incident carries after a new verdict: the more severe of the two. Only a
     * {@code starttls-not-supported} incident can change kind (warning {@code starttls-unavailable} to critical
     * {@code starttls-downgrade-suspected}, when a verdict on a cleaner baseline says so); a critical page is never
     * turned back into a warning while the incident lasts.
     */
    static String escalated(String kind, AlertKind verdict) {
        return verdict.severity().compareTo(AlertKind.fromCode(kind).severity()) < 0 ? verdict.code() : kind;
    }

    /**
     * The Kafka key of an incident's alerts: the key of the incident store and of {@code tlsrpt.failure-stats}, so
     * that an incident's statistics and alerts share it.
     */
    public static String alertKey(String domain, String resultType) {
        return domain + "|" + resultType;
    }

    /** sha-256 of domain, result type and first firing window start; first 16 bytes in hex. */
    public static String alertId(String domain, String resultType, long windowStart) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha.digest((domain + "\n" + resultType + "\n" + windowStart)
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }
}
