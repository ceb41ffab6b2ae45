package io.tlsrpt.cli.alerts;

import io.tlsrpt.cli.PolicyDomains;
import io.tlsrpt.notify.AlertRecord;
import java.time.Instant;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which alerts the command shows. Empty sets match everything. A domain matches itself and its subdomains (a
 * provider asks for {@code example.com} and sees {@code mail.example.com} too); kinds and severities match exactly;
 * {@code since} keeps alerts detected at or after it (an alert without a detection time is not kept by it); tenants
 * match exactly (an alert whose domain has no tenant matches none); an MX host matches the alerts whose failures were
 * at it or at a host below it ({@code provider.example} for {@code mx1.provider.example}), and the later events of
 * their incidents (a resolution, whose window failed at no host, names none). Events are judged in offset order.
 */
final class AlertFilter {
    private final Set<String> domains;
    private final Set<String> kinds;
    private final Set<String> severities;
    private final Instant since;
    private final Set<String> tenants;
    private final Set<String> mxHosts;
    /** The incidents an event of which matched by its MX hosts. */
    private final Set<String> incidentsAtMx = new HashSet<>();

    AlertFilter(Set<String> domains, Set<String> kinds, Set<String> severities, Instant since, Set<String> tenants) {
        this(domains, kinds, severities, since, tenants, Set.of());
    }

    AlertFilter(Set<String> domains, Set<String> kinds, Set<String> severities, Instant since, Set<String> tenants,
                Set<String> mxHosts) {
        this.domains = PolicyDomains.normalised(domains);
        this.kinds = kinds.stream().map(k -> k.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        this.severities = severities.stream().map(k -> k.toLowerCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet());
        this.since = since;
        this.tenants = Set.copyOf(tenants);
        this.mxHosts = PolicyDomains.normalised(mxHosts);
    }

    boolean matches(AlertRecord alert) {
        // first, whatever the other filters say: an incident that fired at the host before --since (or under
        // another kind or severity) is still known by the time its resolution, which names no host, comes
        boolean atMx = atWantedMx(alert);
        return atMx && PolicyDomains.matches(alert.policyDomain(), domains)
            && (kinds.isEmpty() || kinds.contains(alert.kind().toLowerCase(Locale.ROOT)))
            && (severities.isEmpty() || severities.contains(alert.severity()))
            && (since == null || alert.detectedAt() != null && !alert.detectedAt().isBefore(since))
            && (tenants.isEmpty() || tenants.contains(alert.tenant()));
    }

    private boolean atWantedMx(AlertRecord alert) {
        if (mxHosts.isEmpty()) {
            return true;
        }
        if (alert.topReceivingMx().stream().anyMatch(mx -> PolicyDomains.matches(mx, mxHosts))) {
            incidentsAtMx.add(alert.alertId());
            return true;
        }
        return incidentsAtMx.contains(alert.alertId());
    }
}
