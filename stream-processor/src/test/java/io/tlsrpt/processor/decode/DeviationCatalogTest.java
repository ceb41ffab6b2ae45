package io.tlsrpt.processor.decode;

import static io.tlsrpt.processor.decode.Fixtures.base;
import static io.tlsrpt.processor.decode.Fixtures.bytes;
import static io.tlsrpt.processor.decode.Fixtures.concat;
import static io.tlsrpt.processor.decode.Fixtures.dateRange;
import static io.tlsrpt.processor.decode.Fixtures.detail;
import static io.tlsrpt.processor.decode.Fixtures.details;
import static io.tlsrpt.processor.decode.Fixtures.gzip;
import static io.tlsrpt.processor.decode.Fixtures.mail;
import static io.tlsrpt.processor.decode.Fixtures.policy;
import static io.tlsrpt.processor.decode.Fixtures.policyEntry;
import static io.tlsrpt.processor.decode.Fixtures.report;
import static io.tlsrpt.processor.decode.Fixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tlsrpt.schema.TlsReport;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One small fixture per {@link Deviation}: each input carries exactly the quirk, and the decoded
 * report must record the code. A second test makes sure no deviation is left without a fixture.
 */
class DeviationCatalogTest {

    private static final Map<Deviation, Supplier<byte[]>> FIXTURES = fixtures();

    @ParameterizedTest
    @EnumSource(Deviation.class)
    void fixtureRecordsItsDeviation(Deviation deviation) {
        Supplier<byte[]> fixture = FIXTURES.get(deviation);
        assertThat(fixture).as("fixture for " + deviation).isNotNull();
        List<TlsReport> reports = Decoding.reports(fixture.get(), DecodeHints.none());
        assertThat(reports).allSatisfy(r -> assertThat(r.getDeviations()).contains(deviation.code()));
    }

    @Test
    void everyDeviationHasAFixtureAndAStableCode() {
        assertThat(FIXTURES.keySet()).containsExactlyInAnyOrder(Deviation.values());
        assertThat(Arrays.stream(Deviation.values()).map(Deviation::code))
            .doesNotHaveDuplicates()
            .allMatch(code -> code.matches("[a-z0-9]+(-[a-z0-9]+)*"));
        assertThat(Arrays.stream(Deviation.values())).allSatisfy(d -> {
            assertThat(d.description()).isNotBlank();
            assertThat(Deviation.fromCode(d.code())).isSameAs(d);
        });
    }

    @Test
    void theUnchangedFixturesDeviateInNothing() {
        assertThat(Decoding.single(Fixtures.baseReport()).getDeviations()).isEmpty();
        assertThat(Decoding.single(mail().humanText().gzipReport(Fixtures.baseReport()).bytes()).getDeviations())
            .isEmpty();
    }

