package io.tlsrpt.processor.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Regression for a fuzzer finding: a report part whose Content-Transfer-Encoding is garbled made the mail
 * library throw a plain IOException ("Unknown encoding"), which came out as decoder-error instead of a
 * typed rejection.
 */
class GarbledMailEncodingTest {

    private static final ReportDecoder DECODER = new ReportDecoder();

    @Test
    void aGarbledTransferEncodingOnTheOnlyReportPartIsMalformedMime() {
        String mail = new String(Corpus.real("mailru-2023-01-25.eml"), StandardCharsets.ISO_8859_1);
        assertThat(mail).contains("Content-Transfer-Encoding: base64");
        byte[] garbled = mail.replace("Content-Transfer-Encoding: base64", "Content-Transfer-Encoding: `base64")
            .getBytes(StandardCharsets.ISO_8859_1);

        DecodeResult result = DECODER.decode(garbled, DecodeHints.none());

        assertThat(result).isInstanceOfSatisfying(DecodeResult.Rejected.class, rejected -> {
            assertThat(rejected.reason()).isEqualTo(RejectReason.MALFORMED_MIME);
            assertThat(rejected.message()).contains("Unknown encoding");
        });
    }
}
