package io.tlsrpt.processor.decode;

import static io.tlsrpt.processor.decode.Fixtures.dateRange;
import static io.tlsrpt.processor.decode.Fixtures.detail;
import static io.tlsrpt.processor.decode.Fixtures.policy;
import static io.tlsrpt.processor.decode.Fixtures.policyEntry;
import static io.tlsrpt.processor.decode.Fixtures.report;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tlsrpt.schema.Policy;
import io.tlsrpt.schema.TlsReport;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What a repair produces, not only that it was recorded. */
class RepairedValuesTest {

    @Test
    void timestamps() {
        assertThat(Decoding.single(report(r -> dateRange(r).put("start-datetime", "2024-03-01T00:00:00"))).getStart())
            .isEqualTo(Instant.parse("2024-03-01T00:00:00Z"));
        assertThat(Decoding.single(report(r -> dateRange(r).put("start-datetime", "2024-03-01T02:00:00+02:00")))
            .getStart()).isEqualTo(Instant.parse("2024-03-01T00:00:00Z"));
        assertThat(Decoding.single(report(r -> dateRange(r).put("start-datetime", "2024-03-01"))).getStart())
            .isEqualTo(Instant.parse("2024-03-01T00:00:00Z"));
        assertThat(Decoding.single(report(r -> dateRange(r).put("start-datetime", 1709251200L))).getStart())
            .isEqualTo(Instant.parse("2024-03-01T00:00:00Z"));
        TlsReport lowerCase = Decoding.single(report(r -> dateRange(r).put("start-datetime", "2024-03-01t00:00:00.5z")));
        assertThat(lowerCase.getStart()).isEqualTo(Instant.parse("2024-03-01T00:00:00.500Z"));
        assertThat(lowerCase.getDeviations()).isEmpty();
    }

    /**
     * A date-time of another era is no report's: rejected as not-a-report when decoded, not later by the Avro
     * serialiser (whose milliseconds overflow past the year 292,278,994, which Instant reads) as a processing error.
     */
    @Test
    void dateTimesBefore1970OrAfter9999AreNoReports() {
        DecodeResult.Rejected far = Decoding.rejected(report(r -> dateRange(r).put("end-datetime",
            "+999999999-01-01T00:00:00Z")));
        assertThat(far.reason()).isEqualTo(RejectReason.NOT_A_REPORT);
        assertThat(far.message()).contains("date-range.end-datetime").contains("between 1970 and 9999");
        assertThat(Decoding.rejected(report(r -> dateRange(r).put("end-datetime", "10000-01-01T00:00:00Z")))
            .reason()).isEqualTo(RejectReason.NOT_A_REPORT);
        assertThat(Decoding.rejected(report(r -> dateRange(r).put("start-datetime", "-999999999-01-01T00:00:00Z")))
            .reason()).isEqualTo(RejectReason.NOT_A_REPORT);
        assertThat(Decoding.rejected(report(r -> dateRange(r).put("start-datetime", -1L))).reason())
            .isEqualTo(RejectReason.NOT_A_REPORT);
        assertThat(Decoding.single(report(r -> dateRange(r).put("end-datetime", "9999-12-31T23:59:59Z"))).getEnd())
            .isEqualTo(Instant.parse("9999-12-31T23:59:59Z"));
    }

    @Test
    void counts() {
        TlsReport report = Decoding.single(report(r -> {
            ObjectNode summary = (ObjectNode) policyEntry(r).get("summary");
            summary.put("total-successful-session-count", -7);
            summary.put("total-failure-session-count", "10");
            detail(r).put("failed-session-count", 9.9);
        }));
        Policy policy = report.getPolicies().get(0);
        assertThat(policy.getSuccessfulSessions()).isZero();
        assertThat(policy.getFailedSessions()).isEqualTo(10L);
        assertThat(policy.getFailureDetails().get(0).getFailedSessions()).isEqualTo(9L);
        assertThat(report.getDeviations()).containsExactly("count-negative", "count-not-integer");
        TlsReport huge = Decoding.single(report(r -> detail(r).put("failed-session-count",
            new java.math.BigInteger("123456789012345678901234567890"))));
        assertThat(huge.getPolicies().get(0).getFailureDetails().get(0).getFailedSessions())
            .isEqualTo(SessionCounts.MAX_COUNT);
        // a forged summary at the edge of a long: clamped, so that the sums of reports cannot turn negative
        TlsReport edge = Decoding.single(report(r -> {
            ObjectNode summary = (ObjectNode) policyEntry(r).get("summary");
            summary.put("total-successful-session-count", Long.MAX_VALUE);
            summary.put("total-failure-session-count", 1);
        }));
        assertThat(edge.getPolicies().get(0).getSuccessfulSessions()).isEqualTo(SessionCounts.MAX_COUNT);
        assertThat(edge.getDeviations()).contains("count-not-integer");
    }

