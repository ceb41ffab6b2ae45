package io.tlsrpt.processor.decode;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** RFC 2047 encoded words in header text. */
class EncodedWordsTest {

    @Test
    void plainTextPassesUnchanged() {
        assertThat(EncodedWords.decode(null)).isNull();
        assertThat(EncodedWords.decode("Report Domain: example.com")).isEqualTo("Report Domain: example.com");
    }

    @Test
    void qAndBEncodings() {
        assertThat(EncodedWords.decode("=?UTF-8?Q?caf=C3=A9_report?=")).isEqualTo("caf\u00e9 report");
        assertThat(EncodedWords.decode("=?utf-8?b?Y2Fmw6k=?=")).isEqualTo("caf\u00e9");
        assertThat(EncodedWords.decode("=?iso-8859-1?q?caf=e9?=")).isEqualTo("caf\u00e9");
        assertThat(EncodedWords.decode("=?UTF-8*en?Q?x?=")).isEqualTo("x");  // RFC 2231 language suffix
    }

    @Test
    void blanksBetweenEncodedWordsGoBlanksNextToPlainWordsStay() {
        assertThat(EncodedWords.decode("Report =?UTF-8?Q?Domain:?=\r\n =?UTF-8?Q?_example.com?=  tail "))
            .isEqualTo("Report Domain: example.com  tail ");
        assertThat(EncodedWords.decode("  =?UTF-8?Q?a?= b")).isEqualTo("  a b");
    }

    @Test
    void wordsThatCannotBeDecodedStayAsSent() {
        assertThat(EncodedWords.decode("=?x-unknown?Q?abc?= ok")).isEqualTo("=?x-unknown?Q?abc?= ok");
        assertThat(EncodedWords.decode("=?UTF-8?B?not*base64!?=")).isEqualTo("=?UTF-8?B?not*base64!?=");
        assertThat(EncodedWords.decode("=?UTF-8?X?abc?=")).isEqualTo("=?UTF-8?X?abc?=");
        assertThat(EncodedWords.decode("=?UTF-8?Q?=")).isEqualTo("=?UTF-8?Q?=");
        // inside a word it is no encoded word (Jakarta Mail's strict default)
        assertThat(EncodedWords.decode("id=?UTF-8?Q?x?=")).isEqualTo("id=?UTF-8?Q?x?=");
    }
}
