package io.tlsrpt.processor.served;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ListFileTest {

    @Test
    void entriesWithTheirLinesWithoutCommentsOrBlankLines() {
        assertThat(ListFile.entries("# a list\n  example.com   # ours\r\n\r\n\t*.acme.example tenant=acme\rlast"))
            .containsExactly(new ListFile.Entry(2, "example.com"), new ListFile.Entry(4, "*.acme.example tenant=acme"),
                new ListFile.Entry(5, "last"));
        assertThat(ListFile.entries("")).isEmpty();
        assertThat(ListFile.entries("# only a comment\n\n")).isEmpty();
    }
}
