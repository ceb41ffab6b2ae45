package io.tlsrpt.cli.digest;

import io.tlsrpt.cli.domains.DomainTable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a digest says: for whom (tenants, domains; empty: everyone), over which days, each policy domain worst first
 * and the period's incidents. {@code failedShareBefore}: the failed share of these domains over the as many days
 * before the period (null when none was counted then). {@code withoutReports}: the domains the served-domains file
 * lists (by name) that had no report in the period, sorted.
 */
record Digest(Set<String> tenants, Set<String> domains, DigestPeriod period, List<DomainSummary> summaries,
              Double failedShareBefore, List<IncidentDigest.Incident> incidents, List<String> withoutReports) {

    /** @param before the statistics of the as many days before the period, for each domain's earlier failed share */
    static Digest of(Set<String> tenants, Set<String> domains, DigestPeriod period, DomainTable table,
                     DomainTable before, IncidentDigest incidents) {
        return of(tenants, domains, period, table, before, incidents, Set.of());
    }

    /** @param expected the listed domains of this digest: those without a row are {@link #withoutReports} */
    static Digest of(Set<String> tenants, Set<String> domains, DigestPeriod period, DomainTable table,
                     DomainTable before, IncidentDigest incidents, Set<String> expected) {
        Map<String, DomainTable.Row> earlier = new HashMap<>();
        before.rows().forEach(row -> earlier.put(row.domain(), row));
        List<DomainSummary> summaries = table.rows().stream()
            .map(row -> DomainSummary.of(row, table.windows(row.domain()), earlier.get(row.domain()))).toList();
        List<DomainTable.Row> earlierRows = before.rows();
        long sessionsBefore = earlierRows.stream().mapToLong(DomainTable.Row::sessions).sum();
        Double shareBefore = share(sumOrNull(earlierRows.stream().map(DomainTable.Row::failed).toList()),
            sessionsBefore);
        Set<String> silent = new TreeSet<>(expected);
        summaries.forEach(s -> silent.remove(s.row().domain()));
        return new Digest(Set.copyOf(tenants), Set.copyOf(domains), period, summaries, shareBefore,
            incidents.incidents(), List.copyOf(silent));
    }

    boolean isEmpty() {
        return summaries.isEmpty() && incidents.isEmpty() && withoutReports.isEmpty();
    }

    long sessions() {
        return summaries.stream().mapToLong(s -> s.row().sessions()).sum();
    }

    /** The failed sessions of every domain; null when some day of some domain did not count them. */
    Long failed() {
        return sumOrNull(summaries.stream().map(s -> s.row().failed()).toList());
    }

    /** The sessions under no enforced policy of every domain; null when some day did not count them. */
    Long withoutEnforcedPolicy() {
        return sumOrNull(summaries.stream().map(s -> s.row().withoutEnforcedPolicy()).toList());
    }

    Set<String> reporters() {
        Set<String> all = new TreeSet<>();
        summaries.forEach(s -> all.addAll(s.row().reporters()));
        return all;
    }

    long openIncidents() {
        return incidents.stream().filter(IncidentDigest.Incident::open).count();
    }

    static Double share(Long part, long whole) {
        return part == null || whole == 0 ? null : (double) part / whole;
    }

    private static Long sumOrNull(List<Long> parts) {
        long sum = 0;
        for (Long part : parts) {
            if (part == null) {
                return null;
            }
            sum += part;
        }
        return sum;
    }
}
