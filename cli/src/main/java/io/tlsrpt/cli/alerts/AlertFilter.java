package io.tlsrpt.cli.alerts;

import io.tlsrpt.cli.PolicyDomains;
import io.tlsrpt.notify.AlertRecord;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which alerts the command shows. Empty sets match everything. A domain matches itself and its subdomains (a
 * provider asks for {@code example.com} and sees {@code mail.example.com} too); kinds and severities match exactly;
 * {@code since} keeps alerts detected at or after it (an alert without a detection time is not kept by it); tenants
 * match exactly (an alert whose domain has no tenant matches none).
 */
record AlertFilter(Set<String> domains, Set<String> kinds, Set<String> severities, Instant since,
                   Set<String> tenants) {

    AlertFilter {
        tenants = Set.copyOf(tenants);
        domains = PolicyDomains.normalised(domains);
        kinds = kinds.stream().map(k -> k.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        severities = severities.stream().map(k -> k.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    boolean matches(AlertRecord alert) {
        return PolicyDomains.matches(alert.policyDomain(), domains)
            && (kinds.isEmpty() || kinds.contains(alert.kind().toLowerCase(Locale.ROOT)))
            && (severities.isEmpty() || severities.contains(alert.severity()))
            && (since == null || alert.detectedAt() != null && !alert.detectedAt().isBefore(since))
            && (tenants.isEmpty() || tenants.contains(alert.tenant()));
    }
}
