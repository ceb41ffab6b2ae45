package io.tlsrpt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Layout;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.ParameterizedMessage;
import org.junit.jupiter.api.Test;

/**
 * The logging configuration the command line and the app image run with (src/main/resources/log4j2.xml): a message
 * that quotes what a report or a mail said stays one line, and no escape in it reaches the terminal.
 */
class LogPatternTest {

    @Test
    void aQuotedInputCannotForgeALineNorDriveTheTerminal() {
        // a context of its own (the JVM's keeps the test configuration), its console appender's layout applied to an
        // event: the real pattern, without capturing the console (which log4j shares between contexts)
        LoggerContext context = new LoggerContext("log-pattern-test", null,
            Path.of("src/main/resources/log4j2.xml").toUri());
        context.start();
        String logged;
        try {
            Layout<?> layout = context.getConfiguration().getAppender("stderr").getLayout();
            logged = new String(layout.toByteArray(Log4jLogEvent.newBuilder()
                .setLoggerName("io.tlsrpt.cli.LogPatternTest").setLevel(Level.INFO)
                .setMessage(new ParameterizedMessage("report from {}",
                    "Evil\u001b[2J Corp\r\n12:00:00.000 ERROR Forged - line\u202e\u0085"))
                .build()), StandardCharsets.UTF_8);
        } finally {
            context.stop();
        }

        assertThat(logged).endsWith(System.lineSeparator()).hasLineCount(1)
            .contains("INFO  LogPatternTest - report from Evil\ufffd[2J Corp\\r\\n12:00:00.000 ERROR Forged - "
                + "line\ufffd\ufffd")
            .doesNotContain("\u001b", "\u202e", "\u0085", "\r");
    }
}
