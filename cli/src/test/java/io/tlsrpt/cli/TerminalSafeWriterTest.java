package io.tlsrpt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** What the commands print cannot drive the operator's terminal, whatever a report or a DNS record says. */
class TerminalSafeWriterTest {

    @Test
    void replacesEscapesAndKeepsLinesTabsAndText() {
        StringWriter target = new StringWriter();
        try (PrintWriter out = new PrintWriter(new TerminalSafeWriter(target))) {
            out.print("a\u001b[2J\u001b]8;;https://phish.example\u0007link\u001b]8;;\u0007\tb\r\n");
            out.write('\u009b');
            out.write("x\u202ey".toCharArray(), 1, 2);
            out.println("r\u00e9sum\u00e9 \ud83d\ude00");
        }
        assertThat(target.toString()).isEqualTo("a\ufffd[2J\ufffd]8;;https://phish.example\ufffdlink\ufffd]8;;\ufffd\tb"
            + "\ufffd\n\ufffd\ufffdyr\u00e9sum\u00e9 \ud83d\ude00" + System.lineSeparator());
    }

    @Test
    void theCommandLinePrintsThroughIt() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        picocli.CommandLine cmd = TlsRptCli.printingTo(out, err);
        int exit = cmd.execute("pars\u001b]0;owned\u0007");

        assertThat(exit).isEqualTo(2);
        String printed = err.toString(java.nio.charset.Charset.defaultCharset());
        assertThat(printed).contains("pars\ufffd]0;owned\ufffd").doesNotContain("\u001b", "\u0007");
        assertThat(err.toByteArray()).doesNotContain((byte) 0x1b, (byte) 0x07);
        assertThat(cmd.getColorScheme().ansi()).as("the help's colours would be escapes too")
            .isEqualTo(picocli.CommandLine.Help.Ansi.OFF);
        assertThat(out.toByteArray()).isEmpty();
    }
}
