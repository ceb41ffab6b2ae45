package io.tlsrpt.processor.detect;

/**
 * The detector's verdict on one (domain, result type, window).
 *
 * @param anomalous     whether the spike rule holds
 * @param expected      failed sessions expected from the baseline rate and this window's total (the alert's
 *                      {@code baseline})
 * @param baselineRate  failure rate of the baseline windows, prior included
 * @param score         -log10 of the Poisson tail probability (0 when nothing is surprising)
 * @param kind          what the operator must do if it fires
 * @param reason        why it does or does not fire, for logs and tests
 * @param recovered     whether the window says a failure is over: judged against enough baseline windows, with a
 *                      failure rate back under the rule's floor. Not merely "not anomalous": too few failed
 *                      sessions to fire on (a small domain whose every session fails), too few baseline windows
 *                      left (an incident older than the window store's retention) or a rate still high but not
 *                      surprising resolve nothing
 */
public record Evaluation(boolean anomalous, double expected, double baselineRate, double score, AlertKind kind,
                         String reason, boolean recovered) {

    /** This verdict, not anomalous and saying nothing of recovery, for {@code why}. */
    public Evaluation notJudged(String why) {
        return new Evaluation(false, expected, baselineRate, score, kind, why, false);
    }
}
