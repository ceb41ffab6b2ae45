package io.tlsrpt.processor.served;

import io.tlsrpt.processor.decode.DomainNames;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The policy domains this installation receives TLS-RPT reports for. An entry {@code example.com} serves that
 * domain only; {@code *.example.com} serves every name below it (not {@code example.com} itself: list both for
 * both). Entries are compared as the decoder writes policy domains: lower-case A-labels without a trailing dot, so
 * {@code Bücher.Example.} and {@code xn--bcher-kva.example} are one entry. An empty list serves every domain (the
 * default: nothing is turned away).
 *
 * <p>An entry may name the tenant it belongs to: {@code example.com tenant=acme} (a provider's customer, or the team
 * that owns the domain). The alerts about its policy domains carry it, so that Alertmanager routes them and a SIEM
 * filters them by tenant without a rule per domain. A domain listed exactly takes its entry's tenant; otherwise, or
 * when that entry names none, the nearest wildcard entry above it that names one.
 */
public final class ServedDomains {

    /** Serves every domain: no list was given. */
    public static final ServedDomains ALL = new ServedDomains(Set.of(), Set.of(), Map.of(), Map.of());

    private static final String WILDCARD = "*.";
    private static final String TENANT = "tenant=";
    /** What a tenant may be: a label value every consumer (Alertmanager, a SIEM, a file name) takes as it is. */
    private static final Pattern TENANT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final Set<String> exact;
    /** The parents of the wildcard entries ({@code example.com} for {@code *.example.com}). */
    private final Set<String> below;
    /** The tenants of the exact entries that name one. */
    private final Map<String, String> exactTenants;
    /** The tenants of the wildcard entries that name one, by parent. */
    private final Map<String, String> belowTenants;

    private ServedDomains(Set<String> exact, Set<String> below, Map<String, String> exactTenants,
                          Map<String, String> belowTenants) {
        this.exact = exact;
        this.below = below;
        this.exactTenants = exactTenants;
        this.belowTenants = belowTenants;
    }

