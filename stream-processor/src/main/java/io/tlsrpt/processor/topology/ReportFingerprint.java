package io.tlsrpt.processor.topology;

import io.tlsrpt.processor.decode.Sha256;
import io.tlsrpt.schema.FailureDetail;
import io.tlsrpt.schema.Policy;
import io.tlsrpt.schema.TlsReport;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * What a report says, as a SHA-256: its policies with their counts and failure details, in an order-free canonical
 * form. Every copy of one report (a retry, the same report by mail and by HTTPS) has the same fingerprint; the
 * provenance, the deviations and the contact do not count, since they differ between copies of one report. Two
 * reports with one dedup key (organisation, report-id, date range) but different fingerprints are two reports: a
 * forgery sent first under a sender's predictable report-id, or a sender that reissued a report with other counts.
 */
final class ReportFingerprint {

    /** Bytes of a fingerprint. */
    static final int LENGTH = 32;

    // separators for reading; each field's length before it is what makes the form unambiguous
    private static final char FIELD = '\u001f';
    private static final char RECORD = '\u001e';

    private ReportFingerprint() {
    }

    static byte[] of(TlsReport report) {
        List<String> policies = new ArrayList<>(report.getPolicies().size());
        for (Policy policy : report.getPolicies()) {
            policies.add(canonical(policy));
        }
        Collections.sort(policies);
        MessageDigest sha256 = Sha256.digest();
        for (String policy : policies) {
            sha256.update(policy.getBytes(StandardCharsets.UTF_8));
            sha256.update((byte) RECORD);
        }
        return sha256.digest();
    }

    private static String canonical(Policy policy) {
        StringBuilder s = new StringBuilder(128);
        field(s, policy.getPolicyType());
        String domain = policy.getPolicyDomain();
        field(s, domain == null ? null : domain.toLowerCase(Locale.ROOT));
        s.append(policy.getSuccessfulSessions()).append(FIELD).append(policy.getFailedSessions()).append(FIELD);
        sortedFields(s, policy.getPolicyStrings());
        sortedFields(s, policy.getMxHosts());
        List<String> details = new ArrayList<>(policy.getFailureDetails().size());
        for (FailureDetail d : policy.getFailureDetails()) {
            StringBuilder detail = new StringBuilder(96);
            field(detail, d.getResultType());
            field(detail, d.getSendingMtaIp());
            field(detail, d.getReceivingMxHostname());
            field(detail, d.getReceivingMxHelo());
            field(detail, d.getReceivingIp());
            detail.append(d.getFailedSessions()).append(FIELD);
            field(detail, d.getAdditionalInformation());
            field(detail, d.getFailureReasonCode());
            details.add(detail.toString());
        }
        sortedFields(s, details);
        return s.toString();
    }

    private static void sortedFields(StringBuilder s, List<String> values) {
        List<String> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        s.append(sorted.size()).append(FIELD);
        for (String value : sorted) {
            field(s, value);
        }
    }

    /** A field as its length and text, so that no value can pass for two (null is -1). */
    private static void field(StringBuilder s, String value) {
        if (value == null) {
            s.append(-1).append(FIELD);
        } else {
            s.append(value.length()).append(':').append(value).append(FIELD);
        }
    }
}
