package io.tlsrpt.processor.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.tlsrpt.schema.FailureDetail;
import io.tlsrpt.schema.MailHeaders;
import io.tlsrpt.schema.Policy;
import io.tlsrpt.schema.TlsReport;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every file of shared/corpus/real (copied unchanged into src/test/resources/corpus/real) with the
 * values a person reads in it, including what deviates from RFC 8460.
 */
class RealCorpusTest {

    private static TlsReport decodeOne(String file) {
        byte[] raw = Corpus.real(file);
        String rawSha256 = ReportAssembler.sha256(raw);
        List<TlsReport> reports = Decoding.reports(raw, new DecodeHints(null, file, "spool", null, file, rawSha256));
        assertThat(reports).hasSize(1);
        TlsReport report = reports.get(0);
        assertThat(report.getProvenance().getFileName()).isEqualTo(file);
        assertThat(report.getProvenance().getSource()).isEqualTo("spool");
        assertThat(report.getProvenance().getRawSha256()).isEqualTo(rawSha256);
        assertThat(report.getDedupKey()).isEqualTo(ReportAssembler.sha256((report.getOrganizationName() + "\n"
            + report.getReportId() + "\n" + report.getStart() + "\n" + report.getEnd()).getBytes(
            java.nio.charset.StandardCharsets.UTF_8)));
        return report;
    }

    @Test
    void googleMailWithGzipAttachment() {
        TlsReport report = decodeOne("google-2024-09-15.eml");
        assertThat(report.getOrganizationName()).isEqualTo("Google Inc.");
        assertThat(report.getContactInfo()).isEqualTo("smtp-tls-reporting@google.com");
        assertThat(report.getReportId()).isEqualTo("2024-09-15T00:00:00Z_krvtz.net");
        assertThat(report.getStart()).isEqualTo(Instant.parse("2024-09-15T00:00:00Z"));
        assertThat(report.getEnd()).isEqualTo(Instant.parse("2024-09-15T23:59:59Z"));
        assertThat(report.getPolicies()).hasSize(1);
        Policy policy = report.getPolicies().get(0);
        assertThat(policy.getPolicyType()).isEqualTo("sts");
        assertThat(policy.getPolicyDomain()).isEqualTo("krvtz.net");
        assertThat(policy.getPolicyStrings())
            .containsExactly("version: STSv1", "mode: enforce", "max_age: 10368000", "mx: carp-20.krvtz.net");
        assertThat(policy.getMxHosts()).containsExactly("carp-20.krvtz.net");
        assertThat(policy.getSuccessfulSessions()).isEqualTo(1L);
        assertThat(policy.getFailedSessions()).isZero();
        assertThat(policy.getFailureDetails()).isEmpty();
        // the subject says <2024.09.15T00.00.00Z+krvtz.net@google.com>, the JSON another id: the JSON wins
        assertThat(report.getDeviations()).containsExactly("failure-details-absent", "subject-report-id-mismatch");

        MailHeaders mail = report.getProvenance().getMail();
        assertThat(mail.getTlsReportDomain()).isEqualTo("krvtz.net");
        assertThat(mail.getTlsReportSubmitter()).isEqualTo("google.com");
        assertThat(mail.getSubjectReportId()).isEqualTo("2024.09.15T00.00.00Z+krvtz.net@google.com");
        assertThat(mail.getMessageId()).isEqualTo("<66e813b9.050a0220.395bc2.4615tls@google.com>");
        assertThat(mail.getFrom()).isEqualTo("noreply-smtp-tls-reporting@google.com");
        assertThat(mail.getSubject()).isEqualTo("Report Domain: krvtz.net Submitter: google.com Report-ID: "
            + "<2024.09.15T00.00.00Z+krvtz.net@google.com>");
        assertThat(mail.getDate()).isEqualTo("Mon, 16 Sep 2024 04:17:13 -0700");
        assertThat(mail.getAttachmentName()).isEqualTo("google.com!krvtz.net!1726358400!1726444799!001.json.gz");
        assertThat(mail.getAttachmentContentType()).isEqualTo("application/tlsrpt+gzip");
    }

