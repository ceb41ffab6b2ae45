package io.tlsrpt.generate;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Turns report content into the raw input one sender would deliver: Google's and Microsoft's mails (modelled on
 * real ones) and the HTTPS POST body of smtp-tls-reporting.
 */
final class InputRenderer {

    private static final String CRLF = "\r\n";
    private static final DateTimeFormatter MAIL_DATE =
        DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);
    /* .NET ticks at the Unix epoch: Microsoft's report ids are tick counts */
    private static final long TICKS_AT_EPOCH = 621_355_968_000_000_000L;

    private InputRenderer() {
    }

    static GeneratedInput render(Sender sender, DomainProfile d, int dayNumber, LocalDate day, ReportContent content,
                                 long seed) {
        SplittableRandom rnd = Randoms.of(seed, 4, d.index(), dayNumber, sender.ordinal());
        ExpectedReport.ExpectedPolicy[] policies =
            content.policies().stream().map(ReportContent.PolicyContent::expected)
                .toArray(ExpectedReport.ExpectedPolicy[]::new);
        return switch (sender) {
            case GOOGLE -> google(d, dayNumber, day, content, rnd, policies);
            case MICROSOFT -> microsoft(d, dayNumber, day, content, rnd, policies);
            case SMALL -> small(d, dayNumber, day, content, rnd, policies);
        };
    }

    private static GeneratedInput google(DomainProfile d, int dayNumber, LocalDate day, ReportContent content,
                                         SplittableRandom rnd, ExpectedReport.ExpectedPolicy[] policies) {
        long start = day.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        long end = start + 86_399;
        String reportId = day + "T00:00:00Z_" + d.name();
        byte[] json = ReportJson.write("Google Inc.", "smtp-tls-reporting@google.com", reportId,
            day + "T00:00:00Z", day + "T23:59:59Z", content, ReportJson.Style.PLAIN);
        String attachment = "google.com!" + d.name() + "!" + start + "!" + end + "!001.json.gz";
        String boundary = "000000000000" + Randoms.hex(rnd, 16, false);
        ZonedDateTime sent = Instant.ofEpochSecond(end + 1 + 3600 + rnd.nextInt(8 * 3600))
            .atZone(ZoneOffset.ofHours(-7));
        StringBuilder mail = new StringBuilder(4096);
        header(mail, "Return-Path", Randoms.hex(rnd, 20, false) + "@smtp-tls-reporting.bounces.google.com");
        header(mail, "MIME-Version", "1.0");
        header(mail, "Date", MAIL_DATE.format(sent));
        header(mail, "TLS-Report-Domain", d.name());
        header(mail, "TLS-Report-Submitter", "google.com");
        header(mail, "Message-ID", "<" + Randoms.hex(rnd, 8, false) + "." + Randoms.hex(rnd, 6, false) + "."
            + Randoms.hex(rnd, 6, false) + "." + Randoms.hex(rnd, 4, false) + "tls@google.com>");
        header(mail, "Subject", "Report Domain: " + d.name() + " Submitter: google.com Report-ID: <"
            + day.toString().replace('-', '.') + "T00.00.00Z+" + d.name() + "@google.com>");
        header(mail, "From", "noreply-smtp-tls-reporting@google.com");
        header(mail, "To", "tls-reports@" + d.name());
        header(mail, "Content-Type", "multipart/report; boundary=\"" + boundary + "\"; report-type=tlsrpt");
        mail.append(CRLF);
        mail.append("--").append(boundary).append(CRLF);
        header(mail, "Content-Type", "text/plain; charset=\"UTF-8\"; format=flowed; delsp=yes");
        mail.append(CRLF).append("This is an aggregate TLS report from google.com").append(CRLF).append(CRLF);
        mail.append("--").append(boundary).append(CRLF);
        header(mail, "Content-Type", "application/tlsrpt+gzip;" + CRLF + "\tname=\"" + attachment + "\"");
        header(mail, "Content-Disposition", "attachment;" + CRLF + "\tfilename=\"" + attachment + "\"");
        header(mail, "Content-Transfer-Encoding", "base64");
        mail.append(CRLF).append(base64(ReportJson.gzip(json)));
        mail.append("--").append(boundary).append("--").append(CRLF);
        return new GeneratedInput(mail.toString().getBytes(StandardCharsets.US_ASCII), "message/rfc822",
            "google-" + d.name() + "-" + day + ".eml", InputKind.GOOGLE_MAIL,
            new ExpectedReport("Google Inc.", reportId, day, dayNumber, java.util.List.of(policies)));
    }

    private static GeneratedInput microsoft(DomainProfile d, int dayNumber, LocalDate day, ReportContent content,
                                            SplittableRandom rnd, ExpectedReport.ExpectedPolicy[] policies) {
        long start = day.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        long end = start + 86_399;
        long sentSecond = end + 1 + 12 * 3600 + rnd.nextInt(10 * 3600);
        long ticks = TICKS_AT_EPOCH + sentSecond * 10_000_000L + rnd.nextInt(10_000_000);
        String reportId = ticks + "+" + d.name();
        // Microsoft's quirks: timestamps without a UTC offset, TLSA policy-string double-encoded
        byte[] json = ReportJson.write("Microsoft Corporation", "tlsrpt-noreply@microsoft.com", reportId,
            day + "T00:00:00", day + "T23:59:59", content, new ReportJson.Style(true, false));
        String attachment = "microsoft.com!" + d.name() + "!" + start + "!" + end + "!" + ticks + ".json.gz";
        String boundary = "_" + Randoms.hex(rnd, 8, false) + "-" + Randoms.hex(rnd, 4, false) + "-"
            + Randoms.hex(rnd, 4, false) + "-" + Randoms.hex(rnd, 4, false) + "-" + Randoms.hex(rnd, 12, false) + "_";
        StringBuilder mail = new StringBuilder(4096);
        header(mail, "Return-Path", "tlsrpt-noreply@microsoft.com");
        header(mail, "From", "<tlsrpt-noreply@microsoft.com>");
        header(mail, "To", "\"tls-reports@" + d.name() + "\" <tls-reports@" + d.name() + ">");
        header(mail, "Date", MAIL_DATE.format(Instant.ofEpochSecond(sentSecond).atZone(ZoneOffset.UTC)));
        header(mail, "Subject", "Report Domain: " + d.name() + " Submitter: microsoft.com Report-ID:" + CRLF
            + " " + reportId);
        header(mail, "TLS-Report-Domain", d.name());
        header(mail, "TLS-Report-Submitter", "microsoft.com");
        header(mail, "MIME-Version", "1.0");
        header(mail, "Message-ID", "<" + reportId + "@" + d.name() + ">");
        header(mail, "Content-Type", "multipart/report;" + CRLF + "\tboundary=\"" + boundary
            + "\"; report-type=tlsrpt");
        header(mail, "X-MS-PublicTrafficType", "Email");
        mail.append(CRLF);
        mail.append("--").append(boundary).append(CRLF);
        header(mail, "Content-Type", "text/html; charset=\"us-ascii\"");
        header(mail, "Content-Transfer-Encoding", "quoted-printable");
        mail.append(CRLF).append("<html>").append(CRLF).append("<body>").append(CRLF)
            .append("<div>This is an aggregate TLS report from microsoft.com</div>").append(CRLF)
            .append("</body>").append(CRLF).append("</html>").append(CRLF).append(CRLF);
        mail.append("--").append(boundary).append(CRLF);
        header(mail, "Content-Type", "application/tlsrpt+gzip");
        header(mail, "Content-Description", CRLF + " " + attachment);
        header(mail, "Content-Disposition", "attachment;" + CRLF + "\tfilename=\"" + attachment + "\"");
        header(mail, "Content-Transfer-Encoding", "base64");
        mail.append(CRLF).append(base64(ReportJson.gzip(json))).append(CRLF);
        mail.append("--").append(boundary).append("--").append(CRLF);
        return new GeneratedInput(mail.toString().getBytes(StandardCharsets.US_ASCII), "message/rfc822",
            "microsoft-" + d.name() + "-" + day + ".eml", InputKind.MICROSOFT_MAIL,
            new ExpectedReport("Microsoft Corporation", reportId, day, dayNumber, java.util.List.of(policies)));
    }

    private static GeneratedInput small(DomainProfile d, int dayNumber, LocalDate day, ReportContent content,
                                        SplittableRandom rnd, ExpectedReport.ExpectedPolicy[] policies) {
        DomainProfile.SmallReporter reporter = d.smallReporter();
        long start = day.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        long end = start + 86_399;
        String unique = Randoms.hex(rnd, 8, false);
        String reportId = day + "T00:00:00Z_" + d.name() + "_" + unique;
        byte[] json = ReportJson.write(reporter.organization(), reporter.contact(), reportId,
            day + "T00:00:00Z", day + "T23:59:59Z", content, new ReportJson.Style(false, true));
        String base = reporter.organization() + "!" + d.name() + "!" + start + "!" + end + "!" + unique;
        ExpectedReport expected = new ExpectedReport(reporter.organization(), reportId, day, dayNumber,
            java.util.List.of(policies));
        return reporter.gzip()
            ? new GeneratedInput(ReportJson.gzip(json), InputKind.HTTPS_GZIP.contentType(), base + ".json.gz",
                InputKind.HTTPS_GZIP, expected)
            : new GeneratedInput(json, InputKind.HTTPS_JSON.contentType(), base + ".json", InputKind.HTTPS_JSON,
                expected);
    }

    private static void header(StringBuilder mail, String name, String value) {
        mail.append(name).append(':');
        if (!value.startsWith(CRLF)) {
            mail.append(' ');
        }
        mail.append(value).append(CRLF);
    }

    /** Base64 in 76-character lines, each ending in CRLF. */
    private static String base64(byte[] data) {
        return Base64.getMimeEncoder(76, CRLF.getBytes(StandardCharsets.US_ASCII)).encodeToString(data) + CRLF;
    }
}
