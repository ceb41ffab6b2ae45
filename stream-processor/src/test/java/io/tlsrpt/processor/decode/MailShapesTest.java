package io.tlsrpt.processor.decode;

import static io.tlsrpt.processor.decode.Fixtures.gzip;
import static io.tlsrpt.processor.decode.Fixtures.mail;
import static io.tlsrpt.processor.decode.Fixtures.report;
import static io.tlsrpt.processor.decode.Fixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.tlsrpt.schema.TlsReport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The mail layouts and transfer encodings real senders and mail stores produce. */
class MailShapesTest {

    private static final String REPORT_ID = "2024-03-01_example.com@reporter.example";

    @Test
    void reportTypeQuotedOrNotAndImapUpperCase() {
        byte[] quoted = mail().contentType("multipart/report; report-type=\"tlsrpt\"; boundary=\"%s\"")
            .humanText().gzipReport(Fixtures.baseReport()).bytes();
        assertThat(Decoding.single(quoted).getDeviations()).isEmpty();
        // IMAP servers hand out upper-cased types: MULTIPART/REPORT, APPLICATION/TLSRPT+GZIP
        byte[] upper = mail().contentType("MULTIPART/REPORT; REPORT-TYPE=TLSRPT; BOUNDARY=\"%s\"").humanText()
            .part("APPLICATION/TLSRPT+GZIP", "r.json.gz", "BASE64", gzip(Fixtures.baseReport())).bytes();
        TlsReport report = Decoding.single(upper);
        assertThat(report.getDeviations()).isEmpty();
        assertThat(report.getProvenance().getMail().getAttachmentContentType()).isEqualTo("application/tlsrpt+gzip");
    }

    @Test
    void jsonAttachmentInQuotedPrintable() {
        TlsReport report = Decoding.single(mail().humanText()
            .part("application/tlsrpt+json", "r.json", "quoted-printable", Fixtures.baseReport()).bytes());
        assertThat(report.getReportId()).isEqualTo(REPORT_ID);
        assertThat(report.getDeviations()).isEmpty();
    }

    @Test
    void reportInsideANestedMultipart() {
        String inner = "Content-Type: multipart/mixed; boundary=\"inner\"\r\n\r\n--inner\r\n"
            + "Content-Type: text/plain\r\n\r\nsee attachment\r\n--inner\r\n"
            + "Content-Type: application/tlsrpt+gzip; name=\"r.json.gz\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + Fixtures.MailBuilder.encode(gzip(Fixtures.baseReport()), "base64") + "--inner--\r\n";
        TlsReport report = Decoding.single(mail().humanText().rawPart(inner).bytes());
        assertThat(report.getReportId()).isEqualTo(REPORT_ID);
        assertThat(report.getProvenance().getMail().getAttachmentName()).isEqualTo("r.json.gz");
    }

    @Test
    void forwardedReportMail() {
        byte[] original = mail().humanText().gzipReport(Fixtures.baseReport()).bytes();
        byte[] forward = mail().contentType("multipart/mixed; boundary=\"%s\"").boundary("fwd")
            .header("Subject", "Fwd: TLS report").humanText()
            .part("message/rfc822", null, "7bit", original).bytes();
        TlsReport report = Decoding.single(forward);
        assertThat(report.getReportId()).isEqualTo(REPORT_ID);
        assertThat(report.getDeviations()).contains("not-multipart-report", "subject-report-id-missing");
    }

    @Test
    void severalReportPartsYieldSeveralReports() {
        byte[] second = report(r -> r.put("report-id", "second@reporter.example"));
        List<TlsReport> reports = Decoding.reports(mail().humanText().gzipReport(Fixtures.baseReport())
            .part("application/tlsrpt+json", "second.json", "base64", second).bytes(), DecodeHints.none());
        assertThat(reports).extracting(TlsReport::getReportId).containsExactly(REPORT_ID, "second@reporter.example");
        assertThat(reports.get(1).getDeviations()).contains("subject-report-id-mismatch");
        assertThat(reports.get(1).getProvenance().getMail().getAttachmentName()).isEqualTo("second.json");
    }

    @Test
    void nonStandardTypesChosenByContentAndFileName() {
        byte[] gz = gzip(Fixtures.baseReport());
        byte[] zip = Fixtures.zip(Map.of("r.json", Fixtures.baseReport()));
        for (Object[] variant : new Object[][] {
            {"application/tlsrpt", "r.json.gz", gz}, {"application/tlsrpt+zip", "r.zip", zip},
            {"application/json", "r.json", Fixtures.baseReport()}, {"application/octet-stream", "r.json.gz", gz},
            {"application/octet-stream", "r.zip", zip}, {"application/octet-stream", null, gz},
            {"text/plain", "r.json", Fixtures.baseReport()}, {"application/gzip", "r.gz", gz}}) {
            TlsReport report = Decoding.single(mail().humanText()
                .part((String) variant[0], (String) variant[1], "base64", (byte[]) variant[2]).bytes());
            assertThat(report.getReportId()).as("%s %s", variant[0], variant[1]).isEqualTo(REPORT_ID);
            assertThat(report.getDeviations()).as("%s %s", variant[0], variant[1]).contains("non-standard-media-type");
        }
    }

    @Test
    void singlePartMailAndMboxEnvelope() {
        byte[] single = mail().contentType("application/tlsrpt+gzip; name=\"r.json.gz\"")
            .rawPart(Fixtures.MailBuilder.encode(gzip(Fixtures.baseReport()), "base64")).bytes();
        String withTransferEncoding = new String(single, java.nio.charset.StandardCharsets.UTF_8)
            .replace("Content-Type: application/tlsrpt+gzip", "Content-Transfer-Encoding: base64\r\nContent-Type: "
                + "application/tlsrpt+gzip");
        TlsReport report = Decoding.single(Fixtures.concat(utf8("From noreply@reporter.example Sat Mar  2 01:02:03 2024\n"),
            utf8(withTransferEncoding)));
        assertThat(report.getReportId()).isEqualTo(REPORT_ID);
        assertThat(report.getDeviations()).contains("not-multipart-report");
    }

    @Test
    void httpsBodyDeclaredNonStandard() {
        DecodeHints https = new DecodeHints("application/json", null, "https", java.time.Instant.parse(
            "2024-03-02T10:00:00.123456Z"), "192.0.2.9", null);
        TlsReport report = Decoding.reports(Fixtures.baseReport(), https).get(0);
        assertThat(report.getDeviations()).containsExactly("non-standard-media-type");
        assertThat(report.getProvenance().getSource()).isEqualTo("https");
        assertThat(report.getProvenance().getOrigin()).isEqualTo("192.0.2.9");
        assertThat(report.getProvenance().getReceivedAt()).isEqualTo(java.time.Instant.parse("2024-03-02T10:00:00.123Z"));
        DecodeHints standard = new DecodeHints("application/tlsrpt+gzip", null, "https", null, null, "abc");
        TlsReport gzipped = Decoding.reports(gzip(Fixtures.baseReport()), standard).get(0);
        assertThat(gzipped.getDeviations()).isEmpty();
        assertThat(gzipped.getProvenance().getRawSha256()).isEqualTo("abc");
    }
}