    @Test
    void policyFieldsAndDomains() {
        TlsReport report = Decoding.single(report(r -> {
            policy(r).put("mx-host", "mx.example.com");
            policy(r).put("policy-domain", "Bücher.Example.");
            policy(r).put("policy-type", "STS");
        }));
        Policy policy = report.getPolicies().get(0);
        assertThat(policy.getMxHosts()).containsExactly("mx.example.com");
        assertThat(policy.getPolicyDomain()).isEqualTo("xn--bcher-kva.example");
        assertThat(policy.getPolicyType()).isEqualTo("sts");
        assertThat(report.getDeviations()).containsExactly("mx-host-not-array", "policy-domain-normalised",
            "policy-domain-idn", "policy-domain-u-label");
    }

    @Test
    void ipAddressesAreCheckedWithoutDns() {
        for (String valid : new String[] {"192.0.2.1", "2001:db8::1", "::1", "::", "2001:db8:abcd:0012::1",
            "::ffff:192.0.2.1", "fe80::1%eth0", "1:2:3:4:5:6:7:8"}) {
            assertThat(IpAddresses.isLiteral(valid)).as(valid).isTrue();
        }
        for (String invalid : new String[] {"x.x.x.x", "256.1.1.1", "1.2.3", "1.2.3.4.5", "mx.example.com", "1:2:3:4:5:6:7:8:9",
            "2001:db8:::1", "2001::db8::1", ":1", "1:", "", "12345::"}) {
            assertThat(IpAddresses.isLiteral(invalid)).as(invalid).isFalse();
        }
        TlsReport report = Decoding.single(report(r -> detail(r).put("receiving-ip", "x.x.x.x")));
        assertThat(report.getPolicies().get(0).getFailureDetails().get(0).getReceivingIp()).isEqualTo("x.x.x.x");
    }

    /**
     * Padding that ends in the last bytes of the decoder's 4 KiB sniff buffer: the buffer is topped up to see the
     * JSON's first bytes, and the rest of the report is read after them, not one byte short.
     */
    @Test
    void aReportAfterPaddingThatFillsTheSniffBufferIsReadWhole() {
        for (int padding = 4090; padding <= 4096; padding++) {
            byte[] padded = Fixtures.gzip(Fixtures.concat(Fixtures.utf8(" ".repeat(padding)), Fixtures.baseReport()));
            TlsReport report = Decoding.single(padded);
            assertThat(report.getDeviations()).as("%d bytes of padding", padding).doesNotContain("not-json");
            assertThat(report.getPolicies()).as("%d bytes of padding", padding).isNotEmpty();
        }
    }

    /** One spelling per address (RFC 5952 for IPv6), so that a sending MTA is counted once however it is written. */
    @Test
    void ipAddressesAreWrittenOneWay() {
        for (String same : new String[] {"2001:db8:abcd:0012::1", "2001:DB8:ABCD:12:0:0:0:1", "2001:db8:abcd:12::1",
            "2001:0db8:abcd:0012:0000:0000:0000:0001"}) {
            assertThat(IpAddresses.canonical(same)).as(same).isEqualTo("2001:db8:abcd:12::1");
        }
        assertThat(IpAddresses.canonical("::ffff:198.51.100.62")).isEqualTo("198.51.100.62");
        assertThat(IpAddresses.canonical("::FFFF:c633:643e")).isEqualTo("198.51.100.62");
        assertThat(IpAddresses.canonical("198.051.100.062")).isEqualTo("198.51.100.62");
        assertThat(IpAddresses.canonical("2001:db8:0:1:1:1:1:1")).as("one zero group stays").isEqualTo(
            "2001:db8:0:1:1:1:1:1");
        assertThat(IpAddresses.canonical("2001:0:0:1:0:0:0:1")).as("the longest run").isEqualTo("2001:0:0:1::1");
        assertThat(IpAddresses.canonical("2001:db8:0:0:1:0:0:1")).as("the first of equal runs")
            .isEqualTo("2001:db8::1:0:0:1");
        assertThat(IpAddresses.canonical("::")).isEqualTo("::");
        assertThat(IpAddresses.canonical("::1")).isEqualTo("::1");
        assertThat(IpAddresses.canonical("1::")).isEqualTo("1::");
        assertThat(IpAddresses.canonical("::1.2.3.4")).isEqualTo("::102:304");
        assertThat(IpAddresses.canonical("fe80::1%eth0")).as("a zone id: as written").isEqualTo("fe80::1%eth0");
        TlsReport report = Decoding.single(report(r -> detail(r).put("sending-mta-ip", "2001:DB8::0001")));
        assertThat(report.getPolicies().get(0).getFailureDetails().get(0).getSendingMtaIp()).isEqualTo("2001:db8::1");
        assertThat(report.getDeviations()).doesNotContain("ip-address-invalid");
    }

