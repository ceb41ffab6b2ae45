package io.tlsrpt.processor.decode;

import static io.tlsrpt.processor.decode.Fixtures.gzip;
import static io.tlsrpt.processor.decode.Fixtures.mail;
import static io.tlsrpt.processor.decode.Fixtures.report;
import static io.tlsrpt.processor.decode.Fixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each rejection reason with an input that earns it, and a message that says why. */
class RejectionTest {

    private static DecodeResult.Rejected reject(byte[] raw) {
        return Decoding.rejected(raw);
    }

    private static DecodeResult.Rejected reject(Map<String, String> limits, byte[] raw) {
        return Decoding.rejected(new ReportDecoder(DecoderLimits.fromMap(limits)), raw, DecodeHints.none());
    }

    @Test
    void noReportFound() {
        assertThat(reject(new byte[0]).reason()).isEqualTo(RejectReason.NO_REPORT_FOUND);
        assertThat(Decoding.DECODER.decode(null, null)).isInstanceOf(DecodeResult.Rejected.class);
        DecodeResult.Rejected textOnly = reject(mail().humanText().bytes());
        assertThat(textOnly.reason()).isEqualTo(RejectReason.NO_REPORT_FOUND);
        assertThat(textOnly.message()).contains("no report part");
        assertThat(reject(Fixtures.zip(Map.of("readme.txt", utf8("hello")))).reason())
            .isEqualTo(RejectReason.NOT_JSON);
        assertThat(reject(Fixtures.zip(Map.of())).reason()).isEqualTo(RejectReason.NO_REPORT_FOUND);
    }

    @Test
    void notJson() {
        DecodeResult.Rejected text = reject(utf8("hello world, this is not a report"));
        assertThat(text.reason()).isEqualTo(RejectReason.NOT_JSON);
        assertThat(text.message()).contains("hello world");
        assertThat(reject(utf8("{\"organization-name\": oops}")).reason()).isEqualTo(RejectReason.NOT_JSON);
        assertThat(reject(gzip(utf8("plain text inside gzip"))).reason()).isEqualTo(RejectReason.NOT_JSON);
    }

    @Test
    void notAReport() {
        assertThat(reject(utf8("{\"hello\": \"world\"}")).message()).contains("organization-name");
        assertThat(reject(report(r -> r.remove("report-id"))).message()).contains("report-id");
        assertThat(reject(report(r -> r.remove("date-range"))).message()).contains("date-range");
        assertThat(reject(report(r -> Fixtures.dateRange(r).put("start-datetime", "yesterday"))).message())
            .contains("start-datetime");
        assertThat(reject(report(r -> r.put("policies", "none"))).message()).contains("policies");
        assertThat(reject(utf8("[]")).reason()).isEqualTo(RejectReason.NOT_A_REPORT);
        assertThat(reject(utf8("[1, 2]")).reason()).isEqualTo(RejectReason.NOT_A_REPORT);
        assertThat(reject(report(r -> r.remove("organization-name"))).reason()).isEqualTo(RejectReason.NOT_A_REPORT);
    }

    @Test
    void tooLarge() {
        DecodeResult.Rejected rejected = reject(Map.of(DecoderLimits.MAX_INPUT_BYTES, "100"), Fixtures.baseReport());
        assertThat(rejected.reason()).isEqualTo(RejectReason.TOO_LARGE);
        assertThat(rejected.message()).contains(DecoderLimits.MAX_INPUT_BYTES);
    }

    @Test
    void decompressionLimitAndRatio() {
        byte[] spaces = new byte[3 * 1024 * 1024];
        Arrays.fill(spaces, (byte) ' ');
        byte[] bomb = gzip(Fixtures.concat(utf8("{"), spaces, utf8("}")));
        DecodeResult.Rejected byRatio = reject(bomb);
        assertThat(byRatio.reason()).isEqualTo(RejectReason.DECOMPRESSION_LIMIT);
        assertThat(byRatio.message()).contains("ratio");
        DecodeResult.Rejected byTotal = reject(Map.of(DecoderLimits.MAX_DECOMPRESSED_BYTES, "1m",
            DecoderLimits.MAX_COMPRESSION_RATIO, "100000"), bomb);
        assertThat(byTotal.reason()).isEqualTo(RejectReason.DECOMPRESSION_LIMIT);
        assertThat(byTotal.message()).contains(DecoderLimits.MAX_DECOMPRESSED_BYTES);
    }

