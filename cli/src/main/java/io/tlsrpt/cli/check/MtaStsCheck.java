package io.tlsrpt.cli.check;

import java.util.List;

/**
 * The MTA-STS posture of a domain.
 *
 * @param status enforce, testing, none (a valid policy in that mode), missing (no _mta-sts record), invalid (the
 *               record or the policy is broken: senders apply no policy), fetch-error (the policy could not be
 *               fetched), dns-error
 * @param txtRecords the TXT records at {@code _mta-sts.<domain>}
 * @param id the policy id from the TXT record
 * @param policyUrl where the policy is fetched from
 * @param policyText the policy file as served (null when not fetched)
 * @param policy the parsed policy (null when not fetched)
 * @param mxCoverage which policy pattern covers each MX host (pattern null: not covered)
 * @param meaning what this means for the reports the domain will receive
 * @param fetchFailure when the policy could not be fetched or used, the result type a sender would report
 *                     ({@code sts-policy-fetch-error}, {@code sts-webpki-invalid}, {@code sts-policy-invalid});
 *                     null otherwise
 * @param fetchUnanswered the policy fetch got no HTTP answer at all (connection refused, timeout, the host not
 *                        found): the server may be down, or the path from this machine to it broken
 */
public record MtaStsCheck(String status, List<TxtRecords> txtRecords, String id, String policyUrl, String policyText,
                          MtaStsPolicy policy, List<MxCoverage> mxCoverage, List<Finding> errors,
                          List<Finding> warnings, String meaning,
                          String fetchFailure, boolean fetchUnanswered) {

    /** One MX host and the policy pattern matching it, or null. */
    public record MxCoverage(String host, String pattern) {
    }

    public MtaStsCheck {
        txtRecords = List.copyOf(txtRecords);
        mxCoverage = List.copyOf(mxCoverage);
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
    }
}