    /**
     * The list of these entries (blank ones are ignored). An entry is a domain or a {@code *.} wildcard, optionally
     * followed by white space and {@code tenant=NAME}.
     *
     * @throws IllegalArgumentException naming every entry that is not a domain name or a {@code *.} wildcard of one,
     *                                  has a bad tenant, or names another tenant than an earlier entry of the same name
     */
    public static ServedDomains of(Collection<String> entries) {
        Set<String> exact = new HashSet<>();
        Set<String> below = new HashSet<>();
        Map<String, String> exactTenants = new HashMap<>();
        Map<String, String> belowTenants = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (String entry : entries) {
            String[] parts = entry.trim().split("\\s+");
            String e = parts[0];
            if (e.isEmpty()) {
                continue;
            }
            try {
                String tenant = tenant(parts);
                boolean wildcard = e.startsWith(WILDCARD);
                String name = DomainNames.canonical(wildcard ? e.substring(WILDCARD.length()) : e);
                (wildcard ? below : exact).add(name);
                if (tenant != null) {
                    String earlier = (wildcard ? belowTenants : exactTenants).putIfAbsent(name, tenant);
                    if (earlier != null && !earlier.equals(tenant)) {
                        throw new IllegalArgumentException("'" + e + "' is listed for tenants " + earlier + " and "
                                + tenant);
                    }
                }
            } catch (IllegalArgumentException ex) {
                problems.add(ex.getMessage() + (e.contains("*") ? " (a wildcard is '*.' before a domain)" : ""));
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return exact.isEmpty() && below.isEmpty() ? ALL : new ServedDomains(Set.copyOf(exact), Set.copyOf(below),
                Map.copyOf(exactTenants), Map.copyOf(belowTenants));
    }

    /** The tenant an entry's further words name, or null for none. */
    private static String tenant(String[] parts) {
        if (parts.length == 1) {
            return null;
        }
        if (parts.length > 2 || !parts[1].startsWith(TENANT)) {
            throw new IllegalArgumentException("not a domain name: '" + String.join(" ", parts)
                    + "' (after a domain only 'tenant=NAME' may follow)");
        }
        String tenant = parts[1].substring(TENANT.length());
        if (!isTenantName(tenant)) {
            throw new IllegalArgumentException("not a tenant name (letters, digits, '.', '_', '-', at most 64, "
                    + "beginning with a letter or digit): '" + tenant + "'");
        }
        return tenant;
    }

    /** Entries separated by commas or white space, as in {@code served.domains}. */
    public static ServedDomains parse(String list) {
        List<String> entries = List.of(list.split("[,\\s]+"));
        if (entries.stream().anyMatch(e -> e.startsWith(TENANT))) {
            throw new IllegalArgumentException("a tenant is named in served.domains.file only ('DOMAIN tenant=NAME' "
                    + "on a line)");
        }
        return of(entries);
    }

    /** Both lists together; {@link #ALL} only when both are. */
    public ServedDomains and(ServedDomains other) {
        if (servesAll()) {
            return other;
        }
        if (other.servesAll()) {
            return this;
        }
        Set<String> e = new HashSet<>(exact);
        e.addAll(other.exact);
        Set<String> b = new HashSet<>(below);
        b.addAll(other.below);
        Map<String, String> et = new HashMap<>(exactTenants);
        other.exactTenants.forEach(et::putIfAbsent);
        Map<String, String> bt = new HashMap<>(belowTenants);
        other.belowTenants.forEach(bt::putIfAbsent);
        return new ServedDomains(Set.copyOf(e), Set.copyOf(b), Map.copyOf(et), Map.copyOf(bt));
    }

    /** Whether {@code name} may be a tenant's: what every consumer (Alertmanager, a SIEM, a file name) takes as is. */
    public static boolean isTenantName(String name) {
        return TENANT_NAME.matcher(name).matches();
    }

    /** True when no list was given: every domain is served. */
    public boolean servesAll() {
        return exact.isEmpty() && below.isEmpty();
    }

    /**
     * Whether reports about {@code policyDomain} (as the decoder normalised it) are for this installation. A name
     * that is served neither exactly nor below a wildcard entry is not; walks up the labels, so the cost is a few
     * set lookups whatever the size of the list.
     */
    public boolean serves(String policyDomain) {
        if (servesAll()) {
            return true;
        }
        if (policyDomain == null || policyDomain.isEmpty()) {
            return false;
        }
        if (exact.contains(policyDomain)) {
            return true;
        }
        if (below.isEmpty()) {
            return false;
        }
        for (int dot = policyDomain.indexOf('.'); dot >= 0; dot = policyDomain.indexOf('.', dot + 1)) {
            if (below.contains(policyDomain.substring(dot + 1))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The tenant of {@code policyDomain} (as the decoder normalised it): its exact entry's, else the nearest wildcard
     * entry's above it that names one; null when no entry names one. A few map lookups, whatever the list's size.
     */
    public String tenantOf(String policyDomain) {
        if (policyDomain == null || (exactTenants.isEmpty() && belowTenants.isEmpty())) {
            return null;
        }
        String tenant = exactTenants.get(policyDomain);
        if (tenant != null || belowTenants.isEmpty()) {
            return tenant;
        }
        for (int dot = policyDomain.indexOf('.'); dot >= 0; dot = policyDomain.indexOf('.', dot + 1)) {
            tenant = belowTenants.get(policyDomain.substring(dot + 1));
            if (tenant != null) {
                return tenant;
            }
        }
        return null;
    }

    /** How many entries name a tenant. */
    /** The domains listed by name (not the {@code *.} wildcards, whose names no list holds), sorted. */
    public java.util.SortedSet<String> exactDomains() {
        return java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(exact));
    }

    public int tenantEntries() {
        return exactTenants.size() + belowTenants.size();
    }

    /** How many entries the list has (0: every domain is served). */
    public int size() {
        return exact.size() + below.size();
    }

    @Override
    public String toString() {
        return servesAll() ? "every domain" : exact.size() + " domain(s) and " + below.size() + " wildcard(s)"
                + (tenantEntries() == 0 ? "" : ", " + tenantEntries() + " with a tenant");
    }
}
