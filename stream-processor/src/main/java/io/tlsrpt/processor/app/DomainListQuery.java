package io.tlsrpt.processor.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.tlsrpt.processor.decode.DomainNames;
import io.tlsrpt.processor.topology.DomainSummaries;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.function.Predicate;

/**
 * What {@code GET /v1/domains} is asked: which domains ({@code tenant}; {@code domain}, that domain and its
 * subdomains; any when absent), over which days ({@code since}, a UTC day: the windows that start then or later;
 * every window kept when absent), in which order ({@code order}: the worst first by default, by name, or the most
 * sessions first), how many at most ({@code limit}), from where ({@code after}, the {@code next} of an earlier answer
 * in the same order) and, between instances only, of which partitions ({@code partitions}).
 */
record DomainListQuery(String tenant, String domain, LocalDate since, Sort sort, Integer limit, ListCursor after,
                       SortedSet<Integer> partitions) implements ListQuery<DomainListQuery> {

    static final Set<String> PARAMETERS = Set.of("tenant", "domain", "since", "order", "limit", "after",
            "partitions");

    /**
     * A domain's place in the list: worst first, the largest failed share, then the largest share under no enforced
     * policy (unknown shares last), then by name, as {@code tlsrpt domains} orders them.
     */
    record Rank(Double failedShare, Double withoutEnforcedPolicyShare, long totalSessions, String policyDomain) {

        static final Comparator<Rank> WORST_FIRST = Comparator
                .comparing(Rank::failedShare, Comparator.nullsLast(Comparator.<Double>reverseOrder()))
                .thenComparing(Rank::withoutEnforcedPolicyShare,
                        Comparator.nullsLast(Comparator.<Double>reverseOrder()))
                .thenComparing(Rank::policyDomain);

        static Rank of(DomainSummaries.Summary summary) {
            return new Rank(summary.failedShare(), summary.withoutEnforcedPolicyShare(), summary.totalSessions(),
                    summary.policyDomain());
        }

        /** Of a list item, or of a cursor's key (its values as text; only the fields of its order). */
        static Rank of(JsonNode item) {
            JsonNode sessions = item.path("total_sessions");
            return new Rank(share(item.path("failed_share")), share(item.path("without_enforced_policy_share")),
                    sessions.isTextual() ? Long.parseLong(sessions.asText()) : sessions.asLong(),
                    item.path("policy_domain").asText());
        }
    }

    /** The orders a list may be asked in ({@code order=}). */
    enum Sort {
        /** Worst first ({@link Rank#WORST_FIRST}): the default, a portal's page of what needs looking at. */
        WORST("worst", List.of("failed_share", "without_enforced_policy_share", "policy_domain"), Rank.WORST_FIRST),
        /** By name: a directory of the domains. */
        NAME("name", List.of("policy_domain"), Comparator.comparing(Rank::policyDomain)),
        /** The most sessions first, then by name: the domains that carry the mail. */
        SESSIONS("sessions", List.of("total_sessions", "policy_domain"),
                Comparator.comparingLong(Rank::totalSessions).reversed().thenComparing(Rank::policyDomain));

        private final String code;
        private final Comparator<Rank> ranks;
        private final ListCursor.Order order;

        Sort(String code, List<String> fields, Comparator<Rank> ranks) {
            this.code = code;
            this.ranks = ranks;
            this.order = new ListCursor.Order(fields, Comparator.comparing(Rank::of, ranks));
        }

        String code() {
            return code;
        }

        /** The order of the domains' ranks, before their JSON is built. */
        Comparator<Rank> ranks() {
            return ranks;
        }

        /** The same over the list's items: the merge of the instances' pages and the cursor's fields. */
        ListCursor.Order order() {
            return order;
        }

        static Sort of(String code) {
            for (Sort sort : values()) {
                if (sort.code.equals(code.trim())) {
                    return sort;
                }
            }
            throw new IllegalArgumentException("order must be worst, name or sessions, not '" + code + "'");
        }
    }

    /** Worst first over the list's items (the default order), for its cursor and the merge of the instances' pages. */
    static final ListCursor.Order WORST_FIRST = Sort.WORST.order();

    /**
     * @throws IllegalArgumentException naming what is wrong: an unknown parameter, a bad domain, day or partition
     */
    static DomainListQuery parse(String rawQuery) {
        Map<String, String> given = ListQueries.parameters(rawQuery, PARAMETERS);
        String tenant = given.containsKey("tenant") ? ListQueries.nonEmpty("tenant", given.get("tenant")) : null;
        String domain = given.containsKey("domain") ? DomainNames.canonical(given.get("domain")) : null;
        LocalDate since = given.containsKey("since") ? day(given.get("since")) : null;
        Sort sort = given.containsKey("order") ? Sort.of(given.get("order")) : Sort.WORST;
        Integer limit = given.containsKey("limit") ? ListQueries.limit(given.get("limit")) : null;
        // a cursor is a place in one order: another order's is refused
        ListCursor after = given.containsKey("after") ? ListCursor.parse(sort.order(), given.get("after")) : null;
        SortedSet<Integer> partitions = given.containsKey("partitions")
                ? ListQueries.partitions(given.get("partitions")) : null;
        return new DomainListQuery(tenant, domain, since, sort, limit, after, partitions);
    }

    /**
     * Whether a domain at a rank is after the cursor asked, as every domain is when none was: an instance ranks its
     * domains without building their JSON, and builds that of its page's only.
     */
    Predicate<Rank> followsCursor() {
        if (after == null) {
            return rank -> true;
        }
        Rank cursor = Rank.of(after.key());
        return rank -> sort.ranks().compare(cursor, rank) < 0;
    }

    /** The order asked: how the instances' pages are merged and what the cursor holds. */
    @Override
    public ListCursor.Order order() {
        return sort.order();
    }

    /** The first instant of the windows asked for: {@code since}'s midnight UTC, or the earliest. */
    Instant from() {
        return since == null ? Instant.EPOCH : since.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** Whether {@code policyDomain}, whose tenant is {@code domainTenant} (null: none), is asked for. */
    boolean admits(String policyDomain, String domainTenant) {
        return (tenant == null || tenant.equals(domainTenant))
                && (domain == null || policyDomain.equals(domain) || policyDomain.endsWith("." + domain));
    }


    /** The same question limited to one tenant's domains (a tenant's token asks nothing else). */
    @Override
    public DomainListQuery forTenant(String only) {
        return new DomainListQuery(only, domain, since, sort, limit, after, partitions);
    }

    /** The query string that asks another instance the same of {@code theirs}, its partitions. */
    @Override
    public String forPeer(SortedSet<Integer> theirs) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("tenant", tenant);
        parameters.put("domain", domain);
        parameters.put("since", since);
        parameters.put("order", sort.code());
        parameters.put("limit", limit);
        parameters.put("after", after == null ? null : after.encoded());
        return ListQueries.forPeer(parameters, theirs);
    }

    private static LocalDate day(String value) {
        try {
            return LocalDate.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("since must be a day, YYYY-MM-DD, not '" + value + "'", e);
        }
    }

    /** A share as a list item or a cursor holds it: a number, or null when not counted. */
    private static Double share(JsonNode node) {
        if (node.isNumber()) {
            return node.asDouble();
        }
        if (node.isTextual() && !node.asText().equals("null") && !node.asText().isEmpty()) {
            return Double.parseDouble(node.asText());
        }
        return null;
    }
}
