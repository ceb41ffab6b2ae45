package io.tlsrpt.processor.detect;

/**
 * Thresholds of the spike rule. Every field is configuration; {@link #defaults()} are the values the
 * README justifies.
 *
 * @param baselineWindows         how many previous windows of the same key form the baseline
 * @param minBaselineWindows      how many of them must hold data before anything can fire; a domain seen
 *                                for the first time has no "normal" to rise from, and a chronically noisy
 *                                domain would otherwise fire on its first day
 * @param minFailedSessions       failed sessions a window needs before it can fire (one failure on a quiet
 *                                domain pages nobody)
 * @param maxTailProbability      fire only when P(X >= failed | expected) is below this (Poisson tail)
 * @param rateFloorMultiple       and when the failure rate is at least this multiple of the baseline rate
 *                                (large domains make tiny rises "significant"; this keeps them quiet)
 * @param priorSessions           pseudo-sessions added to the baseline so a zero baseline is not infinitely
 *                                surprising
 * @param priorFailureRate        failure rate of those pseudo-sessions
 * @param downgradeBaselineRate   a starttls-not-supported baseline rate at or under this counts as "near
 *                                zero": a rise is then a suspected downgrade
 * @param resolveTrafficFraction  a later window resolves an incident once it is normal with at least this
 *                                fraction of the traffic of the incident's window (a day that has barely
 *                                started is no evidence of recovery)
 * @param updateGrowthFactor      an open incident is re-announced (same alert_id) when its failed sessions
 *                                reach this multiple of the last announced count
 * @param perReporter             when the domain as a whole is normal, also judge each reporter's failures
 *                                against its own earlier windows (a failure one sender sees, diluted by the
 *                                others' traffic or by a forged volume)
 */
public record DetectorSettings(int baselineWindows, int minBaselineWindows, long minFailedSessions,
                               double maxTailProbability, double rateFloorMultiple, double priorSessions,
                               double priorFailureRate, double downgradeBaselineRate,
                               double resolveTrafficFraction, double updateGrowthFactor, boolean perReporter) {

    public DetectorSettings {
        require(baselineWindows >= 1, "baselineWindows must be >= 1");
        require(minBaselineWindows >= 0 && minBaselineWindows <= baselineWindows,
                "minBaselineWindows must be between 0 and baselineWindows");
        require(minFailedSessions >= 1, "minFailedSessions must be >= 1");
        require(maxTailProbability > 0 && maxTailProbability < 1, "maxTailProbability must be in (0, 1)");
        require(rateFloorMultiple >= 1, "rateFloorMultiple must be >= 1");
        require(priorSessions > 0, "priorSessions must be > 0");
        require(priorFailureRate > 0 && priorFailureRate < 1, "priorFailureRate must be in (0, 1)");
        require(downgradeBaselineRate >= 0 && downgradeBaselineRate < 1, "downgradeBaselineRate must be in [0, 1)");
        require(resolveTrafficFraction >= 0 && resolveTrafficFraction <= 1, "resolveTrafficFraction must be in [0, 1]");
        require(updateGrowthFactor > 1, "updateGrowthFactor must be > 1");
    }

    public static DetectorSettings defaults() {
        return new DetectorSettings(7, 3, 10, 1e-6, 3.0, 1000, 0.001, 0.001, 0.5, 2.0, true);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
