package io.tlsrpt.cli.reports;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * What every sum of failure details keeps, whatever it is grouped by: the failed sessions, the reports (reporter and
 * report id) and reporters they came from, and the first and last day.
 */
final class FailureTally {
    private long failedSessions;
    private final Set<String> reportIds = new HashSet<>();
    private final Set<String> reporters = new TreeSet<>();
    private LocalDate firstDay;
    private LocalDate lastDay;

    void add(ReportRow row, long failed) {
        failedSessions += failed;
        reportIds.add(row.reporter() + "\u0000" + row.reportId());
        reporters.add(row.reporter());
        LocalDate day = LocalDate.ofInstant(row.start(), ZoneOffset.UTC);
        firstDay = firstDay == null || day.isBefore(firstDay) ? day : firstDay;
        lastDay = lastDay == null || day.isAfter(lastDay) ? day : lastDay;
    }

    long failedSessions() {
        return failedSessions;
    }

    /** How many reports (reporter and report id) the details came from. */
    int reports() {
        return reportIds.size();
    }

    /** The reporters, by name. */
    Set<String> reporters() {
        return reporters;
    }

    LocalDate firstDay() {
        return firstDay;
    }

    LocalDate lastDay() {
        return lastDay;
    }
}
