package io.tlsrpt.cli.reports;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.tlsrpt.cli.PolicyDomains;
import io.tlsrpt.schema.FailureDetail;

/**
 * The failure details of the shown reports summed by result type and receiving MX host across policy domains: a
 * provider's MX host shared by many customer domains that fails for all of them (its certificate expired) is one line
 * naming the domains, where {@link FailureGroup} gives one per domain and address.
 */
final class MxHostGroup {

    /**
     * What the details are grouped by: the host, or the address when the senders named only that (a detail of
     * {@code --mx 192.0.2.25}); null when they named neither.
     */
    record Key(String resultType, String receivingMx) {
    }

    private final Key key;
    private final FailureTally tally = new FailureTally();
    private final Map<String, Long> domains = new HashMap<>();

    private MxHostGroup(Key key) {
        this.key = key;
    }

    /** The groups of the rows' details, the most failed sessions first (then by host and type). */
    static List<MxHostGroup> of(List<ReportRow> rows) {
        Map<Key, MxHostGroup> groups = new LinkedHashMap<>();
        for (ReportRow row : rows) {
            for (FailureDetail detail : row.details()) {
                String host = detail.getReceivingMxHostname();
                Key key = new Key(detail.getResultType(), host != null ? PolicyDomains.normalised(host)
                    : detail.getReceivingIp() == null ? null : ReportSelection.address(detail.getReceivingIp()));
                groups.computeIfAbsent(key, MxHostGroup::new).add(row, detail);
            }
        }
        List<MxHostGroup> sorted = new ArrayList<>(groups.values());
        sorted.sort(Comparator.comparingLong(MxHostGroup::failedSessions).reversed()
            .thenComparing(g -> g.key.receivingMx() == null ? "" : g.key.receivingMx())
            .thenComparing(g -> g.key.resultType()));
        return sorted;
    }

    private void add(ReportRow row, FailureDetail detail) {
        tally.add(row, detail.getFailedSessions());
        domains.merge(row.policyDomain(), detail.getFailedSessions(), Long::sum);
    }

    Key key() {
        return key;
    }

    long failedSessions() {
        return tally.failedSessions();
    }

    /** The policy domains that failed there, the most failed sessions first (then by name). */
    List<Map.Entry<String, Long>> domains() {
        return domains.entrySet().stream()
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
            .toList();
    }

    /** The failed sessions, reports, reporters and days of the group. */
    FailureTally tally() {
        return tally;
    }
}
