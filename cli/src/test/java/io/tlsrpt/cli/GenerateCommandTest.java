package io.tlsrpt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GenerateCommandTest {

    @TempDir
    Path dir;

    @Test
    void writesTheRequestedMonthIntoDayDirectories() throws Exception {
        StringWriter err = new StringWriter();
        int exit = run(err, "generate", "--out", dir.toString(), "--days", "10", "--domains", "4", "--seed", "3",
            "--start-date", "2026-03-01", "--downgrade", "target.example@8", "--cert-expiry", "acme.example@2",
            "--sts-fetch-error", "globex.example@2026-03-05+2", "--sts-withdrawn", "withdrawn.example@9");
        assertThat(exit).isZero();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        assertThat(files).hasSize(10 * 4 * 3);
        assertThat(dir.resolve("day-08")).isDirectory();
        assertThat(dir.resolve("day-08/google-target.example-2026-03-08.eml")).isRegularFile();
        assertThat(err.toString()).contains("120 files for 4 domains over 10 days from 2026-03-01")
            .contains("target.example, acme.example, globex.example, withdrawn.example");
    }

    @Test
    void badScenarioOrMissingOutIsAUsageError() {
        assertThat(run(new StringWriter(), "generate", "--out", dir.toString(), "--downgrade", "nodomain")).isEqualTo(2);
        assertThat(run(new StringWriter(), "generate", "--out", dir.toString(), "--days", "5",
            "--downgrade", "a.example@9")).isEqualTo(2);
        assertThat(run(new StringWriter(), "generate", "--days", "5")).isEqualTo(2);
    }

    private static int run(StringWriter err, String... args) {
        CommandLine cmd = TlsRptCli.newCommandLine();
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }
}
