package io.tlsrpt.cli.reports;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import io.tlsrpt.cli.PolicyDomains;
import io.tlsrpt.net.ClientAddresses;
import io.tlsrpt.processor.detect.PolicyEnforcement;
import io.tlsrpt.schema.FailureDetail;
import io.tlsrpt.schema.Policy;
import io.tlsrpt.schema.Provenance;
import io.tlsrpt.schema.TlsReport;

/**
 * Which policies of which reports {@code tlsrpt reports} shows: those of the wanted policy domains (and their
 * subdomains; all when empty) in reports whose window starts in [{@code from}, {@code until}), from a reporter whose
 * name contains one of {@code reporters} (any case; all when empty), and, when {@code resultType} or {@code mxHosts}
 * is given, only the policies with failure details of that type at one of those receiving MX hosts (a host, a parent
 * domain of hosts, or an address), with only those details.
 */
record ReportSelection(Set<String> domains, Instant from, Instant until, Set<String> reporters, String resultType,
                       Set<String> mxHosts) {

    ReportSelection(Set<String> domains, Instant from, Instant until, Set<String> reporters, String resultType) {
        this(domains, from, until, reporters, resultType, Set.of());
    }

    ReportSelection {
        domains = PolicyDomains.normalised(domains);
        mxHosts = PolicyDomains.normalised(mxHosts).stream().map(ReportSelection::address)
            .collect(Collectors.toUnmodifiableSet());
        reporters = reporters.stream().map(r -> r.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        resultType = resultType == null ? null : resultType.strip().toLowerCase(Locale.ROOT);
    }

    /** The rows of {@code report} this selection shows, in the report's order of policies; empty for none. */
    List<ReportRow> rows(TlsReport report) {
        if (report.getStart().isBefore(from) || !report.getStart().isBefore(until) || !fromWantedReporter(report)) {
            return List.of();
        }
        List<ReportRow> rows = new ArrayList<>();
        Provenance provenance = report.getProvenance();
        for (Policy policy : report.getPolicies()) {
            // a no-policy-found policy may name no domain: it belongs to none that can be asked for
            if (policy.getPolicyDomain() == null || !PolicyDomains.matches(policy.getPolicyDomain(), domains)) {
                continue;
            }
            List<FailureDetail> details = policy.getFailureDetails().stream()
                .filter(d -> resultType == null || resultType.equals(d.getResultType()))
                .filter(this::atWantedMx)
                .toList();
            if ((resultType != null || !mxHosts.isEmpty()) && details.isEmpty()) {
                continue;
            }
            String type = policy.getPolicyType();
            rows.add(new ReportRow(PolicyDomains.normalised(policy.getPolicyDomain()), report.getOrganizationName(),
                report.getReportId(), report.getStart(), report.getEnd(), type,
                "sts".equalsIgnoreCase(type) ? PolicyEnforcement.stsMode(policy.getPolicyStrings()) : null,
                policy.getMxHosts(), policy.getSuccessfulSessions(), policy.getFailedSessions(), details,
                provenance == null ? null : provenance.getSource(),
                provenance == null ? null : provenance.getReceivedAt()));
        }
        return rows;
    }

    private boolean atWantedMx(FailureDetail detail) {
        return mxHosts.isEmpty()
            || detail.getReceivingMxHostname() != null
                && PolicyDomains.matches(detail.getReceivingMxHostname(), mxHosts)
            || detail.getReceivingIp() != null && mxHosts.contains(address(detail.getReceivingIp()));
    }

    /**
     * An address in one spelling, to compare and group by: {@code 2001:DB8::25} and {@code 2001:db8:0::25} are
     * {@code 2001:db8:0:0:0:0:0:25}; text that is no address literal in lower case.
     */
    static String address(String text) {
        InetAddress address = ClientAddresses.literal(text.strip());
        return address == null ? text.strip().toLowerCase(Locale.ROOT) : address.getHostAddress();
    }

    private boolean fromWantedReporter(TlsReport report) {
        if (reporters.isEmpty()) {
            return true;
        }
        String name = report.getOrganizationName().toLowerCase(Locale.ROOT);
        return reporters.stream().anyMatch(name::contains);
    }
}
