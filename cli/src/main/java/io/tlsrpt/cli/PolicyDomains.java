package io.tlsrpt.cli;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** How the commands' {@code --domain} options match policy domains: the domain itself and its subdomains. */
public final class PolicyDomains {

    private PolicyDomains() {
    }

    /** Lower case, without a trailing dot. */
    public static String normalised(String domain) {
        String d = domain.trim().toLowerCase(Locale.ROOT);
        return d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
    }

    /** The wanted domains, normalised. */
    public static Set<String> normalised(Set<String> domains) {
        return domains.stream().map(PolicyDomains::normalised).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * Whether {@code policyDomain} is one of {@code wanted} (normalised) or a subdomain of one: a provider asks for
     * {@code example.com} and sees {@code mail.example.com} too. An empty set matches everything.
     */
    public static boolean matches(String policyDomain, Set<String> wanted) {
        if (wanted.isEmpty()) {
            return true;
        }
        String d = normalised(policyDomain);
        for (String w : wanted) {
            if (d.equals(w) || d.endsWith("." + w)) {
                return true;
            }
        }
        return false;
    }
}
