package io.tlsrpt.processor.topology;

import io.tlsrpt.processor.detect.Evaluation;
import io.tlsrpt.processor.detect.SpikeDetector;
import io.tlsrpt.processor.detect.WindowCounts;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The spike rule applied to each reporter on its own: its failures of a result type against its own sessions, and
 * its own earlier windows as the baseline. The domain-wide rule can miss a failure one reporter sees when the
 * domain's other traffic dilutes it: an on-path STARTTLS stripper near one sender, under a large sender's steady
 * volume, or a forged report that inflates the domain's sessions for the day (RELIABILITY.md, "Forged reports
 * against the detector"). A reporter is judged only on windows where it reported sessions for the domain, so a
 * reporter new to the domain, or windows written before the counts by reporter were kept, never fire on their own.
 *
 * @param reporter   the reporter (organisation) whose windows tripped the rule
 * @param counts     its failed and total sessions in the window
 * @param evaluation the rule's verdict on them
 * @param others     the other reporters whose own windows trip the rule too, most surprising first: an alert names
 *                   one reporter, and the on-call must still learn that every sender sees it
 */
record ReporterVerdict(String reporter, WindowCounts counts, Evaluation evaluation, List<String> others) {

    /** A verdict on one reporter alone. */
    ReporterVerdict(String reporter, WindowCounts counts, Evaluation evaluation) {
        this(reporter, counts, evaluation, List.of());
    }

    /**
     * The reporter whose failures of {@code resultType} are anomalous and most surprising, with the others that are
     * anomalous too; null when none is.
     */
    static ReporterVerdict mostSurprising(SpikeDetector detector, String resultType, DomainWindow window,
                                          List<DomainWindow> baseline) {
        TypeCounts failures = window.failures().get(resultType);
        if (failures == null) {
            return null;
        }
        List<ReporterVerdict> anomalous = new ArrayList<>();
        for (Map.Entry<String, Long> e : failures.failedByReporter().entrySet()) {
            ReporterVerdict verdict = of(detector, resultType, window, baseline, e.getKey());
            if (verdict != null && verdict.evaluation().anomalous()) {
                anomalous.add(verdict);
            }
        }
        if (anomalous.isEmpty()) {
            return null;
        }
        // most surprising first; equal scores by name, so that the verdict does not depend on the map's order
        anomalous.sort(Comparator.comparingDouble((ReporterVerdict v) -> v.evaluation().score()).reversed()
                .thenComparing(ReporterVerdict::reporter));
        ReporterVerdict best = anomalous.get(0);
        List<String> others = anomalous.subList(1, anomalous.size()).stream().map(ReporterVerdict::reporter).toList();
        return new ReporterVerdict(best.reporter(), best.counts(), best.evaluation(), others);
    }

    /**
     * The rule on {@code reporter}'s own sessions of the window (failed or not) against its own earlier windows;
     * null when it reported no session of the domain in this window.
     */
    static ReporterVerdict of(SpikeDetector detector, String resultType, DomainWindow window,
                              List<DomainWindow> baseline, String reporter) {
        long sessions = window.sessionsBy(reporter);
        if (sessions <= 0) {
            return null;
        }
        List<WindowCounts> history = new ArrayList<>(baseline.size());
        for (DomainWindow w : baseline) {
            long earlier = w.sessionsBy(reporter);
            if (earlier > 0 && w.counts(resultType)) {
                TypeCounts c = w.failures().get(resultType);
                history.add(new WindowCounts(c == null ? 0 : c.failedBy(reporter), earlier));
            }
        }
        TypeCounts failures = window.failures().get(resultType);
        WindowCounts counts = new WindowCounts(failures == null ? 0 : failures.failedBy(reporter), sessions);
        return new ReporterVerdict(reporter, counts, detector.evaluate(resultType, counts, history));
    }

    /** The verdict, its reason naming the reporter (for the log). */
    Evaluation named() {
        return new Evaluation(evaluation.anomalous(), evaluation.expected(), evaluation.baselineRate(),
                evaluation.score(), evaluation.kind(), "reported by " + reporter + ": " + evaluation.reason(),
                evaluation.recovered());
    }
}
