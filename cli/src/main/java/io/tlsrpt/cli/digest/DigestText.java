package io.tlsrpt.cli.digest;

import io.tlsrpt.cli.domains.DomainTable;
import io.tlsrpt.schema.CountedValue;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a digest says, as plain text: its title, its two summary sentences and the cells of its two tables. The
 * Markdown and HTML renderings escape it each for its own syntax (domains and result types come from reports anyone
 * may send), so both say the same.
 */
final class DigestText {

    /** The domain table's columns; {@link #NUMERIC_DOMAIN_COLUMNS} of them are right-aligned. */
    static final List<String> DOMAIN_COLUMNS = List.of("policy domain", "tenant", "days", "sessions", "failed",
        "failed before", "no enforced policy", "failing most", "worst day");
    static final List<Boolean> NUMERIC_DOMAIN_COLUMNS = List.of(false, false, true, true, true, true, true, false,
        false);
    static final List<String> INCIDENT_COLUMNS = List.of("status", "severity", "kind", "policy domain", "result type",
        "from", "last anomalous", "resolved", "peak failed", "alert_id");
    static final List<Boolean> NUMERIC_INCIDENT_COLUMNS = List.of(false, false, false, false, false, false, false,
        false, true, false);
    static final String DOMAINS_HEADING = "Policy domains, worst first";
    static final String INCIDENTS_HEADING = "Incidents, open first";
    static final String WITHOUT_REPORTS_HEADING = "Policy domains without reports";

    private DigestText() {
    }

    static String title(Digest digest) {
        return "TLS-RPT digest" + scope(digest) + ", " + digest.period().first() + " to " + digest.period().last();
    }

    /** The sessions, failed share (and that of the days before) and share under no enforced policy, in a sentence. */
    static String sessions(Digest digest) {
        long sessions = digest.sessions();
        return String.format(Locale.ROOT, "%d policy %s, %,d sessions reported by %d %s: %s failed (%s the %d days "
                + "before), %s under no enforced policy.", digest.summaries().size(),
            plural(digest.summaries().size(), "domain", "domains"), sessions, digest.reporters().size(),
            plural(digest.reporters().size(), "reporter", "reporters"),
            DomainTable.percent(Digest.share(digest.failed(), sessions)),
            DomainTable.percent(digest.failedShareBefore()), digest.period().days(),
            DomainTable.percent(Digest.share(digest.withoutEnforcedPolicy(), sessions)));
    }

    static String incidents(Digest digest) {
        return String.format(Locale.ROOT, "%d %s, %d open at the end of the period.", digest.incidents().size(),
            plural(digest.incidents().size(), "incident", "incidents"), digest.openIncidents());
    }

    /** What the list of listed domains without a report means, in a sentence. */
    static String withoutReports(Digest digest) {
        int n = digest.withoutReports().size();
        return String.format(Locale.ROOT, "%d listed policy %s had no report from %s to %s: a sender that delivered "
                + "mail to %s over TLS would have reported it the next day. If mail to %s is expected, check %s "
                + "_smtp._tls record and the rua destinations it names.", n, plural(n, "domain", "domains"),
            digest.period().first(), digest.period().last(), plural(n, "it", "them"), plural(n, "it", "them"),
            plural(n, "its", "each one's"));
    }

    /** One domain's cells, in {@link #DOMAIN_COLUMNS} order. */
    static List<String> row(DomainSummary s) {
        DomainTable.Row r = s.row();
        return List.of(r.domain(), orDash(r.tenant()), Integer.toString(r.days()),
            String.format(Locale.ROOT, "%,d", r.sessions()), DomainTable.percent(r.failedShare()),
            DomainTable.percent(s.failedShareBefore()), DomainTable.percent(r.withoutEnforcedPolicyShare()),
            failing(s.failingMost()), worstDay(s));
    }

    /** One incident's cells, in {@link #INCIDENT_COLUMNS} order. */
    static List<String> row(IncidentDigest.Incident i) {
        return List.of(i.open() ? "open" : "resolved", i.severity(), i.kind(), i.policyDomain(),
            orDash(i.resultType()), day(i.firstWindow()), day(i.lastAnomalous()),
            i.resolved() == null ? "-" : day(i.resolved()), String.format(Locale.ROOT, "%,d", i.peakFailed()),
            i.alertId());
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
