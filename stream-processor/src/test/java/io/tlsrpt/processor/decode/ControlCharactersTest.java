package io.tlsrpt.processor.decode;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ControlCharactersTest {

    @Test
    void replacedReplacesOnlyControlsAndReturnsTheStringItselfWhenClean() {
        String clean = "r\u00e9sum\u00e9 \u2014 mx1.example.com \u4e2d\ud83d\ude00";
        assertThat(ControlCharacters.replaced(clean)).isSameAs(clean);
        assertThat(ControlCharacters.replaced("")).isEmpty();
        assertThat(ControlCharacters.replaced("a\tb\nc\rd")).isEqualTo("a b c d");
        assertThat(ControlCharacters.replaced("\u0000\u001b\u007f\u0080\u009f\u00a0"))
            .isEqualTo("\ufffd\ufffd\ufffd\ufffd\ufffd\u00a0");
        assertThat(ControlCharacters.replaced("\u202agoogle\u202e.com\u2066\u2069\u2029"))
            .as("bidi embeddings, overrides and isolates; other format characters stay")
            .isEqualTo("\ufffdgoogle\ufffd.com\ufffd\ufffd\u2029");
    }
}
