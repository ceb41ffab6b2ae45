package io.tlsrpt.cli.digest;

import io.tlsrpt.cli.domains.DomainTable;
import io.tlsrpt.schema.CountedValue;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A digest as Markdown: readable as plain text, and as a page once a mail client or a wiki renders it (a provider
 * sends each customer its week).
 */
final class DigestMarkdown {

    private DigestMarkdown() {
    }

    static void print(Digest digest, PrintWriter out) {
        out.println("# TLS-RPT digest" + scope(digest) + ", " + digest.period().first() + " to "
            + digest.period().last());
        out.println();
        long sessions = digest.sessions();
        out.printf(Locale.ROOT, "%d policy %s, %,d sessions reported by %d %s: %s failed (%s the %d days before), %s "
                + "under no enforced policy.%n", digest.summaries().size(),
            plural(digest.summaries().size(), "domain", "domains"), sessions, digest.reporters().size(),
            plural(digest.reporters().size(), "reporter", "reporters"),
            DomainTable.percent(Digest.share(digest.failed(), sessions)),
            DomainTable.percent(digest.failedShareBefore()), digest.period().days(),
            DomainTable.percent(Digest.share(digest.withoutEnforcedPolicy(), sessions)));
        out.printf(Locale.ROOT, "%d %s, %d open at the end of the period.%n", digest.incidents().size(),
            plural(digest.incidents().size(), "incident", "incidents"), digest.openIncidents());
        if (!digest.summaries().isEmpty()) {
            out.println();
            out.println("## Policy domains, worst first");
            out.println();
            out.println("| policy domain | tenant | days | sessions | failed | failed before | no enforced policy "
                + "| failing most | worst day |");
            out.println("|---|---|---:|---:|---:|---:|---:|---|---|");
            for (DomainSummary s : digest.summaries()) {
                DomainTable.Row r = s.row();
                out.printf(Locale.ROOT, "| %s | %s | %d | %,d | %s | %s | %s | %s | %s |%n", r.domain(),
                    orDash(r.tenant()), r.days(), r.sessions(), DomainTable.percent(r.failedShare()),
                    DomainTable.percent(s.failedShareBefore()), DomainTable.percent(r.withoutEnforcedPolicyShare()),
                    failing(s.failingMost()), worstDay(s));
            }
        }
        if (!digest.incidents().isEmpty()) {
            out.println();
            out.println("## Incidents, open first");
            out.println();
            out.println("| status | severity | kind | policy domain | result type | from | last anomalous | resolved "
                + "| peak failed | alert_id |");
            out.println("|---|---|---|---|---|---|---|---|---:|---|");
            for (IncidentDigest.Incident i : digest.incidents()) {
                out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %,d | %s |%n",
                    i.open() ? "open" : "resolved", i.severity(), i.kind(), i.policyDomain(), orDash(i.resultType()),
                    day(i.firstWindow()), day(i.lastAnomalous()), i.resolved() == null ? "-" : day(i.resolved()),
                    i.peakFailed(), i.alertId());
            }
        }
        out.flush();
    }

    private static String scope(Digest digest) {
        List<String> parts = new ArrayList<>();
        if (!digest.tenants().isEmpty()) {
            parts.add(plural(digest.tenants().size(), "tenant ", "tenants ")
                + digest.tenants().stream().sorted().collect(Collectors.joining(", ")));
        }
        if (!digest.domains().isEmpty()) {
            parts.add(digest.domains().stream().sorted().collect(Collectors.joining(", ")));
        }
        return parts.isEmpty() ? "" : ": " + String.join("; ", parts);
    }

    private static String failing(List<CountedValue> most) {
        return most.isEmpty() ? "-" : most.stream()
            .map(c -> String.format(Locale.ROOT, "%s (%,d)", c.getValue(), c.getCount()))
            .collect(Collectors.joining(", "));
    }

    private static String worstDay(DomainSummary s) {
        return s.worstDay() == null ? "-" : s.worstDay() + " (" + DomainTable.percent(s.worstDayShare()) + ")";
    }

    private static String day(Instant instant) {
        return LocalDate.ofInstant(instant, ZoneOffset.UTC).toString();
    }

    private static String orDash(String value) {
        return value == null || value.isEmpty() ? "-" : value;
    }

    private static String plural(long n, String one, String many) {
        return n == 1 ? one : many;
    }
}
