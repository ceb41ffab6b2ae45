package io.tlsrpt.processor.app;

import io.tlsrpt.processor.decode.DomainNames;
import io.tlsrpt.processor.detect.Incident;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.SortedSet;
import java.util.function.Predicate;

/**
 * What {@code GET /v1/incidents} is asked: which incidents ({@code status}: {@code open}, the default, {@code resolved}
 * or {@code all}), of which tenant ({@code tenant}, any when absent), of which domain and its subdomains
 * ({@code domain}), which one ({@code alert_id}: the incident of an alert, as a SIEM or a page holds it), at which
 * receiving MX host ({@code mx}: a host, or a domain of hosts, among those of the incident's last anomalous window; a
 * provider's MX host shared by many customer domains), how many of the most urgent at most ({@code limit}, all when
 * absent), from where ({@code after}:
 * the {@code next} of an earlier answer, {@link ListCursor}; from the most urgent when absent), and, between
 * instances only, of which partitions of the incident store ({@code partitions}).
 */
record IncidentQuery(Status status, String tenant, String domain, String alertId, String mx, Integer limit,
                     ListCursor after, SortedSet<Integer> partitions) implements ListQuery<IncidentQuery> {

    enum Status {
        OPEN, RESOLVED, ALL;

        String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static final Set<String> PARAMETERS = Set.of("status", "tenant", "domain", "alert_id", "mx", "limit", "after",
            "partitions");

    /**
     * @param rawQuery the request URI's raw query, null for none
     * @throws IllegalArgumentException naming what is wrong: an unknown parameter or status, a bad domain or partition
     */
    static IncidentQuery parse(String rawQuery) {
        Map<String, String> given = ListQueries.parameters(rawQuery, PARAMETERS);
        Status status = given.containsKey("status") ? status(given.get("status")) : Status.OPEN;
        String tenant = given.containsKey("tenant") ? ListQueries.nonEmpty("tenant", given.get("tenant")) : null;
        String domain = given.containsKey("domain") ? DomainNames.canonical(given.get("domain")) : null;
        String alertId = given.containsKey("alert_id") ? ListQueries.nonEmpty("alert_id", given.get("alert_id"))
                : null;
        String mx = given.containsKey("mx") ? DomainNames.canonical(given.get("mx")) : null;
        Integer limit = given.containsKey("limit") ? ListQueries.limit(given.get("limit")) : null;
        ListCursor after = given.containsKey("after") ? ListCursor.parse(MostUrgent.INCIDENTS, given.get("after"))
                : null;
        SortedSet<Integer> partitions = given.containsKey("partitions")
                ? ListQueries.partitions(given.get("partitions")) : null;
        return new IncidentQuery(status, tenant, domain, alertId, mx, limit, after, partitions);
    }

    /**
     * Whether an incident at a rank is after the cursor asked, as every incident is when none was: an instance ranks
     * its incidents without building their JSON, and builds that of its page's only.
     */
    Predicate<IncidentRank> followsCursor() {
        if (after == null) {
            return rank -> true;
        }
        IncidentRank cursor = IncidentRank.of(after.key());
        return rank -> IncidentRank.MOST_URGENT_FIRST.compare(cursor, rank) < 0;
    }

    /** Most urgent first, always. */
    @Override
    public ListCursor.Order order() {
        return MostUrgent.INCIDENTS;
    }

    /** The same question limited to one tenant's incidents (a tenant's token asks nothing else). */
    @Override
    public IncidentQuery forTenant(String only) {
        return new IncidentQuery(status, only, domain, alertId, mx, limit, after, partitions);
    }

    /** Whether an incident of {@code policyDomain}, whose tenant is {@code domainTenant} (null: none), is asked for. */
    boolean admits(String policyDomain, String domainTenant, Incident incident) {
        return admits(policyDomain, domainTenant, incident.open(), incident.alertId());
    }

    /** The same for an incident that is {@code open} or resolved, whose alerts carry {@code incidentAlertId}. */
    boolean admits(String policyDomain, String domainTenant, boolean open, String incidentAlertId) {
        return (status == Status.ALL || open == (status == Status.OPEN))
                && (tenant == null || tenant.equals(domainTenant))
                && (domain == null || policyDomain.equals(domain) || policyDomain.endsWith("." + domain))
                && (alertId == null || alertId.equals(incidentAlertId));
    }

    /**
     * Whether an incident whose failures were at {@code receivingMx} (its last anomalous window's MX hosts) is asked
     * for: any, without {@code mx}; else one of them is that host or below it. A reporter that stopped has none.
     */
    boolean admitsMx(List<String> receivingMx) {
        return mx == null || receivingMx.stream().map(DomainNames::hostKey)
                .anyMatch(h -> h.equals(mx) || h.endsWith("." + mx));
    }

    /** The query string that asks another instance the same of {@code theirs}, its partitions. */
    @Override
    public String forPeer(SortedSet<Integer> theirs) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("status", status.code());
        parameters.put("tenant", tenant);
        parameters.put("domain", domain);
        parameters.put("alert_id", alertId);
        parameters.put("mx", mx);
        parameters.put("limit", limit);
        parameters.put("after", after == null ? null : after.encoded());
        return ListQueries.forPeer(parameters, theirs);
    }

    private static Status status(String value) {
        for (Status s : Status.values()) {
            if (s.code().equals(value)) {
                return s;
            }
        }
        throw new IllegalArgumentException("status must be open, resolved or all, not '" + value + "'");
    }
}
