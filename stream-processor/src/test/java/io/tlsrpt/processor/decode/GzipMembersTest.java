package io.tlsrpt.processor.decode;

import static io.tlsrpt.processor.decode.Fixtures.concat;
import static io.tlsrpt.processor.decode.Fixtures.gzip;
import static io.tlsrpt.processor.decode.Fixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tlsrpt.schema.TlsReport;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Concatenated gzip members (RFC 1952 allows them; {@code cat a.gz b.gz} makes them): the compression ratio check
 * weighs all the output against all the input, so that a second member after a first of more than a mebibyte of
 * ordinary data is no bomb (it was: all the output against the second member's first few hundred bytes), whether the
 * payload is read whole (an HTTPS body, a file) or as a mail's attachment.
 */
class GzipMembersTest {

    /** Two reports in a JSON array split over two members; the first over 1 MiB of barely compressible text. */
    private static byte[] twoMembers() {
        Random random = new Random(7);
        byte[] first = Fixtures.report(r -> {
            r.put("report-id", "large");
            ObjectNode detail = Fixtures.detail(r);
            for (int i = 0; i < 2; i++) {   // two strings of 600,000 characters: each under the string limit
                byte[] noise = new byte[300_000];
                random.nextBytes(noise);
                ObjectNode copy = detail.deepCopy();
                copy.put("additional-information", HexFormat.of().formatHex(noise));
                Fixtures.details(r).add(copy);
            }
        });
        byte[] second = Fixtures.report(r -> r.put("report-id", "small"));
        return concat(gzip(concat(utf8("["), first, utf8(","))), gzip(concat(second, utf8("]"))));
    }

    @Test
    void aSecondMemberAfterALargeFirstIsNoBomb() {
        byte[] payload = twoMembers();
        List<TlsReport> whole = Decoding.reports(payload, DecodeHints.none());
        assertThat(whole).extracting(TlsReport::getReportId).containsExactly("large", "small");

        byte[] mail = Fixtures.mail().humanText().part("application/tlsrpt+gzip", "reports.json.gz", "base64", payload)
            .bytes();
        List<TlsReport> attached = Decoding.reports(mail, DecodeHints.of("message/rfc822", "reports.eml"));
        assertThat(attached).extracting(TlsReport::getReportId).containsExactly("large", "small");
    }

    @Test
    void aBombInTheSecondMemberIsStillOne() {
        byte[] bomb = gzip(utf8(" ".repeat(8 * 1024 * 1024)));   // JSON whitespace: read on until the check
        byte[] payload = concat(gzip(utf8("[")), bomb);
        DecodeResult.Rejected rejected = Decoding.rejected(payload);
        assertThat(rejected.reason()).isEqualTo(RejectReason.DECOMPRESSION_LIMIT);
    }
}
