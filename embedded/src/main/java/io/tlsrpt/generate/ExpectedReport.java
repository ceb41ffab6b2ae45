package io.tlsrpt.generate;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * The facts a generated report carries, independent of its encoding: what a correct decoder must find in it.
 *
 * @param organizationName the JSON organization-name
 * @param reportId         the JSON report-id
 * @param day              the UTC day the report covers
 * @param dayNumber        1-based index of that day in the generated period
 * @param policies         the policies, in JSON order
 */
public record ExpectedReport(String organizationName, String reportId, LocalDate day, int dayNumber,
                             List<ExpectedPolicy> policies) {

    public ExpectedReport {
        policies = List.copyOf(policies);
    }

    /** Sum of failed sessions over every policy. */
    public long failedSessions() {
        return policies.stream().mapToLong(ExpectedPolicy::failed).sum();
    }

    /** Sum of successful sessions over every policy. */
    public long successfulSessions() {
        return policies.stream().mapToLong(ExpectedPolicy::successful).sum();
    }

    /**
     * One policies[] entry.
     *
     * @param type               sts, tlsa or no-policy-found
     * @param domain             policy-domain, null where the sender leaves it out
     * @param successful         total-successful-session-count
     * @param failed             total-failure-session-count
     * @param failedByResultType failed sessions per result-type, summed over the failure details
     */
    public record ExpectedPolicy(String type, String domain, long successful, long failed,
                                 Map<String, Long> failedByResultType) {
        public ExpectedPolicy {
            failedByResultType = Map.copyOf(failedByResultType);
        }
    }
}