    @Test
    void mailRuMailEndingNextDayWithTrailingPart() {
        TlsReport report = decodeOne("mailru-2023-01-25.eml");
        assertThat(report.getOrganizationName()).isEqualTo("Mail.ru");
        assertThat(report.getContactInfo()).isEqualTo("tls_support@corp.mail.ru");
        assertThat(report.getReportId()).isEqualTo("c96d67df-0440-57f7-6e96-c83824d0fdf2@mail.ru");
        assertThat(report.getStart()).isEqualTo(Instant.parse("2023-01-25T00:00:00Z"));
        assertThat(report.getEnd()).isEqualTo(Instant.parse("2023-01-26T00:00:00Z"));
        Policy policy = report.getPolicies().get(0);
        assertThat(policy.getPolicyType()).isEqualTo("sts");
        assertThat(policy.getPolicyDomain()).isEqualTo("krvtz.net");
        assertThat(policy.getPolicyStrings()).isEmpty();
        assertThat(policy.getMxHosts()).isEmpty();
        assertThat(policy.getSuccessfulSessions()).isZero();
        assertThat(policy.getFailedSessions()).isEqualTo(1L);
        assertThat(policy.getFailureDetails()).extracting(FailureDetail::getResultType, FailureDetail::getFailedSessions,
                FailureDetail::getSendingMtaIp, FailureDetail::getReceivingMxHostname)
            .containsExactly(tuple("sts-policy-fetch-error", 1L, null, null));
        assertThat(policy.getFailureDetails().get(0).getFailureReasonCode()).isEqualTo("unable to do http request: "
            + "Get \"https://mta-sts.krvtz.net/.well-known/mta-sts.txt\": context deadline exceeded "
            + "(Client.Timeout exceeded while awaiting headers)");
        assertThat(report.getDeviations()).containsExactly("end-next-day-midnight", "failure-detail-without-addresses",
            "failure-reason-free-text", "dkim-tls-headers-unsigned", "extra-part-after-report");
        MailHeaders mail = report.getProvenance().getMail();
        assertThat(mail.getSubject()).isEqualTo(
            "Report Domain: krvtz.net Submitter: mail.ru Report-ID: <c96d67df-0440-57f7-6e96-c83824d0fdf2@mail.ru>");
        assertThat(mail.getSubjectReportId()).isEqualTo("c96d67df-0440-57f7-6e96-c83824d0fdf2@mail.ru");
        assertThat(mail.getTlsReportSubmitter()).isEqualTo("mail.ru");
        assertThat(mail.getMessageId()).isEqualTo("<c96d67df-0440-57f7-6e96-c83824d0fdf2@mail.ru>");
        assertThat(mail.getAttachmentName()).isEqualTo("mail.ru!krvtz.net!1674604800!1674691200!001.json.gz");
    }

    @Test
    void microsoftMailWithHtmlPartAndDoubleEncodedTlsa() {
        TlsReport report = decodeOne("microsoft-2024-09-13-sts-tlsa.eml");
        assertThat(report.getOrganizationName()).isEqualTo("Microsoft Corporation");
        assertThat(report.getContactInfo()).isEqualTo("tlsrpt-noreply@microsoft.com");
        assertThat(report.getReportId()).isEqualTo("133708152202987951+krvtz.net");
        assertThat(report.getStart()).isEqualTo(Instant.parse("2024-09-13T00:00:00Z"));
        assertThat(report.getEnd()).isEqualTo(Instant.parse("2024-09-13T23:59:59Z"));
        assertThat(report.getPolicies()).extracting(Policy::getPolicyType, Policy::getPolicyDomain,
                Policy::getSuccessfulSessions, Policy::getFailedSessions)
            .containsExactly(tuple("sts", "krvtz.net", 2L, 0L), tuple("tlsa", "krvtz.net", 2L, 0L));
        assertThat(report.getPolicies().get(0).getPolicyStrings())
            .containsExactly("version: STSv1", "mode: enforce", "mx: carp-20.krvtz.net", "max_age: 10368000");
        List<String> tlsa = report.getPolicies().get(1).getPolicyStrings();
        assertThat(tlsa).hasSize(13).allMatch(s -> s.startsWith("2 1 1 ") && s.length() == 6 + 64);
        assertThat(tlsa.get(0)).isEqualTo("2 1 1 025490860B498AB73C6A12F27A49AD5FE230FAFE3AC8F6112C9B7D0AAD46941D");
        assertThat(tlsa.get(12)).isEqualTo("2 1 1 F1647A5EE3EFAC54C892E930584FE47979B7ACD1C76C1271BCA1C5076D869888");
        assertThat(report.getPolicies()).allSatisfy(p -> {
            assertThat(p.getMxHosts()).isEmpty();
            assertThat(p.getFailureDetails()).isEmpty();
        });
        assertThat(report.getDeviations()).containsExactly("policy-string-double-encoded", "failure-details-absent",
            "subject-report-id-unbracketed", "dkim-tls-headers-unsigned", "human-part-html");
        MailHeaders mail = report.getProvenance().getMail();
        assertThat(mail.getSubjectReportId()).isEqualTo("133708152202987951+krvtz.net");
        assertThat(mail.getFrom()).isEqualTo("<tlsrpt-noreply@microsoft.com>");
        assertThat(mail.getAttachmentName())
            .isEqualTo("microsoft.com!krvtz.net!1726185600!1726271999!133708152202987951.json.gz");
    }

