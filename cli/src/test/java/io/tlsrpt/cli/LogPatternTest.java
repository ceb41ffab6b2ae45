package io.tlsrpt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.Test;

/**
 * The logging configuration the command line and the app image run with (src/main/resources/log4j2.xml): a message
 * that quotes what a report or a mail said stays one line, and no escape in it reaches the terminal.
 */
class LogPatternTest {

    @Test
    void aQuotedInputCannotForgeALineNorDriveTheTerminal() {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        LoggerContext context = Configurator.initialize("log-pattern-test", getClass().getClassLoader(),
            Path.of("src/main/resources/log4j2.xml").toUri());
        try {
            context.getLogger("io.tlsrpt.cli.LogPatternTest").info("report from {}",
                "Evil\u001b[2J Corp\r\n12:00:00.000 ERROR Forged - line\u202e\u0085");
        } finally {
            Configurator.shutdown(context);
            System.setErr(original);
        }

        String logged = captured.toString(StandardCharsets.UTF_8);
        assertThat(logged).endsWith(System.lineSeparator()).hasLineCount(1)
            .contains("INFO  LogPatternTest - report from Evil\ufffd[2J Corp\\r\\n12:00:00.000 ERROR Forged - "
                + "line\ufffd\ufffd")
            .doesNotContain("\u001b", "\u202e", "\u0085", "\r");
    }
}
