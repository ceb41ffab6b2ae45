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
}
