package io.tlsrpt.cli.reports;

import java.time.Instant;
import java.util.List;

import io.tlsrpt.schema.FailureDetail;

/**
 * One policy of one report, as {@code tlsrpt reports} shows it: who reported which policy domain for which day,
 * its sessions and its failure details (only those of the asked result type, when one was asked).
 *
 * @param mode       the MTA-STS policy's mode ({@code enforce}, {@code testing}, {@code none}), null for other types
 *                   or a policy reported without its lines
 * @param source     where the report came in ({@code https}, {@code imap}, {@code spool}, {@code cli}), null if unknown
 * @param receivedAt when it came in, null if unknown
 */
record ReportRow(String policyDomain, String reporter, String reportId, Instant start, Instant end,
                 String policyType, String mode, List<String> mxHosts, long successfulSessions,
                 long failedSessions, List<FailureDetail> details, String source, Instant receivedAt) {

    ReportRow {
        mxHosts = List.copyOf(mxHosts);
        details = List.copyOf(details);
    }

    /** The policy as a reader names it: {@code sts enforce}, {@code tlsa}, {@code no-policy-found}. */
    String policy() {
        return mode == null ? policyType : policyType + " " + mode;
    }

    long sessions() {
        return successfulSessions + failedSessions;
    }
}
