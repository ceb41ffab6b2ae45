package io.tlsrpt.processor.detect;

import java.util.List;

/**
 * The spike rule (pure function, no Kafka). For one (policy domain, result type) and one window:
 * <pre>
 *   baseline rate r0 = (sum failed_i + priorSessions * priorRate) / (sum total_i + priorSessions)
 *                      over the previous windows i that hold data
 *   expected         = r0 * total                  (the domain's total sessions in this window)
 *   fire when  failed >= minFailedSessions
 *         and  P(X >= failed | Poisson(expected)) < maxTailProbability
 *         and  failed / total >= rateFloorMultiple * max(r0, sum failed_i / sum total_i)
 *         and  at least minBaselineWindows previous windows hold data
 * </pre>
 * A verdict that does not fire says the failure is over ({@link Evaluation#recovered}) only when it had enough
 * baseline windows and the rate is back under the floor: fewer failed sessions than the minimum, or a rate still
 * high but not surprising, keep an incident open.
 * Using the domain's total as the denominator means a traffic surge with the same failure ratio raises the
 * expectation with it and does not fire. The floor also holds against the history's own rate: the prior keeps a
 * zero baseline finite, but on a small domain it also pulls a high rate down (400 sessions that all failed, against
 * 1,000 pseudo-sessions at 0.1 %, make r0 0.29), and the same rate again must not look like a threefold rise.
 */
public final class SpikeDetector {

    private final DetectorSettings settings;

    public SpikeDetector(DetectorSettings settings) {
        this.settings = settings;
    }

    public DetectorSettings settings() {
        return settings;
    }

    public Evaluation evaluate(String resultType, WindowCounts current, List<WindowCounts> history) {
        long historyFailed = 0;
        long historyTotal = 0;
        for (WindowCounts w : history) {
            historyFailed += w.failed();
            historyTotal += w.total();
        }
        double baselineRate = (historyFailed + settings.priorSessions() * settings.priorFailureRate())
                / (historyTotal + settings.priorSessions());
        double expected = baselineRate * current.total();
        double floorRate = historyTotal > 0
                ? Math.max(baselineRate, (double) historyFailed / historyTotal) : baselineRate;
        double log10p = PoissonTail.log10UpperTail(current.failed(), expected);
        double score = log10p == Double.NEGATIVE_INFINITY ? 324.0 : -log10p;
        AlertKind kind = AlertKind.forResultType(resultType, baselineRate, settings.downgradeBaselineRate());

        String reason;
        boolean anomalous = false;
        boolean judged = history.size() >= settings.minBaselineWindows() && current.total() > 0;
        if (current.failed() < settings.minFailedSessions()) {
            reason = "failed " + current.failed() + " < minimum " + settings.minFailedSessions();
        } else if (history.size() < settings.minBaselineWindows()) {
            reason = "only " + history.size() + " baseline windows, need " + settings.minBaselineWindows();
        } else if (score < -Math.log10(settings.maxTailProbability())) {
            reason = String.format("not surprising: score %.2f", score);
        } else if (current.rate() < settings.rateFloorMultiple() * floorRate) {
            reason = String.format("rate %.5f under %.1f x baseline %.5f", current.rate(),
                    settings.rateFloorMultiple(), floorRate);
        } else {
            anomalous = true;
            reason = String.format("failed %d vs expected %.2f (score %.1f)", current.failed(), expected, score);
        }
        boolean recovered = !anomalous && judged && current.rate() < settings.rateFloorMultiple() * floorRate;
        return new Evaluation(anomalous, expected, baselineRate, score, kind, reason, recovered);
    }
}
