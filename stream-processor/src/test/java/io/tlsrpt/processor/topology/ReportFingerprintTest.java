package io.tlsrpt.processor.topology;

import static io.tlsrpt.processor.topology.ReportFixtures.failure;
import static io.tlsrpt.processor.topology.ReportFixtures.report;
import static org.assertj.core.api.Assertions.assertThat;

import io.tlsrpt.processor.decode.DecodeHints;
import io.tlsrpt.processor.decode.DecodeResult;
import io.tlsrpt.processor.decode.ReportDecoder;
import io.tlsrpt.schema.Policy;
import io.tlsrpt.schema.TlsReport;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportFingerprintTest {

    private static final ReportDecoder DECODER = new ReportDecoder();

    private static TlsReport decode(byte[] raw, DecodeHints hints) {
        DecodeResult result = DECODER.decode(raw, hints);
        assertThat(result).isInstanceOf(DecodeResult.Decoded.class);
        return ((DecodeResult.Decoded) result).reports().get(0);
    }

    private static ReportFixtures googleDay() {
        return report("Google Inc.", "g-8", 8)
                .policy("example.com", 600, failure("starttls-not-supported", 400, "203.0.113.9", "mx1.example.com"),
                        failure("certificate-expired", 3, "203.0.113.10", "mx2.example.com"))
                .policy("example.net", 90);
    }

    @Test
    void copiesOfOneReportByOtherWaysHaveOneFingerprint() {
        ReportFixtures r = googleDay();
        TlsReport byHttps = decode(r.bytes(), new DecodeHints("application/tlsrpt+json", null, "https",
                Instant.parse("2026-11-10T06:00:00Z"), "203.0.113.1", "aa"));
        // the same JSON re-sent later, with other line ends, from another source: other provenance
        TlsReport bySpool = decode(r.json().replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8),
                new DecodeHints(null, "google.com!example.com!1.json", "spool",
                        Instant.parse("2026-11-11T06:00:00Z"), "/var/spool", "bb"));
        assertThat(byHttps.getProvenance()).isNotEqualTo(bySpool.getProvenance());

        assertThat(ReportFingerprint.of(byHttps)).hasSize(ReportFingerprint.LENGTH)
                .isEqualTo(ReportFingerprint.of(bySpool));
    }

    @Test
    void theOrderOfPoliciesAndFailureDetailsDoesNotCountNorTheContactNorTheDomainsCase() {
        TlsReport report = googleDay().decoded();
        List<Policy> policies = new ArrayList<>(report.getPolicies());
        Collections.reverse(policies);
        Policy first = Policy.newBuilder(policies.get(1)).build();
        List<io.tlsrpt.schema.FailureDetail> details = new ArrayList<>(first.getFailureDetails());
        Collections.reverse(details);
        first.setFailureDetails(details);
        first.setPolicyDomain("Example.COM");
        policies.set(1, first);
        TlsReport reordered = TlsReport.newBuilder(report).setPolicies(policies)
                .setContactInfo("someone-else@example.org").build();

        assertThat(ReportFingerprint.of(reordered)).isEqualTo(ReportFingerprint.of(report));
    }

    @Test
    void whatAReportCountsChangesItsFingerprint() {
        byte[] real = ReportFingerprint.of(googleDay().decoded());

        // the forgery a downgrade attacker would send first: the same identity, no failures
        TlsReport healthy = report("Google Inc.", "g-8", 8).policy("example.com", 1003)
                .policy("example.net", 90).decoded();
        TlsReport otherIp = report("Google Inc.", "g-8", 8)
                .policy("example.com", 600, failure("starttls-not-supported", 400, "203.0.113.99", "mx1.example.com"),
                        failure("certificate-expired", 3, "203.0.113.10", "mx2.example.com"))
                .policy("example.net", 90).decoded();
        TlsReport oneMoreSession = report("Google Inc.", "g-8", 8)
                .policy("example.com", 600, failure("starttls-not-supported", 400, "203.0.113.9", "mx1.example.com"),
                        failure("certificate-expired", 3, "203.0.113.10", "mx2.example.com"))
                .policy("example.net", 91).decoded();

        assertThat(List.of(healthy, otherIp, oneMoreSession))
                .allSatisfy(other -> assertThat(ReportFingerprint.of(other)).isNotEqualTo(real));
    }

    @Test
    void aValueCannotPassForTwoFields() {
        // "ab" + "c" and "a" + "bc" as two adjacent optional fields of a failure detail
        TlsReport left = report("Google Inc.", "g-9", 9).policy("example.com", 1,
                failure("starttls-not-supported", 1, "192.0.2.1", "mx1.example.com")).decoded();
        Policy split = Policy.newBuilder(left.getPolicies().get(0)).build();
        io.tlsrpt.schema.FailureDetail one = split.getFailureDetails().get(0);
        io.tlsrpt.schema.FailureDetail a = io.tlsrpt.schema.FailureDetail.newBuilder(one)
                .setReceivingMxHostname("ab").setReceivingMxHelo("c").build();
        io.tlsrpt.schema.FailureDetail b = io.tlsrpt.schema.FailureDetail.newBuilder(one)
                .setReceivingMxHostname("a").setReceivingMxHelo("bc").build();
        split.setFailureDetails(List.of(a));
        TlsReport withA = TlsReport.newBuilder(left).setPolicies(List.of(split)).build();
        Policy other = Policy.newBuilder(split).setFailureDetails(List.of(b)).build();
        TlsReport withB = TlsReport.newBuilder(left).setPolicies(List.of(other)).build();

        assertThat(ReportFingerprint.of(withA)).isNotEqualTo(ReportFingerprint.of(withB));
    }
}