    @Test
    void archiveLimit() {
        byte[] threeLayers = gzip(gzip(gzip(Fixtures.baseReport())));
        assertThat(reject(threeLayers).reason()).isEqualTo(RejectReason.ARCHIVE_LIMIT);
        // two layers are fine: a zip of .json.gz files
        assertThat(Decoding.single(Fixtures.zip(Map.of("r.json.gz", gzip(Fixtures.baseReport())))).getReportId())
            .isEqualTo("2024-03-01_example.com@reporter.example");
        Map<String, byte[]> many = new LinkedHashMap<>();
        for (int i = 0; i < 101; i++) {
            many.put("r" + i + ".txt", utf8("x"));
        }
        DecodeResult.Rejected tooMany = reject(Fixtures.zip(many));
        assertThat(tooMany.reason()).isEqualTo(RejectReason.ARCHIVE_LIMIT);
        assertThat(tooMany.message()).contains(DecoderLimits.MAX_ARCHIVE_ENTRIES);
    }

    @Test
    void truncated() {
        byte[] gz = gzip(Fixtures.baseReport());
        assertThat(reject(Arrays.copyOf(gz, gz.length / 2)).reason()).isEqualTo(RejectReason.TRUNCATED);
        byte[] json = Fixtures.baseReport();
        assertThat(reject(Arrays.copyOf(json, json.length / 2)).reason()).isEqualTo(RejectReason.TRUNCATED);
        DecodeResult.Rejected inMail = reject(mail().humanText()
            .part("application/tlsrpt+gzip", "r.json.gz", "base64", Arrays.copyOf(gz, gz.length - 12)).bytes());
        assertThat(inMail.reason()).isEqualTo(RejectReason.TRUNCATED);
        assertThat(inMail.message()).contains("r.json.gz");
    }

    @Test
    void corruptArchive() {
        byte[] gz = gzip(Fixtures.baseReport());
        gz[gz.length - 6] ^= 0x55;  // CRC-32 in the trailer
        assertThat(reject(gz).reason()).isEqualTo(RejectReason.CORRUPT_ARCHIVE);
        byte[] badMethod = gzip(Fixtures.baseReport());
        badMethod[2] = 7;  // compression method other than deflate
        assertThat(reject(badMethod).reason()).isEqualTo(RejectReason.CORRUPT_ARCHIVE);
    }

    @Test
    void jsonLimits() {
        String deep = "[".repeat(200) + "]".repeat(200);
        assertThat(reject(utf8(deep)).reason()).isEqualTo(RejectReason.JSON_LIMIT);
        DecodeResult.Rejected longString = reject(Map.of(DecoderLimits.MAX_JSON_STRING_LENGTH, "1000"),
            report(r -> r.put("organization-name", "x".repeat(5000))));
        assertThat(longString.reason()).isEqualTo(RejectReason.JSON_LIMIT);
        DecodeResult.Rejected longArray = reject(Map.of(DecoderLimits.MAX_JSON_ARRAY_LENGTH, "3"),
            report(r -> {
                for (int i = 0; i < 5; i++) {
                    Fixtures.details(r).addObject().put("result-type", "certificate-expired");
                }
            }));
        assertThat(longArray.reason()).isEqualTo(RejectReason.JSON_LIMIT);
        assertThat(longArray.message()).contains(DecoderLimits.MAX_JSON_ARRAY_LENGTH);
    }

    @Test
    void duplicateKey() {
        DecodeResult.Rejected topLevel = reject(utf8(Fixtures.BASE_REPORT.replace("\"report-id\":",
            "\"report-id\": \"first\", \"report-id\":")));
        assertThat(topLevel.reason()).isEqualTo(RejectReason.DUPLICATE_KEY);
        assertThat(topLevel.message()).contains("'report-id'", "/report-id");
        // which failure count is meant? Behind gzip: the path says where
        DecodeResult.Rejected count = reject(gzip(utf8(Fixtures.BASE_REPORT.replace("\"summary\": {",
            "\"summary\": {\"total-failure-session-count\": 1000, "))));
        assertThat(count.reason()).isEqualTo(RejectReason.DUPLICATE_KEY);
        assertThat(count.message()).contains("'total-failure-session-count'",
            "/policies/0/summary/total-failure-session-count");
        // at any depth, in members the decoder does not read, with container values
        DecodeResult.Rejected deep = reject(utf8(Fixtures.BASE_REPORT.replace("\"summary\": {",
            "\"summary\": {\"x\": [{\"a\": [1], \"a\": {}}], ")));
        assertThat(deep.reason()).isEqualTo(RejectReason.DUPLICATE_KEY);
        assertThat(deep.message()).contains("'a'", "/policies/0/summary/x/0/a");
        // the same name in sibling objects is no duplicate
        assertThat(Decoding.DECODER.decode(report(r -> Fixtures.details(r).addObject()
            .put("result-type", "certificate-expired").put("failed-session-count", 1)), DecodeHints.none()))
            .isInstanceOf(DecodeResult.Decoded.class);
    }