    @Test
    void dedupKeyIgnoresSubjectAndFileName() {
        TlsReport fromJson = Decoding.reports(Fixtures.baseReport(), DecodeHints.of(null, "a.json")).get(0);
        TlsReport fromMail = Decoding.single(Fixtures.mail()
            .header("Subject", "Report Domain: example.com Submitter: reporter.example Report-ID: <other@x>")
            .humanText().gzipReport(Fixtures.baseReport()).bytes());
        assertThat(fromMail.getDedupKey()).isEqualTo(fromJson.getDedupKey());
        assertThat(fromJson.getDedupKey()).isEqualTo(ReportAssembler.sha256(Fixtures.utf8(
            "Reporter Inc.\n2024-03-01_example.com@reporter.example\n2024-03-01T00:00:00Z\n2024-03-01T23:59:59Z")));
    }

    /**
     * Anyone may POST a report, and its text reaches terminals ({@code tlsrpt reports}), mails (the digest) and
     * Alertmanager: terminal escapes, bell and bidirectional overrides become U+FFFD, line breaks spaces, in every
     * text field, the double-encoded TLSA strings' escapes too; printable text, accents included, stays as sent.
     */
    @Test
    void controlCharactersInText() {
        TlsReport report = Decoding.single(report(r -> {
            r.put("organization-name", "Evil\u001b[31m Corp\u202e");
            r.put("report-id", "id\u0000-1");
            policy(r).put("policy-type", "tlsa");
            policy(r).putArray("policy-string").add("[\"3 1 1 AB12\\u001b[2J\"]");
            policy(r).putArray("mx-host").add("mx\u0085.example.com");
            detail(r).put("result-type", "certificate-expired\u0007");
            detail(r).put("receiving-mx-hostname", "mx1.example.com\r\n");
            detail(r).put("failure-reason-code", "421-4.7.0 first\r\n421 4.7.0 second\tthird \u00e9t\u00e9");
        }));
        assertThat(report.getOrganizationName()).isEqualTo("Evil\ufffd[31m Corp\ufffd");
        assertThat(report.getReportId()).isEqualTo("id\ufffd-1");
        Policy policy = report.getPolicies().get(0);
        assertThat(policy.getPolicyStrings()).containsExactly("3 1 1 AB12\ufffd[2J");
        assertThat(policy.getMxHosts()).containsExactly("mx\ufffd.example.com");
        var detail = policy.getFailureDetails().get(0);
        assertThat(detail.getResultType()).as("not a known type any more: kept, cleaned")
            .isEqualTo("certificate-expired\ufffd");
        assertThat(detail.getReceivingMxHostname()).isEqualTo("mx1.example.com  ");
        assertThat(detail.getFailureReasonCode()).isEqualTo("421-4.7.0 first  421 4.7.0 second third \u00e9t\u00e9");
        assertThat(report.getDeviations()).contains(Deviation.TEXT_CONTROL_CHARACTERS.code());

        TlsReport plain = Decoding.single(report(r -> detail(r).put("failure-reason-code", "\u00e9t\u00e9 \u2014 ok")));
        assertThat(plain.getPolicies().get(0).getFailureDetails().get(0).getFailureReasonCode())
            .isEqualTo("\u00e9t\u00e9 \u2014 ok");
        assertThat(plain.getDeviations()).doesNotContain(Deviation.TEXT_CONTROL_CHARACTERS.code());
    }
}
