package io.tlsrpt.cli.digest;

import io.tlsrpt.cli.domains.DomainTable;
import io.tlsrpt.schema.CountedValue;
import io.tlsrpt.schema.DomainStats;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One policy domain over a digest's period: its row of {@code tlsrpt domains} (sessions, shares, reporters, tenant),
 * the result types that failed most over the period and its worst day.
 *
 * @param failingMost    the failing result types with their failed sessions summed over the days, most first (at most
 *                       {@value #FAILING_SHOWN})
 * @param worstDay       the day with the largest failed share; null when no day counted a failed session
 * @param worstDayShare  that day's failed share
 * @param failedShareBefore the domain's failed share over the as many days before the period; null when it had no
 *                       counted sessions then
 */
record DomainSummary(DomainTable.Row row, List<CountedValue> failingMost, LocalDate worstDay, Double worstDayShare,
                     Double failedShareBefore) {

    static final int FAILING_SHOWN = 3;

    static DomainSummary of(DomainTable.Row row, List<DomainStats> windows, DomainTable.Row before) {
        Double shareBefore = before == null ? null : before.failedShare();
        Map<String, Long> failing = new LinkedHashMap<>();
        DomainStats worst = null;
        for (DomainStats w : windows) {
            for (CountedValue c : w.getFailingResultTypes()) {
                failing.merge(c.getValue(), c.getCount(), Long::sum);
            }
            if (failedShare(w) > 0 && (worst == null || failedShare(w) > failedShare(worst))) {
                worst = w;
            }
        }
        List<CountedValue> most = failing.entrySet().stream()
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
            .limit(FAILING_SHOWN).map(e -> new CountedValue(e.getKey(), e.getValue())).toList();
        return worst == null ? new DomainSummary(row, most, null, null, shareBefore)
            : new DomainSummary(row, most, LocalDate.ofInstant(worst.getWindowStart(), ZoneOffset.UTC),
                failedShare(worst), shareBefore);
    }

    /** A window's failed share; 0 when it has no sessions or did not count its failed ones. */
    private static double failedShare(DomainStats w) {
        Long failed = w.getFailedSessions();
        return failed == null || w.getTotalSessions() == 0 ? 0 : (double) failed / w.getTotalSessions();
    }
}