    @Test
    void mimeLimits() {
        Fixtures.MailBuilder many = mail().humanText();
        for (int i = 0; i < 120; i++) {
            many.humanText();
        }
        assertThat(reject(many.gzipReport(Fixtures.baseReport()).bytes()).reason()).isEqualTo(RejectReason.MIME_LIMIT);
        String nested = Fixtures.MailBuilder.encode(Fixtures.baseReport(), "base64");
        String part = "Content-Type: application/tlsrpt+json\r\nContent-Transfer-Encoding: base64\r\n\r\n" + nested;
        for (int depth = 0; depth < 12; depth++) {
            String boundary = "b" + depth;
            part = "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n--" + boundary + "\r\n" + part
                + "\r\n--" + boundary + "--\r\n";
        }
        DecodeResult.Rejected deep = reject(utf8("From: a@b.example\r\nSubject: deep\r\nMIME-Version: 1.0\r\n" + part));
        assertThat(deep.reason()).isEqualTo(RejectReason.MIME_LIMIT);
        assertThat(deep.message()).contains(DecoderLimits.MAX_MIME_DEPTH);
    }

    @Test
    void invalidEncoding() {
        byte[] latin1 = report(r -> r.put("organization-name", "PLACEHOLDER"));
        String text = new String(latin1, java.nio.charset.StandardCharsets.UTF_8).replace("PLACEHOLDER", "Soci\u00e9t\u00e9");
        assertThat(reject(text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)).reason())
            .isEqualTo(RejectReason.INVALID_ENCODING);
        DecodeResult.Rejected badBase64 = reject(mail().humanText().rawPart(
            "Content-Type: application/tlsrpt+gzip; name=\"r.json.gz\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + "H4sI\u00ff\u00ff@@@@####\r\n").bytes());
        assertThat(badBase64.reason()).isIn(RejectReason.INVALID_ENCODING, RejectReason.TRUNCATED,
            RejectReason.CORRUPT_ARCHIVE);
    }

    @Test
    void everyCodeIsStableKebabCase() {
        assertThat(Arrays.stream(RejectReason.values()).map(RejectReason::code))
            .doesNotHaveDuplicates()
            .allMatch(code -> code.matches("[a-z]+(-[a-z]+)*"))
            .contains("no-report-found", "not-json", "not-a-report", "too-large", "decompression-limit", "truncated",
                "json-limit", "duplicate-key", "mime-limit", "invalid-encoding", "unreadable");
        for (RejectReason reason : RejectReason.values()) {
            assertThat(RejectReason.fromCode(reason.code())).isSameAs(reason);
        }
    }

    @Test
    void libraryErrorsBecomeTypedRejections() {
        assertThat(Failures.classify(new IllegalStateException("boom"), DecodeContext.Stage.JSON).reason())
            .isEqualTo(RejectReason.DECODER_ERROR);
        assertThat(Failures.classify(new IllegalStateException("boom"), DecodeContext.Stage.JSON).message())
            .contains("IllegalStateException: boom");
        assertThat(Failures.classify(new StackOverflowError(), DecodeContext.Stage.JSON).reason())
            .isEqualTo(RejectReason.JSON_LIMIT);
        assertThat(Failures.classify(new StackOverflowError(), DecodeContext.Stage.MIME).reason())
            .isEqualTo(RejectReason.MIME_LIMIT);
        assertThat(Failures.classify(zipInternalError(), DecodeContext.Stage.JSON).reason())
            .isEqualTo(RejectReason.CORRUPT_ARCHIVE);
    }

    /** What ZipInputStream throws on some corrupt data descriptors (a fuzzer found it). */
    private static java.io.IOException zipInternalError() {
        java.io.IOException e = new java.io.IOException("Push back buffer is full");
        e.setStackTrace(new StackTraceElement[] {
            new StackTraceElement("java.io.PushbackInputStream", "unread", null, 229),
            new StackTraceElement("java.util.zip.ZipInputStream", "readEnd", null, 360)});
        return e;
    }
}
