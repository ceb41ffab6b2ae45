package io.tlsrpt.schema.serde;

import io.tlsrpt.schema.Alert;
import io.tlsrpt.schema.CountedValue;
import io.tlsrpt.schema.DeadLetter;
import io.tlsrpt.schema.DomainStats;
import io.tlsrpt.schema.FailureDetail;
import io.tlsrpt.schema.FailureStats;
import io.tlsrpt.schema.MailHeaders;
import io.tlsrpt.schema.Policy;
import io.tlsrpt.schema.Provenance;
import io.tlsrpt.schema.TlsReport;
import java.time.Instant;
import java.util.List;

/** Fully populated sample records of every generated type, with nested records, unions set and unset. */
final class TestRecords {

    static final Instant START = Instant.parse("2026-11-27T00:00:00Z");
    static final Instant END = Instant.parse("2026-11-27T23:59:59Z");

    private TestRecords() {
    }

    static TlsReport tlsReport() {
        FailureDetail starttls = FailureDetail.newBuilder()
                .setResultType("starttls-not-supported")
                .setSendingMtaIp("2001:db8::25")
                .setReceivingMxHostname("mx1.example.com")
                .setReceivingMxHelo("mx1.example.com")
                .setReceivingIp("192.0.2.25")
                .setFailedSessions(17)
                .setAdditionalInformation("https://reports.example.net/starttls")
                .setFailureReasonCode("421 4.7.0 TLS not available")
                .build();
        FailureDetail expired = FailureDetail.newBuilder()
                .setResultType("certificate-expired")
                .setFailedSessions(3)
                .build();
        Policy sts = Policy.newBuilder()
                .setPolicyType("sts")
                .setPolicyDomain("example.com")
                .setPolicyStrings(List.of("version: STSv1", "mode: enforce", "mx: mx1.example.com", "max_age: 86400"))
                .setMxHosts(List.of("mx1.example.com", "*.example.com"))
                .setSuccessfulSessions(1204)
                .setFailedSessions(20)
                .setFailureDetails(List.of(starttls, expired))
                .build();
        Policy noPolicy = Policy.newBuilder()
                .setPolicyType("no-policy-found")
                .setPolicyDomain(null)
                .setSuccessfulSessions(9)
                .setFailedSessions(0)
                .build();
        MailHeaders mail = MailHeaders.newBuilder()
                .setMessageId("<20261128.1@reports.example.net>")
                .setFrom("tlsrpt-noreply@example.net")
                .setSubject("Report Domain: example.com Submitter: example.net Report-ID: <2026.11.27T00.00.00Z+example.com@example.net>")
                .setDate("Sat, 28 Nov 2026 01:02:03 +0000")
                .setTlsReportDomain("example.com")
                .setTlsReportSubmitter("example.net")
                .setSubjectReportId("2026.11.27T00.00.00Z+example.com@example.net")
                .setAttachmentName("example.net!example.com!1795737600!1795823999.json.gz")
                .setAttachmentContentType("application/tlsrpt+gzip")
                .build();
        Provenance provenance = Provenance.newBuilder()
                .setSource("imap")
                .setReceivedAt(Instant.parse("2026-11-28T01:02:04.567Z"))
                .setOrigin("INBOX/1700000000/42")
                .setContentType("application/tlsrpt+gzip")
                .setFileName("example.net!example.com!1795737600!1795823999.json.gz")
                .setRawSha256("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
                .setMail(mail)
                .build();
        return TlsReport.newBuilder()
                .setOrganizationName("Example Net Mail – Ünïcode Org")
                .setContactInfo("tlsrpt@example.net")
                .setReportId("2026.11.27T00.00.00Z+example.com@example.net")
                .setStart(START)
                .setEnd(END)
                .setPolicies(List.of(sts, noPolicy))
                .setDeviations(List.of("timestamp-no-offset", "string-number"))
                .setDedupKey("3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b")
                .setProvenance(provenance)
                .build();
    }

    static FailureStats failureStats() {
        return FailureStats.newBuilder()
                .setPolicyDomain("example.com")
                .setResultType("starttls-not-supported")
                .setWindowStart(START)
                .setWindowEnd(START.plusSeconds(3600))
                .setFailedSessions(40)
                .setTotalSessions(1250)
                .setReports(3)
                .setReporters(List.of("example.net", "mail.example.org"))
                .setTopSendingIps(List.of(new CountedValue("2001:db8::25", 30L), new CountedValue("198.51.100.7", 10L)))
                .setTopReceivingMx(List.of(new CountedValue("mx1.example.com", 40L)))
                .setUpdatedAt(Instant.parse("2026-11-28T01:05:00Z"))
                .build();
    }

    static DomainStats domainStats() {
        return DomainStats.newBuilder()
                .setPolicyDomain("example.com")
                .setWindowStart(START)
                .setWindowEnd(START.plusSeconds(86_400))
                .setTotalSessions(1250)
                .setFailedSessions(41L)
                .setSessionsWithoutEnforcedPolicy(300L)
                .setReports(3)
                .setReporters(List.of("example.net", "mail.example.org"))
                .setFailingResultTypes(List.of(new CountedValue("starttls-not-supported", 40L),
                        new CountedValue("certificate-expired", 2L)))
                .setUpdatedAt(Instant.parse("2026-11-28T01:05:00Z"))
                .build();
    }

    /** A window an earlier version began: neither count known. */
    static DomainStats uncountedDomainStats() {
        return DomainStats.newBuilder(domainStats()).setFailedSessions(null).setSessionsWithoutEnforcedPolicy(null)
                .setFailingResultTypes(List.of()).setUpdatedAt(null).build();
    }

    static Alert alert() {
        return Alert.newBuilder()
                .setAlertId("example.com/starttls-not-supported/2026-11-27T00:00:00Z")
                .setStatus("firing")
                .setKind("starttls-downgrade-suspected")
                .setSeverity("critical")
                .setPolicyDomain("example.com")
                .setResultType("starttls-not-supported")
                .setWindowStart(START)
                .setWindowEnd(START.plusSeconds(3600))
                .setFailedSessions(40)
                .setTotalSessions(1250)
                .setBaseline(1.5)
                .setScore(27.25)
                .setReporters(List.of("example.net"))
                .setTopSendingIps(List.of("2001:db8::25"))
                .setTopReceivingMx(List.of("mx1.example.com"))
                .setSummary("40 of 1250 sessions to example.com failed STARTTLS (expected 1.5)")
                .setDetectedAt(Instant.parse("2026-11-28T01:05:00.123Z"))
                .build();
    }

    static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setReason("not-json")
                .setMessage("Unexpected character '<' at line 1 column 1")
                .setStage("decode")
                .setSourceTopic("tlsrpt.raw")
                .setSourcePartition(2)
                .setSourceOffset(123456789012L)
                .setRawSha256("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
                .setFirstBytes("<html>\\x00\\xff")
                .setFailedAt(Instant.parse("2026-11-28T01:05:00Z"))
                .build();
    }

    /** A dead letter with every optional field left null. */
    static DeadLetter sparseDeadLetter() {
        return DeadLetter.newBuilder()
                .setReason("too-large")
                .setFailedAt(Instant.parse("2026-11-28T01:05:00Z"))
                .build();
    }
}
