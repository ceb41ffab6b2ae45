package io.tlsrpt.cli.reports;

import io.tlsrpt.schema.FailureDetail;
import io.tlsrpt.schema.Policy;
import io.tlsrpt.schema.Provenance;
import io.tlsrpt.schema.TlsReport;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/** Normalised reports as the processor writes them to {@code tlsrpt.reports}, for the tests of {@code tlsrpt reports}. */
public final class TestTlsReports {

    /** The day of a report of day 0. */
    public static final LocalDate DAY = LocalDate.of(2026, 11, 20);

    private TestTlsReports() {
    }

    /** A report of {@code reporter} for the window of day {@code day} after {@link #DAY}, as received by IMAP. */
    public static TlsReport report(String reporter, String id, int day, Policy... policies) {
        Instant start = DAY.plusDays(day).atStartOfDay(ZoneOffset.UTC).toInstant();
        return TlsReport.newBuilder().setOrganizationName(reporter).setContactInfo(null).setReportId(id)
            .setStart(start).setEnd(start.plusSeconds(86_399)).setPolicies(List.of(policies)).setDeviations(List.of())
            .setDedupKey(reporter + "|" + id)
            .setProvenance(Provenance.newBuilder().setSource("imap").setReceivedAt(start.plusSeconds(90_000)).build())
            .build();
    }

    public static Policy policy(String type, String domain, List<String> strings, long successful,
                                FailureDetail... details) {
        return Policy.newBuilder().setPolicyType(type).setPolicyDomain(domain).setPolicyStrings(strings)
            .setMxHosts(List.of()).setSuccessfulSessions(successful)
            .setFailedSessions(List.of(details).stream().mapToLong(FailureDetail::getFailedSessions).sum())
            .setFailureDetails(List.of(details)).build();
    }

    public static FailureDetail expired(String mx, String receivingIp, String sendingIp, long failed) {
        return FailureDetail.newBuilder(detail("certificate-expired", mx, receivingIp, sendingIp, failed))
            .setFailureReasonCode("certificate-expired").setAdditionalInformation("certificate has expired").build();
    }

    public static FailureDetail detail(String type, String mx, String receivingIp, String sendingIp, long failed) {
        return FailureDetail.newBuilder().setResultType(type).setReceivingMxHostname(mx).setReceivingIp(receivingIp)
            .setSendingMtaIp(sendingIp).setFailedSessions(failed).build();
    }
}