    private static Map<Deviation, Supplier<byte[]>> fixtures() {
        Map<Deviation, Supplier<byte[]>> f = new EnumMap<>(Deviation.class);
        f.put(Deviation.TIMESTAMP_NO_OFFSET, () -> report(r -> dateRange(r).put("start-datetime", "2024-03-01T00:00:00")));
        f.put(Deviation.TIMESTAMP_LENIENT, () -> report(r -> dateRange(r).put("start-datetime", "2024-03-01 00:00:00Z")));
        f.put(Deviation.END_NEXT_DAY_MIDNIGHT, () -> report(r -> dateRange(r).put("end-datetime", "2024-03-02T00:00:00Z")));
        f.put(Deviation.DATE_RANGE_INVERTED, () -> report(r -> dateRange(r).put("end-datetime", "2024-02-29T00:00:00Z")));
        f.put(Deviation.MX_HOST_NOT_ARRAY, () -> report(r -> policy(r).put("mx-host", "mx.example.com")));
        f.put(Deviation.POLICY_STRING_NOT_ARRAY, () -> report(r -> policy(r).put("policy-string", "version: STSv1")));
        f.put(Deviation.POLICY_STRING_DOUBLE_ENCODED, () -> report(r -> {
            policy(r).put("policy-type", "tlsa");
            policy(r).putArray("policy-string").add("[\"3 1 1 AB12\",\"3 1 1 CD34\"]");
        }));
        f.put(Deviation.POLICY_DOMAIN_MISSING, () -> report(r -> policy(r).remove("policy-domain")));
        f.put(Deviation.POLICY_DOMAIN_NORMALISED, () -> report(r -> policy(r).put("policy-domain", "Example.COM.")));
        f.put(Deviation.POLICY_DOMAIN_IDN, () -> report(r -> policy(r).put("policy-domain", "xn--mnchen-3ya.de")));
        f.put(Deviation.POLICY_DOMAIN_U_LABEL, () -> report(r -> policy(r).put("policy-domain", "münchen.de")));
        f.put(Deviation.POLICY_DOMAIN_INVALID, () -> report(r -> policy(r).put("policy-domain", "not a domain")));
        f.put(Deviation.POLICY_TYPE_UNKNOWN, () -> report(r -> policy(r).put("policy-type", "dane-ee")));
        f.put(Deviation.POLICY_TYPE_MISSING, () -> report(r -> policy(r).remove("policy-type")));
        f.put(Deviation.POLICIES_EMPTY, () -> report(r -> r.putArray("policies")));
        f.put(Deviation.POLICY_ENTRY_SKIPPED, () -> report(r -> ((ArrayNode) r.get("policies")).add("not a policy")));
        f.put(Deviation.CONTACT_INFO_MISSING, () -> report(r -> r.putNull("contact-info")));
        f.put(Deviation.FAILURE_DETAILS_ABSENT, () -> report(r -> policyEntry(r).remove("failure-details")));
        f.put(Deviation.FAILURE_DETAILS_EMPTY, () -> report(r -> policyEntry(r).putArray("failure-details")));
        f.put(Deviation.FAILURE_DETAIL_WITHOUT_ADDRESSES, () -> report(r -> {
            detail(r).remove("sending-mta-ip");
            detail(r).remove("receiving-ip");
            detail(r).remove("receiving-mx-hostname");
        }));
        f.put(Deviation.FAILURE_DETAIL_SKIPPED, () -> report(r -> details(r).add(42)));
        f.put(Deviation.FAILURE_COUNTS_EXCEED_SUMMARY, () -> report(r -> details(r).addObject()
            .put("result-type", "starttls-not-supported").put("failed-session-count", 5)));
        f.put(Deviation.FAILURE_REASON_FREE_TEXT, () -> report(r -> detail(r).put("failure-reason-code",
            "421 4.7.0 Try again later")));
        f.put(Deviation.RESULT_TYPE_UNKNOWN, () -> report(r -> detail(r).put("result-type", "certificate-revoked")));
        f.put(Deviation.RESULT_TYPE_MISSING, () -> report(r -> detail(r).remove("result-type")));
        f.put(Deviation.ADDITIONAL_INFORMATION_SPACES, () -> report(r -> detail(r).put("additional-information",
            "https://reporter.example/ info ? id = 1")));
        f.put(Deviation.IP_ADDRESS_INVALID, () -> report(r -> detail(r).put("sending-mta-ip", "x.x.x.x")));
        f.put(Deviation.COUNT_NEGATIVE, () -> report(r -> ((ObjectNode) policyEntry(r).get("summary"))
            .put("total-successful-session-count", -5)));
        f.put(Deviation.COUNT_NOT_INTEGER, () -> report(r -> detail(r).put("failed-session-count", 2.5)));
        f.put(Deviation.SESSION_COUNT_MISSING, () -> report(r -> ((ObjectNode) policyEntry(r).get("summary"))
            .remove("total-failure-session-count")));
        f.put(Deviation.VALUE_TYPE_COERCED, () -> report(r -> r.put("report-id", 12345)));
        f.put(Deviation.TEXT_CONTROL_CHARACTERS, () -> report(r -> detail(r).put("failure-reason-code",
            "421 4.7.0 \u001b[2J\u001b]8;;https://phish.example\u0007click\u001b]8;;\u0007")));
        f.put(Deviation.REPORT_ID_TRAILING_PLUS, () -> report(r -> r.put("report-id", "133925885310113267+")));
        f.put(Deviation.SUBJECT_REPORT_ID_MISMATCH, () -> mail()
            .header("Subject", "Report Domain: example.com Submitter: reporter.example Report-ID: <other@reporter.example>")
            .humanText().gzipReport(Fixtures.baseReport()).bytes());
        f.put(Deviation.SUBJECT_REPORT_ID_UNBRACKETED, () -> mail()
            .header("Subject", "Report Domain: example.com Submitter: reporter.example Report-ID: 2024-03-01_x")
            .humanText().gzipReport(Fixtures.baseReport()).bytes());
        f.put(Deviation.SUBJECT_REPORT_ID_MISSING, () -> mail().header("Subject", "TLS report for example.com")
            .humanText().gzipReport(Fixtures.baseReport()).bytes());
        f.put(Deviation.TLS_REPORT_HEADERS_MISSING, () -> mail().header("TLS-Report-Submitter", null)
            .humanText().gzipReport(Fixtures.baseReport()).bytes());
        f.put(Deviation.SUBMITTER_MISMATCH, () -> mail().header("TLS-Report-Submitter", "someone-else.example")
            .humanText().gzipReport(Fixtures.baseReport()).bytes());
        f.put(Deviation.DKIM_SIGNATURE_MISSING, () -> mail().header("DKIM-Signature", null)
            .humanText().gzipReport(Fixtures.baseReport()).bytes());
        f.put(Deviation.DKIM_TLS_HEADERS_UNSIGNED, () -> mail()
            .header("DKIM-Signature", "v=1; a=rsa-sha256; d=reporter.example; s=s1; h=From:Date:Subject; bh=a=; b=b=")
            .humanText().gzipReport(Fixtures.baseReport()).bytes());
        f.put(Deviation.NOT_MULTIPART_REPORT, () -> mail().contentType("multipart/mixed; boundary=\"%s\"")
            .humanText().gzipReport(Fixtures.baseReport()).bytes());
        f.put(Deviation.HUMAN_PART_HTML, () -> mail().humanHtml().gzipReport(Fixtures.baseReport()).bytes());
        f.put(Deviation.EXTRA_PART_AFTER_REPORT, () -> mail().humanText().gzipReport(Fixtures.baseReport())
            .part("text/plain", null, "7bit", utf8("trailing text")).bytes());
        f.put(Deviation.NON_STANDARD_MEDIA_TYPE, () -> mail().humanText()
            .part("application/octet-stream", "reporter.example!example.com!1709251200!1709337599.json.gz", "base64",
                gzip(Fixtures.baseReport())).bytes());
        f.put(Deviation.MEDIA_TYPE_MISMATCH, () -> mail().humanText()
            .part("application/tlsrpt+gzip", "report.json.gz", "base64", Fixtures.baseReport()).bytes());
        f.put(Deviation.ZIP_ARCHIVE, () -> Fixtures.zip(Map.of("report.json", Fixtures.baseReport())));
        f.put(Deviation.MULTIPLE_REPORTS_IN_PAYLOAD, () -> {
            ArrayNode both = Fixtures.MAPPER.createArrayNode();
            both.add(base());
            both.add(base().put("report-id", "second"));
            return bytes(both);
        });
        f.put(Deviation.TRAILING_DATA, () -> concat(Fixtures.baseReport(), utf8("\n-- end of report --\n")));
        f.put(Deviation.LEADING_PADDING, () -> concat(new byte[16], Fixtures.baseReport()));
        f.put(Deviation.UNDECODABLE_PART_SKIPPED, () -> {
            byte[] truncated = Arrays.copyOf(gzip(Fixtures.baseReport()), 40);
            return mail().humanText().gzipReport(Fixtures.baseReport())
                .part("application/tlsrpt+gzip", "second.json.gz", "base64", truncated).bytes();
        });
        return f;
    }

}
