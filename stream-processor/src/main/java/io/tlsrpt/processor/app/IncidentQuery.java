package io.tlsrpt.processor.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.tlsrpt.processor.decode.DomainNames;
import io.tlsrpt.processor.detect.Incident;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What {@code GET /v1/incidents} is asked: which incidents ({@code status}: {@code open}, the default, {@code resolved}
 * or {@code all}), of which tenant ({@code tenant}, any when absent), of which domain and its subdomains
 * ({@code domain}), how many of the most urgent at most ({@code limit}, all when absent), from where ({@code after}:
 * the {@code next} of an earlier answer, {@link IncidentCursor}; from the most urgent when absent), and, between
 * instances only, of which partitions of the incident store ({@code partitions}).
 */
record IncidentQuery(Status status, String tenant, String domain, Integer limit, IncidentCursor after,
                     SortedSet<Integer> partitions) {

    /** The most a {@code limit} may ask: a page a portal or a terminal shows, not a way round the whole list. */
    static final int MAX_LIMIT = 10_000;

    enum Status {
        OPEN, RESOLVED, ALL;

        String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static final Set<String> PARAMETERS = Set.of("status", "tenant", "domain", "limit", "after",
            "partitions");

    /**
     * @param rawQuery the request URI's raw query, null for none
     * @throws IllegalArgumentException naming what is wrong: an unknown parameter or status, a bad domain or partition
     */
    static IncidentQuery parse(String rawQuery) {
        Status status = Status.OPEN;
        String tenant = null;
        String domain = null;
        Integer limit = null;
        IncidentCursor after = null;
        SortedSet<Integer> partitions = null;
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                switch (name) {
                    case "status" -> status = status(value);
                    case "tenant" -> tenant = nonEmpty(name, value);
                    case "domain" -> domain = DomainNames.canonical(value);
                    case "limit" -> limit = limit(value);
                    case "after" -> after = IncidentCursor.parse(value);
                    case "partitions" -> partitions = partitions(value);
                    default -> throw new IllegalArgumentException("unknown parameter '" + name + "': " + PARAMETERS
                            .stream().sorted().toList() + " are known");
                }
            }
        }
        return new IncidentQuery(status, tenant, domain, limit, after, partitions);
    }

    /**
     * The limit asked, or {@link #MAX_LIMIT} when none was: an answer lists at most that many (the most urgent) and
     * counts them all, so that an outage of many domains cannot make one answer as large as the outage.
     */
    int effectiveLimit() {
        return limit == null ? MAX_LIMIT : limit;
    }

    /** Whether {@code incident} is after the cursor asked ({@code after}), as every incident is when none was. */
    boolean follows(JsonNode incident) {
        return after == null || after.precedes(incident);
    }

    /** The same question limited to one tenant's incidents (a tenant's token asks nothing else). */
    IncidentQuery forTenant(String only) {
        return new IncidentQuery(status, only, domain, limit, after, partitions);
    }

    /** Whether an incident of {@code policyDomain}, whose tenant is {@code domainTenant} (null: none), is asked for. */
    boolean admits(String policyDomain, String domainTenant, Incident incident) {
        return admits(policyDomain, domainTenant, incident.open());
    }

    /** The same for an incident that is {@code open} or resolved. */
    boolean admits(String policyDomain, String domainTenant, boolean open) {
        return (status == Status.ALL || open == (status == Status.OPEN))
                && (tenant == null || tenant.equals(domainTenant))
                && (domain == null || policyDomain.equals(domain) || policyDomain.endsWith("." + domain));
    }

    /** The query string that asks another instance the same of {@code theirs}, its partitions. */
    String forPeer(SortedSet<Integer> theirs) {
        List<String> pairs = new ArrayList<>();
        pairs.add("status=" + status.code());
        if (tenant != null) {
            pairs.add("tenant=" + URLEncoder.encode(tenant, StandardCharsets.UTF_8));
        }
        if (domain != null) {
            pairs.add("domain=" + URLEncoder.encode(domain, StandardCharsets.UTF_8));
        }
        if (limit != null) {
            pairs.add("limit=" + limit);
        }
        if (after != null) {
            pairs.add("after=" + after.encoded());
        }
        pairs.add("partitions=" + String.join(",", theirs.stream().map(String::valueOf).toList()));
        return String.join("&", pairs);
    }

    private static Status status(String value) {
        for (Status s : Status.values()) {
            if (s.code().equals(value)) {
                return s;
            }
        }
        throw new IllegalArgumentException("status must be open, resolved or all, not '" + value + "'");
    }

    private static String nonEmpty(String name, String value) {
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " is empty");
        }
        return value;
    }

    private static int limit(String value) {
        String wrong = "limit must be a number from 1 to " + MAX_LIMIT + ", not '" + value + "'";
        int limit;
        try {
            limit = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(wrong, e);
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException(wrong);
        }
        return limit;
    }

    private static SortedSet<Integer> partitions(String value) {
        SortedSet<Integer> partitions = new TreeSet<>();
        for (String p : value.split(",")) {
            try {
                int partition = Integer.parseInt(p.trim());
                if (partition < 0) {
                    throw new NumberFormatException();
                }
                partitions.add(partition);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("partitions must list partition numbers, not '" + value + "'", e);
            }
        }
        return partitions;
    }
}
