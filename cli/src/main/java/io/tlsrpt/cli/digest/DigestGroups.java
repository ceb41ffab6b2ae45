package io.tlsrpt.cli.digest;

import io.tlsrpt.cli.domains.DomainTable;
import io.tlsrpt.notify.AlertRecord;
import io.tlsrpt.schema.DomainStats;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A period's statistics and alerts, read once and put in groups: one for everything asked, or one per tenant (a
 * provider's every customer in one pass over the topics; a record goes to the tenant it was written for, and a
 * domain without a tenant to none).
 */
final class DigestGroups {

    /** The one group when the digest is not per tenant. */
    static final String ALL = "";

    private final DigestPeriod period;
    private final DigestPeriod before;
    private final boolean perTenant;
    private final Map<String, DomainTable> tables = new TreeMap<>();
    private final Map<String, DomainTable> beforeTables = new TreeMap<>();
    private final Map<String, IncidentDigest> incidents = new TreeMap<>();
    private final Map<String, Set<String>> expected = new TreeMap<>();

    DigestGroups(DigestPeriod period, boolean perTenant) {
        this.period = period;
        this.before = period.before();
        this.perTenant = perTenant;
    }

    /** A record of the period, or of the as many days before it (kept to compare with); others are left out. */
    void add(DomainStats stats) {
        String group = group(stats.getTenant());
        if (group == null) {
            return;
        }
        if (period.contains(stats.getWindowStart())) {
            tables.computeIfAbsent(group, g -> new DomainTable()).add(stats);
        } else if (before.contains(stats.getWindowStart())) {
            beforeTables.computeIfAbsent(group, g -> new DomainTable()).add(stats);
        }
    }

    void add(AlertRecord alert) {
        String group = group(alert.tenant().isEmpty() ? null : alert.tenant());
        if (group != null) {
            incidents.computeIfAbsent(group, g -> new IncidentDigest(period)).add(alert);
        }
    }

    /**
     * A domain the served-domains file lists by name, under its tenant (null: none): listed without a report when the
     * period has none of it.
     */
    void expect(String domain, String tenant) {
        String group = group(tenant);
        if (group != null) {
            expected.computeIfAbsent(group, g -> new TreeSet<>()).add(domain);
        }
    }

    /** The groups with a record or a listed domain, in name order ({@link #ALL} alone when the digest is not per tenant). */
    Set<String> groups() {
        Set<String> all = new TreeSet<>(tables.keySet());
        all.addAll(incidents.keySet());
        all.addAll(expected.keySet());
        if (!perTenant) {
            all.add(ALL);
        }
        return all;
    }

    /** The digest of {@code group}, saying it is for {@code tenants} and {@code domains}. */
    Digest digest(String group, Set<String> tenants, Set<String> domains) {
        return Digest.of(tenants, domains, period, tables.getOrDefault(group, new DomainTable()),
            beforeTables.getOrDefault(group, new DomainTable()),
            incidents.getOrDefault(group, new IncidentDigest(period)), expected.getOrDefault(group, Set.of()));
    }

    private String group(String tenant) {
        return perTenant ? tenant : ALL;
    }
}