    @Test
    void cronMailIsNoReport() {
        DecodeResult.Rejected rejected = Decoding.rejected(Decoding.DECODER, Corpus.real("not-a-report-cron-mail.eml"),
            DecodeHints.of("message/rfc822", "not-a-report-cron-mail.eml"));
        assertThat(rejected.reason()).isEqualTo(RejectReason.NO_REPORT_FOUND);
        assertThat(rejected.reason().code()).isEqualTo("no-report-found");
        assertThat(rejected.message()).contains("Cron <root@nagual>").contains("text/plain");
    }

    @Test
    void rfcAppendixB() {
        TlsReport report = decodeOne("rfc8460-appendix-b.json");
        assertThat(report.getOrganizationName()).isEqualTo("Company-X");
        assertThat(report.getContactInfo()).isEqualTo("sts-reporting@company-x.example");
        assertThat(report.getReportId()).isEqualTo("5065427c-23d3-47ca-b6e0-946ea0e8c4be");
        assertThat(report.getStart()).isEqualTo(Instant.parse("2016-04-01T00:00:00Z"));
        assertThat(report.getEnd()).isEqualTo(Instant.parse("2016-04-01T23:59:59Z"));
        Policy policy = report.getPolicies().get(0);
        assertThat(policy.getPolicyType()).isEqualTo("sts");
        assertThat(policy.getPolicyDomain()).isEqualTo("company-y.example");
        assertThat(policy.getPolicyStrings()).containsExactly("version: STSv1", "mode: testing",
            "mx: *.mail.company-y.example", "max_age: 86400");
        assertThat(policy.getMxHosts()).containsExactly("*.mail.company-y.example");
        assertThat(policy.getSuccessfulSessions()).isEqualTo(5326L);
        assertThat(policy.getFailedSessions()).isEqualTo(303L);
        assertThat(policy.getFailureDetails()).extracting(FailureDetail::getResultType, FailureDetail::getSendingMtaIp,
                FailureDetail::getReceivingMxHostname, FailureDetail::getReceivingIp, FailureDetail::getFailedSessions,
                FailureDetail::getFailureReasonCode)
            .containsExactly(
                // the RFC writes 2001:db8:abcd:0012::1; one spelling per address (RFC 5952)
                tuple("certificate-expired", "2001:db8:abcd:12::1", "mx1.mail.company-y.example", null, 100L, null),
                tuple("starttls-not-supported", "2001:db8:abcd:13::1", "mx2.mail.company-y.example", "203.0.113.56",
                    200L, null),
                tuple("validation-failure", "198.51.100.62", "mx-backup.mail.company-y.example", "203.0.113.58", 3L,
                    "X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED"));
        assertThat(policy.getFailureDetails().get(1).getAdditionalInformation()).isEqualTo(
            "https://reports.company-x.example/  report_info ? id = 5065427 c - 23 d3# StarttlsNotSupported ");
        assertThat(report.getDeviations()).containsExactly("additional-information-spaces");
        assertThat(report.getProvenance().getMail()).isNull();
    }

