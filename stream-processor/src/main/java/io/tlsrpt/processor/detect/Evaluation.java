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
 */
public record Evaluation(boolean anomalous, double expected, double baselineRate, double score, AlertKind kind,
                         String reason) {
}
