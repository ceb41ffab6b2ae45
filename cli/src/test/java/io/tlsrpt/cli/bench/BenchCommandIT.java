package io.tlsrpt.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import io.tlsrpt.cli.TlsRptCli;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Smoke runs of {@code tlsrpt bench} (a few hundred reports on a real embedded broker) so that the benchmarks do
 * not rot: every mode completes and prints its table with real figures.
 */
class BenchCommandIT {

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = TlsRptCli.newCommandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void pipelineBenchPrintsFloorPipelineAndStores() {
        Run r = run("bench", "--reports", "300", "--domains", "25", "--failure-mix", "0.1", "--partitions", "2",
            "--warmup", "50");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("| floor (copy) | 300 |").contains("| pipeline | 300 |")
            .contains("# processor: 300 raw, 300 reports decoded, 0 rejected")
            .contains("warm: the same processor first ran 50 other reports")
            .containsPattern("# JIT compiler threads .* [0-9.]+ s during the pipeline")
            // CPU seconds of client and broker, CPU ms per report and the CPU ratio end both rows
            .containsPattern("\\| pipeline \\| 300 \\|.*\\| [0-9.]+ / [0-9.]+ \\| [0-9.]+ \\| [0-9.]+ \\|")
            .containsPattern("\\| dedup-by-domain-store \\| [0-9,]+ \\|");
    }

    @Test
    void steadyRateBenchMeasuresReportLatency() {
        Run r = run("bench", "--steady-rate", "200", "--reports", "300", "--domains", "25", "--partitions", "1");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("\\| committed report \\(tlsrpt.reports\\) \\| 300 \\| \\d+ \\|");
    }

    @Test
    void intakeBenchAnswersCreatedOnlyAfterKafka() {
        Run r = run("bench", "intake", "--connections", "4", "--warmup", "0", "--duration", "1");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("\\| floor: JDK HttpServer, 201 at once \\| [1-9][0-9,]* \\| 0 \\| 0 \\|")
            .containsPattern("\\| ingest connector, 201 after Kafka ack \\| [1-9][0-9,]* \\| 0 \\| 0 \\|")
            .containsPattern("# records in tlsrpt.raw after the run: [1-9]");
    }
}
