package io.tlsrpt.processor.decode;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The string helpers agree with the JDK methods they stand in for. */
class TextsTest {

    @Test
    void indexOfIgnoreCaseFindsWhatRegionMatchesFinds() {
        String[] haystacks = {"Subject Report-ID: <x>", "report-id:", "REPORT-ID:x", "R\u0131ver REPORT-ID:", "x",
            "", "\u017fome \u212alvin Report-ID:"};
        String[] needles = {"Report-ID:", "r", "\u017f", "s", "k", "\u212a", "ID:"};
        for (String haystack : haystacks) {
            for (String needle : needles) {
                int expected = -1;
                for (int i = 0; i + needle.length() <= haystack.length(); i++) {
                    if (haystack.regionMatches(true, i, needle, 0, needle.length())) {
                        expected = i;
                        break;
                    }
                }
                assertThat(Texts.indexOfIgnoreCase(haystack, needle)).as(haystack + " / " + needle)
                    .isEqualTo(expected);
            }
        }
    }

    @Test
    void withoutControlsReplacesOnlyControlsAndReturnsTheStringItselfWhenClean() {
        String clean = "r\u00e9sum\u00e9 \u2014 mx1.example.com \u4e2d\ud83d\ude00";
        assertThat(Texts.withoutControls(clean)).isSameAs(clean);
        assertThat(Texts.withoutControls("")).isEmpty();
        assertThat(Texts.withoutControls("a\tb\nc\rd")).isEqualTo("a b c d");
        assertThat(Texts.withoutControls("\u0000\u001b\u007f\u0080\u009f\u00a0"))
            .isEqualTo("\ufffd\ufffd\ufffd\ufffd\ufffd\u00a0");
        assertThat(Texts.withoutControls("\u202agoogle\u202e.com\u2066\u2069\u2029"))
            .as("bidi embeddings, overrides and isolates; other format characters stay")
            .isEqualTo("\ufffdgoogle\ufffd.com\ufffd\ufffd\u2029");
    }
}
