package io.tlsrpt.cli.reports;

import java.io.PrintWriter;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.tlsrpt.cli.domains.DomainTable;

/**
 * {@code tlsrpt reports} as text: a line of totals, a table of the reports' policies (oldest first), then, when they
 * are about several policy domains, their failure details summed by result type and receiving MX host across the
 * domains (which domains fail at which host), then summed by domain, result type and receiving MX, the most failed
 * sessions first, each with its reporters, sending MTAs and the reasons the senders gave.
 */
final class ReportsText {

    /** The most sending MTAs named per failure group; the rest are counted. */
    static final int MAX_SENDING_IPS = 5;
    /** The most policy domains named in the line of totals and per MX host; the rest are counted. */
    static final int MAX_DOMAINS = 10;

    private ReportsText() {
    }

    static void print(ReportCollection collection, PrintWriter out) {
        List<ReportRow> rows = collection.rows();
        long sessions = rows.stream().mapToLong(ReportRow::sessions).sum();
        long failed = rows.stream().mapToLong(ReportRow::failedSessions).sum();
        TreeSet<String> domains = rows.stream().map(ReportRow::policyDomain).collect(Collectors.toCollection(TreeSet::new));
        TreeSet<String> reporters = rows.stream().map(ReportRow::reporter).collect(Collectors.toCollection(TreeSet::new));
        out.printf(Locale.ROOT, "%s: %s from %s, windows %s to %s: %,d sessions, %,d failed (%s)%n",
            domains.size() > MAX_DOMAINS ? count(domains.size(), "policy domain") : String.join(", ", domains),
            count(collection.reports(), "report"), count(reporters.size(), "reporter"),
            day(rows.get(0)),
            day(rows.get(rows.size() - 1)), sessions, failed,
            DomainTable.percent(sessions == 0 ? null : (double) failed / sessions));
        int domainWidth = width("policy domain", rows.stream().map(ReportRow::policyDomain).toList());
        int policyWidth = width("policy", rows.stream().map(ReportRow::policy).toList());
        int reporterWidth = width("reporter", rows.stream().map(ReportRow::reporter).toList());
        String format = "%-10s  %-" + domainWidth + "s  %-" + policyWidth + "s %12s %10s  %-" + reporterWidth
            + "s  %-6s  %s%n";
        out.println();
        out.printf(Locale.ROOT, format, "day", "policy domain", "policy", "sessions", "failed", "reporter", "via",
            "report id");
        for (ReportRow r : rows) {
            out.printf(Locale.ROOT, format, day(r), r.policyDomain(), r.policy(),
                String.format(Locale.ROOT, "%,d", r.sessions()), String.format(Locale.ROOT, "%,d", r.failedSessions()),
                r.reporter(), Objects.toString(r.source(), "-"), r.reportId());
        }
        List<FailureGroup> groups = FailureGroup.of(rows);
        out.println();
        if (groups.isEmpty()) {
            out.println("no failure details in these reports");
            out.flush();
            return;
        }
        if (domains.size() > 1) {
            out.println("failure details at each receiving MX host, across " + count(domains.size(), "policy domain")
                + ", most failed sessions first:");
            for (MxHostGroup g : MxHostGroup.of(rows)) {
                printHost(g, out);
            }
            out.println();
        }
        out.println("failure details, summed by result type and receiving MX, most failed sessions first:");
        for (FailureGroup g : groups) {
            printGroup(g, domains.size() > 1, out);
        }
        out.flush();
    }

    private static void printHost(MxHostGroup g, PrintWriter out) {
        List<Map.Entry<String, Long>> domains = g.domains();
        out.printf(Locale.ROOT, "  %s at %s: %,d failed sessions of %s in %s, %s%n", g.key().resultType(),
            Objects.toString(g.key().receivingMx(), "an MX not reported"), g.failedSessions(),
            count(domains.size(), "policy domain"), count(g.tally().reports(), "report"),
            days(g.tally().firstDay(), g.tally().lastDay()));
        out.println("      policy domains: " + domains.stream().limit(MAX_DOMAINS)
            .map(e -> String.format(Locale.ROOT, "%s (%,d)", e.getKey(), e.getValue()))
            .collect(Collectors.joining(", "))
            + (domains.size() > MAX_DOMAINS ? " and " + (domains.size() - MAX_DOMAINS) + " more" : ""));
        out.println("      reporters: " + String.join(", ", g.tally().reporters()));
    }

    private static void printGroup(FailureGroup g, boolean nameDomain, PrintWriter out) {
        FailureGroup.Key k = g.key();
        String mx = k.receivingMx() == null && k.receivingIp() == null ? "MX not reported"
            : Objects.toString(k.receivingMx(), "?") + (k.receivingIp() == null ? "" : " (" + k.receivingIp() + ")");
        out.printf(Locale.ROOT, "  %s%s at %s: %,d failed sessions in %s, %s%n",
            nameDomain ? k.policyDomain() + " " : "", k.resultType(), mx, g.failedSessions(),
            count(g.reports(), "report"), days(g.firstDay(), g.lastDay()));
        out.println("      reporters: " + String.join(", ", g.reporters()));
        List<Map.Entry<String, Long>> ips = g.sendingIps();
        if (!ips.isEmpty()) {
            String shown = ips.stream().limit(MAX_SENDING_IPS)
                .map(e -> String.format(Locale.ROOT, "%s (%,d)", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", "));
            out.println("      sending MTAs: " + shown
                + (ips.size() > MAX_SENDING_IPS ? " and " + (ips.size() - MAX_SENDING_IPS) + " more" : ""));
        }
        if (!g.reasons().isEmpty()) {
            out.println("      reasons: " + String.join(" | ", g.reasons())
                + (g.reasonsLeftOut() > 0 ? " and " + g.reasonsLeftOut() + " more" : ""));
        }
    }

    private static String days(LocalDate first, LocalDate last) {
        return first.equals(last) ? "on " + first : first + " to " + last;
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static int width(String header, List<String> cells) {
        return Math.max(header.length(), cells.stream().mapToInt(String::length).max().orElse(0));
    }

    private static LocalDate day(ReportRow row) {
        return LocalDate.ofInstant(row.start(), ZoneOffset.UTC);
    }
}
