package io.tlsrpt.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsrpt.processor.detect.DetectorSettings;
import io.tlsrpt.processor.detect.SpikeDetector;
import io.tlsrpt.processor.detect.WindowCounts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The spike rule per reporter, against that reporter's own earlier windows. */
class ReporterVerdictTest {

    private static final String TYPE = "starttls-not-supported";
    private final SpikeDetector detector = new SpikeDetector(DetectorSettings.defaults());

    /** A window of the given reporters' sessions, with the given reporters' failures of {@link #TYPE}. */
    private static DomainWindow window(Map<String, Long> sessions, Map<String, Long> failed) {
        long total = sessions.values().stream().mapToLong(Long::longValue).sum();
        long failedTotal = failed.values().stream().mapToLong(Long::longValue).sum();
        Map<String, TypeCounts> failures = failed.isEmpty() ? Map.of()
                : Map.of(TYPE, new TypeCounts(failedTotal, failed.keySet(), null, null, failed));
        return new DomainWindow(sessions.size(), total, sessions.keySet(), failures, sessions);
    }

    private static List<DomainWindow> week(Map<String, Long> sessions) {
        List<DomainWindow> week = new ArrayList<>();
        for (int d = 0; d < 7; d++) {
            week.add(window(sessions, Map.of()));
        }
        return week;
    }

    @Test
    void aReporterWhoseFailuresOthersDiluteIsJudgedOnItsOwn() {
        List<DomainWindow> week = week(Map.of("Big Sender", 1_000_000L, "Small ISP", 2_000L));
        // a chronic background of failures at the big sender, then the small one loses STARTTLS on half its sessions
        List<DomainWindow> noisyWeek = new ArrayList<>();
        for (DomainWindow w : week) {
            noisyWeek.add(window(w.sessionsByReporter(), Map.of("Big Sender", 1_000L)));
        }
        DomainWindow today = window(Map.of("Big Sender", 1_000_000L, "Small ISP", 2_000L),
                Map.of("Big Sender", 1_000L, "Small ISP", 1_000L));

        assertThat(detector.evaluate(TYPE, new WindowCounts(2_000, 1_002_000), totals(noisyWeek)).anomalous())
                .as("the domain as a whole: 2,000 failures of a million against 1,000 a day").isFalse();
        ReporterVerdict verdict = ReporterVerdict.mostSurprising(detector, TYPE, today, noisyWeek);
        assertThat(verdict).isNotNull();
        assertThat(verdict.reporter()).isEqualTo("Small ISP");
        assertThat(verdict.counts()).isEqualTo(new WindowCounts(1_000, 2_000));
        assertThat(verdict.named().reason()).startsWith("reported by Small ISP: failed 1000");
        assertThat(verdict.evaluation().kind().code()).isEqualTo("starttls-downgrade-suspected");
    }

    @Test
    void aReporterNewToTheDomainOrWindowsWithoutCountsByReporterNeverFireOnTheirOwn() {
        DomainWindow today = window(Map.of("Newcomer", 100L), Map.of("Newcomer", 60L));
        assertThat(ReporterVerdict.mostSurprising(detector, TYPE, today, week(Map.of("Someone Else", 1_000L))))
                .as("no earlier windows of its own").isNull();

        List<DomainWindow> oldFormat = new ArrayList<>();
        for (int d = 0; d < 7; d++) {
            oldFormat.add(new DomainWindow(1, 100, Set.of("Newcomer"), Map.of()));
        }
        assertThat(ReporterVerdict.mostSurprising(detector, TYPE, today, oldFormat))
                .as("windows written before the counts by reporter were kept").isNull();
    }

    @Test
    void aReporterWithFailuresStaysInTheWindowBesideMoreLargerReportersThanItKeeps() {
        DomainWindow window = DomainWindow.empty();
        for (int i = 0; i < Caps.MAX_REPORTERS; i++) {
            window = window.merge(window(Map.of("forged " + i, 100_000L + i), Map.of()));
        }
        DomainWindow withFailure = window.merge(window(Map.of("Small ISP", 2_000L), Map.of("Small ISP", 1_000L)))
                .merge(window(Map.of("one forged more", 500_000L), Map.of()));
        DomainWindow withoutFailure = window.merge(window(Map.of("Quiet ISP", 2_000L), Map.of()));

        assertThat(withFailure.sessionsByReporter()).hasSize(Caps.MAX_REPORTERS)
                .containsEntry("Small ISP", 2_000L).containsEntry("one forged more", 500_000L)
                .doesNotContainKey("forged 0").doesNotContainKey("forged 1");
        // without failures, the smallest reporter is the one the cap drops
        assertThat(withoutFailure.sessionsByReporter()).hasSize(Caps.MAX_REPORTERS).doesNotContainKey("Quiet ISP");
        assertThat(ReporterVerdict.mostSurprising(detector, TYPE, withFailure,
                week(Map.of("Small ISP", 2_000L)))).isNotNull().extracting(ReporterVerdict::reporter)
                .isEqualTo("Small ISP");
    }

    @Test
    void ofSeveralAnomalousReportersTheMostSurprisingIsNamed() {
        List<DomainWindow> week = week(Map.of("A", 1_000L, "B", 1_000L));
        DomainWindow today = window(Map.of("A", 1_000L, "B", 1_000L), Map.of("A", 50L, "B", 900L));
        ReporterVerdict verdict = ReporterVerdict.mostSurprising(detector, TYPE, today, week);
        assertThat(verdict.reporter()).isEqualTo("B");
        assertThat(verdict.others()).as("A is anomalous too, less surprising").containsExactly("A");
        assertThat(ReporterVerdict.mostSurprising(detector, TYPE,
                window(Map.of("A", 1_000L, "B", 1_000L), Map.of("A", 0L, "B", 900L)), week).others())
                .as("only B").isEmpty();
        assertThat(ReporterVerdict.mostSurprising(detector, "certificate-expired", today, week))
                .as("no failures of that type").isNull();
    }

    private static List<WindowCounts> totals(List<DomainWindow> windows) {
        return windows.stream().map(w -> new WindowCounts(w.failed(TYPE), w.totalSessions())).toList();
    }
}
