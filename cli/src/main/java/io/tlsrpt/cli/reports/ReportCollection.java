package io.tlsrpt.cli.reports;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.tlsrpt.schema.TlsReport;

/**
 * The rows {@code tlsrpt reports} shows, gathered from the records of the reports topic. A report read twice (the
 * processor reset and run again over its raw topic writes its reports again) is shown once, by its dedup key.
 */
final class ReportCollection {

    private final ReportSelection selection;
    private final List<ReportRow> rows = new ArrayList<>();
    private final Set<String> seen = new HashSet<>();
    private long repeated;

    ReportCollection(ReportSelection selection) {
        this.selection = selection;
    }

    void add(TlsReport report) {
        List<ReportRow> shown = selection.rows(report);
        if (shown.isEmpty()) {
            return;
        }
        if (!seen.add(report.getDedupKey())) {
            repeated++;
            return;
        }
        rows.addAll(shown);
    }

    /** The rows, oldest window first, then by policy domain, reporter and report id. */
    List<ReportRow> rows() {
        List<ReportRow> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparing(ReportRow::start).thenComparing(ReportRow::policyDomain)
            .thenComparing(ReportRow::reporter).thenComparing(ReportRow::reportId));
        return sorted;
    }

    /** How many distinct reports the rows come from. */
    int reports() {
        return seen.size();
    }

    /** How many records repeated a report already shown. */
    long repeated() {
        return repeated;
    }
}