    @Test
    void microsoftDoubleEncodedTlsaJson() {
        TlsReport report = decodeOne("microsoft-2025-05-23-tlsa-double-encoded.json");
        assertThat(report.getOrganizationName()).isEqualTo("Microsoft Corporation");
        assertThat(report.getReportId()).isEqualTo("133925885310113267+random.net");
        assertThat(report.getStart()).isEqualTo(Instant.parse("2025-05-23T00:00:00Z"));
        assertThat(report.getEnd()).isEqualTo(Instant.parse("2025-05-23T23:59:59Z"));
        assertThat(report.getPolicies()).extracting(Policy::getPolicyType, Policy::getPolicyDomain,
                Policy::getSuccessfulSessions, Policy::getFailedSessions)
            .containsExactly(tuple("sts", "random.net", 2L, 0L), tuple("tlsa", "random.net", 2L, 0L));
        assertThat(report.getPolicies().get(0).getPolicyStrings())
            .containsExactly("version: STSv1", "mode: enforce", "mx: *.random.net", "max_age: 2592000");
        assertThat(report.getPolicies().get(1).getPolicyStrings()).containsExactly(
            "3 1 1 6007EEE553E85D8DF007A845D19EC343283D4E416E9A33F9EF3040C8B7C285BC",
            "3 1 1 837C773D54C2E2BD71871A3FC352BE8214D5646CBAE5E3091401A7274717998B");
        assertThat(report.getDeviations()).containsExactly("policy-string-double-encoded", "failure-details-absent");
    }

    @Test
    void microsoftDetailsWithoutAddressesAndTrailingPlus() {
        TlsReport report = decodeOne("microsoft-2025-06-14-no-ip-no-mx.json");
        assertThat(report.getReportId()).isEqualTo("1234567890+");
        assertThat(report.getStart()).isEqualTo(Instant.parse("2025-06-14T00:00:00Z"));
        assertThat(report.getEnd()).isEqualTo(Instant.parse("2025-06-14T23:59:59Z"));
        Policy policy = report.getPolicies().get(0);
        assertThat(policy.getPolicyType()).isEqualTo("sts");
        assertThat(policy.getPolicyDomain()).isEqualTo("xxxxxxxx.xx");
        assertThat(policy.getPolicyStrings()).isEmpty();
        assertThat(policy.getSuccessfulSessions()).isZero();
        assertThat(policy.getFailedSessions()).isEqualTo(3L);
        assertThat(policy.getFailureDetails()).extracting(FailureDetail::getResultType, FailureDetail::getFailedSessions,
                FailureDetail::getSendingMtaIp, FailureDetail::getReceivingIp, FailureDetail::getReceivingMxHostname)
            .containsExactly(tuple("sts-policy-fetch-error", 3L, null, null, null));
        assertThat(report.getDeviations()).containsExactly("failure-detail-without-addresses", "report-id-trailing-plus");
    }

    @Test
    void contactInfoNull() {
        TlsReport report = decodeOne("contact-info-null.json");
        assertThat(report.getOrganizationName()).isEqualTo("server.com");
        assertThat(report.getContactInfo()).isNull();
        assertThat(report.getReportId()).isEqualTo("123_456");
        assertThat(report.getStart()).isEqualTo(Instant.parse("2026-01-11T00:00:00Z"));
        assertThat(report.getEnd()).isEqualTo(Instant.parse("2026-01-12T00:00:00Z"));
        Policy policy = report.getPolicies().get(0);
        assertThat(policy.getPolicyType()).isEqualTo("sts");
        assertThat(policy.getPolicyDomain()).isEqualTo("server.com");
        assertThat(policy.getPolicyStrings())
            .containsExactly("version: STSv1", "mode: enforce", "max_age: 86400", "mx: mx.server.com");
        assertThat(policy.getMxHosts()).containsExactly("mx: mx.server.com");
        assertThat(policy.getSuccessfulSessions()).isEqualTo(1L);
        assertThat(policy.getFailedSessions()).isZero();
        assertThat(report.getDeviations())
            .containsExactly("end-next-day-midnight", "contact-info-missing", "failure-details-empty");
    }

    @Test
    void unknownPolicyTypeWithoutDomain() {
        TlsReport report = decodeOne("synthetic-unknown-policy-type-no-domain.json");
        assertThat(report.getOrganizationName()).isEqualTo("Google Inc.");
        assertThat(report.getReportId()).isEqualTo("2019-04-14T00:00:00Z_example.org");
        assertThat(report.getStart()).isEqualTo(Instant.parse("2019-04-14T00:00:00Z"));
        assertThat(report.getEnd()).isEqualTo(Instant.parse("2019-04-14T23:59:59Z"));
        assertThat(report.getPolicies()).extracting(Policy::getPolicyType, Policy::getPolicyDomain,
                Policy::getSuccessfulSessions, Policy::getFailedSessions)
            .containsExactly(tuple("no-policy-found", null, 1L, 0L), tuple("invalid-policy-type", null, 1L, 0L));
        assertThat(report.getDeviations()).containsExactly("policy-domain-missing", "policy-type-unknown",
            "failure-details-absent", "session-count-missing");
    }
}
