package io.tlsrpt.generate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sender-independent content of one report: its policies with session counts and failure details. The renderers
 * turn it into the JSON and the delivery shape of one sender.
 */
record ReportContent(List<PolicyContent> policies) {

    ReportContent {
        policies = List.copyOf(policies);
    }

    /**
     * One policies[] entry.
     *
     * @param type          sts, tlsa or no-policy-found
     * @param domain        policy-domain or null
     * @param policyStrings policy-string (empty: left out)
     * @param mxHosts       mx-host (empty: left out)
     */
    record PolicyContent(String type, String domain, List<String> policyStrings, List<String> mxHosts,
                         long successful, List<FailureLine> failures) {

        PolicyContent {
            policyStrings = List.copyOf(policyStrings);
            mxHosts = List.copyOf(mxHosts);
            failures = List.copyOf(failures);
        }

        long failed() {
            return failures.stream().mapToLong(FailureLine::count).sum();
        }

        ExpectedReport.ExpectedPolicy expected() {
            Map<String, Long> byType = new LinkedHashMap<>();
            for (FailureLine f : failures) {
                byType.merge(f.resultType(), f.count(), Long::sum);
            }
            return new ExpectedReport.ExpectedPolicy(type, domain, successful, failed(), byType);
        }
    }

    /**
     * One failure-details entry; null fields are left out of the JSON.
     *
     * @param resultType   result-type
     * @param sendingIp    sending-mta-ip
     * @param receivingMx  receiving-mx-hostname
     * @param receivingIp  receiving-ip
     * @param count        failed-session-count (&gt; 0)
     * @param reasonCode   failure-reason-code
     */
    record FailureLine(String resultType, String sendingIp, String receivingMx, String receivingIp, long count,
                       String reasonCode) {

        /** The same line without IPs and host names (as Microsoft sends some of them). */
        FailureLine bare() {
            return new FailureLine(resultType, null, null, null, count, null);
        }
    }
}
