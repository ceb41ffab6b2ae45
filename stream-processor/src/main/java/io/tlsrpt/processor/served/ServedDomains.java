package io.tlsrpt.processor.served;

import io.tlsrpt.processor.decode.DomainNames;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The policy domains this installation receives TLS-RPT reports for. An entry {@code example.com} serves that
 * domain only; {@code *.example.com} serves every name below it (not {@code example.com} itself: list both for
 * both). Entries are compared as the decoder writes policy domains: lower-case A-labels without a trailing dot, so
 * {@code Bücher.Example.} and {@code xn--bcher-kva.example} are one entry. An empty list serves every domain (the
 * default: nothing is turned away).
 */
public final class ServedDomains {

    /** Serves every domain: no list was given. */
    public static final ServedDomains ALL = new ServedDomains(Set.of(), Set.of());

    private static final String WILDCARD = "*.";

    private final Set<String> exact;
    /** The parents of the wildcard entries ({@code example.com} for {@code *.example.com}). */
    private final Set<String> below;

    private ServedDomains(Set<String> exact, Set<String> below) {
        this.exact = exact;
        this.below = below;
    }

    /**
     * The list of these entries (blank ones are ignored).
     *
     * @throws IllegalArgumentException naming every entry that is not a domain name or a {@code *.} wildcard of one
     */
    public static ServedDomains of(Collection<String> entries) {
        Set<String> exact = new HashSet<>();
        Set<String> below = new HashSet<>();
        List<String> problems = new ArrayList<>();
        for (String entry : entries) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            try {
                if (e.startsWith(WILDCARD)) {
                    below.add(DomainNames.canonical(e.substring(WILDCARD.length())));
                } else {
                    exact.add(DomainNames.canonical(e));
                }
            } catch (IllegalArgumentException ex) {
                problems.add(ex.getMessage() + (e.contains("*") ? " (a wildcard is '*.' before a domain)" : ""));
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return exact.isEmpty() && below.isEmpty() ? ALL : new ServedDomains(Set.copyOf(exact), Set.copyOf(below));
    }

    /** Entries separated by commas or white space, as in {@code served.domains}. */
    public static ServedDomains parse(String list) {
        return of(List.of(list.split("[,\\s]+")));
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
        return new ServedDomains(Set.copyOf(e), Set.copyOf(b));
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

    /** How many entries the list has (0: every domain is served). */
    public int size() {
        return exact.size() + below.size();
    }

    @Override
    public String toString() {
        return servesAll() ? "every domain" : exact.size() + " domain(s) and " + below.size() + " wildcard(s)";
    }
}
