package io.tlsrpt.cli.reports;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.tlsrpt.cli.PolicyDomains;
import io.tlsrpt.schema.FailureDetail;

/**
 * The failure details of the shown reports, summed by what on call acts on: the policy domain, the result type and the
 * receiving MX host and address. Keeps the days, the reports, the reporters, the sending MTAs (by failed sessions) and
 * the distinct reason codes and additional information that the senders gave.
 */
final class FailureGroup {

    /** The most distinct reasons kept per group: a sender that puts a session id in each line would fill the screen. */
    static final int MAX_REASONS = 5;

    /** What the details are grouped by; a null field was not reported. */
    record Key(String policyDomain, String resultType, String receivingMx, String receivingIp) {
    }

    private final Key key;
    private final FailureTally tally = new FailureTally();
    private final Map<String, Long> sendingIps = new HashMap<>();
    private final Set<String> reasons = new LinkedHashSet<>();
    private int reasonsLeftOut;

    private FailureGroup(Key key) {
        this.key = key;
    }

    /** The groups of the rows' details, the most failed sessions first (then by domain, type and host). */
    static List<FailureGroup> of(List<ReportRow> rows) {
        Map<Key, FailureGroup> groups = new LinkedHashMap<>();
        for (ReportRow row : rows) {
            for (FailureDetail detail : row.details()) {
                Key key = new Key(row.policyDomain(), detail.getResultType(), lower(detail.getReceivingMxHostname()),
                    detail.getReceivingIp());
                groups.computeIfAbsent(key, FailureGroup::new).add(row, detail);
            }
        }
        List<FailureGroup> sorted = new ArrayList<>(groups.values());
        sorted.sort(Comparator.comparingLong(FailureGroup::failedSessions).reversed()
            .thenComparing(g -> g.key.policyDomain())
            .thenComparing(g -> g.key.resultType())
            .thenComparing(g -> Objects.toString(g.key.receivingMx(), ""))
            .thenComparing(g -> Objects.toString(g.key.receivingIp(), "")));
        return sorted;
    }

    private void add(ReportRow row, FailureDetail detail) {
        tally.add(row, detail.getFailedSessions());
        if (detail.getSendingMtaIp() != null) {
            sendingIps.merge(detail.getSendingMtaIp(), detail.getFailedSessions(), Long::sum);
        }
        if (!key.resultType().equals(detail.getFailureReasonCode())) {   // a code that repeats the type says nothing
            addReason(detail.getFailureReasonCode());
        }
        addReason(detail.getAdditionalInformation());
    }

    private void addReason(String reason) {
        if (reason == null || reason.isBlank() || reasons.contains(reason.strip())) {
            return;
        }
        if (reasons.size() < MAX_REASONS) {
            reasons.add(reason.strip());
        } else {
            reasonsLeftOut++;
        }
    }

    private static String lower(String host) {
        return host == null ? null : PolicyDomains.normalised(host);
    }

    Key key() {
        return key;
    }

    long failedSessions() {
        return tally.failedSessions();
    }

    /** How many reports (reporter and report id) have details in this group. */
    int reports() {
        return tally.reports();
    }

    Set<String> reporters() {
        return tally.reporters();
    }

    /** The sending MTAs' addresses, the most failed sessions first. */
    List<Map.Entry<String, Long>> sendingIps() {
        return sendingIps.entrySet().stream()
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
            .toList();
    }

    /** The distinct failure reason codes and additional information, in the order first met, at most {@link #MAX_REASONS}. */
    Set<String> reasons() {
        return reasons;
    }

    /** How many further distinct reasons were not kept. */
    int reasonsLeftOut() {
        return reasonsLeftOut;
    }

    LocalDate firstDay() {
        return tally.firstDay();
    }

    LocalDate lastDay() {
        return tally.lastDay();
    }
}
