package io.tlsrpt.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import io.tlsrpt.cli.TlsRptCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code tlsrpt run} failing early and clearly: usage errors and ports in use, before anything starts. */
class RunCommandTest {

    @TempDir
    Path dir;

    @Test
    void aPortInUseIsAClearErrorAndNothingStarts() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            int port = taken.getLocalPort();
            StringWriter text = new StringWriter();
            RunSettings settings = new RunSettings(dir.resolve("data"), null, RunSettings.DEFAULT_REGISTRY, port, 0,
                null, false);

            int exit = new LocalRun(settings, new PrintWriter(text, true)).runUntilStopped();

            assertThat(exit).isEqualTo(1);
            assertThat(text.toString()).contains("cannot start: port " + port + " on 127.0.0.1")
                .contains("--http-port").contains("is in use");
            assertThat(Files.exists(dir.resolve("data").resolve("kafka"))).isFalse();
        }
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertThat(execute("run", "--http-port", "70000")).isEqualTo(2);
        assertThat(execute("run", "--registry", "ftp://registry")).isEqualTo(2);
        assertThat(execute("run", "--alertmanager", "mailto:oncall@example.org")).isEqualTo(2);
        assertThat(execute("run", "--bootstrap", " ")).isEqualTo(2);
    }

    private static int execute(String... args) {
        CommandLine cmd = TlsRptCli.newCommandLine();
        cmd.setErr(new PrintWriter(new StringWriter()));
        cmd.setOut(new PrintWriter(new StringWriter()));
        return cmd.execute(args);
    }
}
