package io.tlsrpt.cli.bench;

import static io.tlsrpt.cli.CommandRunner.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.tlsrpt.cli.CommandRunner.Run;
import io.tlsrpt.cli.TlsRptCli;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Smoke runs of {@code tlsrpt bench} (a few hundred reports on a real embedded broker) so that the benchmarks do
 * not rot: every mode completes and prints its table with real figures.
 */
class BenchCommandIT {

    private static final Pattern FLOOR_URL = Pattern.compile("# floor \\(JDK HttpServer, 201 at once\\): (\\S+)");
    private static final Pattern CONNECTOR_URL = Pattern.compile("# connector \\(201 after Kafka ack\\): (\\S+)");

    @Test
    void pipelineBenchPrintsFloorPipelineAndStores() {
        Run r = run("bench", "--reports", "300", "--domains", "25", "--failure-mix", "0.1", "--partitions", "2",
            "--warmup", "50");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("| floor (copy) | 300 |").contains("| pipeline | 300 |")
            .contains("# processor: 300 raw, 300 reports decoded, 0 rejected")
            .contains("warm: the same processor first ran 50 other reports")
            .containsPattern("# JIT compiler threads .* [0-9.]+ \\(broker [0-9.]+\\) s during the pipeline")
            .containsPattern("# stream threads: [0-9.]+ s CPU in the [0-9.]+ s pipeline phase \\(\\d+ % of it\\), [0-9.]+ ms per report")
            // CPU seconds of client and broker, CPU ms per report and the CPU ratio end both rows
            .containsPattern("\\| pipeline \\| 300 \\|.*\\| [0-9.]+ / [0-9.]+ \\| [0-9.]+ \\| [0-9.]+ \\|")
            .containsPattern("\\| dedup-by-domain-store \\| [0-9,]+ \\|")
            // what the broker appended per report: the copy one record (and markers), the pipeline one per topic
            .containsPattern("\\| tlsrpt\\.bench\\.copy \\| 1\\.\\d{3} \\| 0\\.000 \\|")
            .containsPattern("\\| tlsrpt\\.reports \\| 0\\.000 \\| 1\\.\\d{3} \\|")
            .containsPattern("\\| <app>-report-by-primary-domain-repartition \\| 0\\.000 \\| 1\\.\\d{3} \\|")
            .containsPattern("\\| <app>-dedup-by-domain-store-changelog \\| 0\\.000 \\| 1\\.\\d{3} \\|")
            .containsPattern("\\| total \\| [1-9]\\.\\d{2} \\| [1-9]\\.\\d{2} \\|")
            // and read: the raw record and its repartition copy at least
            .containsPattern("\\| read by the consumers \\| 1\\.00 \\| [2-9]\\.\\d{2} \\|")
            .containsPattern("\\| records moved \\(appended \\+ read\\) \\| 2\\.\\d{2} \\| [4-9]\\.\\d{2} \\|")
            // the processor's HTTP queries on the state the run left: all incidents listed and counted alike
            .containsPattern("\\| incidents, every one \\| [0-9.]+ \\| [0-9.]+ \\| [1-9][0-9,]* \\| (\\d+) / \\1 \\|")
            .containsPattern("\\| incidents, the 50 most urgent \\| [0-9.]+ \\| [0-9.]+ \\| [1-9][0-9,]* "
                + "\\| \\d+ / \\d+ \\|")
            // the most urgent incident's first MX host: at least that incident listed
            .containsPattern("\\| incidents at one MX host \\(mx=\\) \\| [0-9.]+ \\| [0-9.]+ \\| [1-9][0-9,]* "
                + "\\| [1-9]\\d* / [1-9]\\d* \\|");
        // the domain list: at most 50 of the run's 25 domains, from the kept sums and read from the windows alike
        assertThat(r.out())
            .containsPattern("\\| domains, the 50 worst \\(sums kept\\) \\| [0-9.]+ \\| [0-9.]+ \\| [1-9][0-9,]* "
                + "\\| 25 / 25 \\|")
            .containsPattern("\\| domains, the 50 worst, since= \\(windows read\\) \\| [0-9.]+ \\| [0-9.]+ "
                + "\\| [1-9][0-9,]* \\| 25 / 25 \\|");
        // more than 50: the page after the first 50, counting them all as well
        java.util.regex.Matcher every = Pattern.compile("\\| incidents, every one \\|.*\\| (\\d+) / \\d+ \\|")
            .matcher(r.out());
        assertThat(every.find()).isTrue();
        int count = Integer.parseInt(every.group(1));
        if (count > 50) {
            assertThat(r.out()).containsPattern("\\| incidents, the next 50 \\(after=\\) \\| [0-9.]+ \\| [0-9.]+ \\| "
                + "[1-9][0-9,]* \\| " + Math.min(50, count - 50) + " / " + count + " \\|");
        } else {
            assertThat(r.out()).doesNotContain("the next 50");
        }
    }

    @Test
    void pipelineBenchRunsATopologyCutAfterAStage() {
        Run r = run("bench", "--reports", "200", "--domains", "20", "--partitions", "1", "--depth", "dedup");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("# pipeline: the processor's topology up to 'dedup' only (--depth)")
            .contains("| floor (copy) | 200 |").contains("| pipeline | 200 |")
            .contains("# processor: 200 raw, 200 reports decoded, 0 rejected")
            .containsPattern("\\| dedup-by-domain-store \\| [0-9,]+ \\|")
            .doesNotContain("domain-window-store")
            .as("no incident store to ask").doesNotContain("| incidents, every one |");
    }

    @Test
    void steadyRateBenchMeasuresReportLatency() {
        Run r = run("bench", "--steady-rate", "200", "--reports", "300", "--domains", "25", "--partitions", "1",
            "--warmup", "200", "--poll-domain-list", "1");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("warm: the same processor first ran 200 other reports, the last 100 of them at "
                + "this rate")
            .containsPattern("\\| committed report \\(tlsrpt.reports\\) \\| 300 \\| \\d+ \\|")
            // the timeline: 300 reports at 200/s begin in its first 3-second slice
            .containsPattern("\\| 0-3 \\| [1-9][0-9,]* \\| \\d+ \\| \\d+ \\| \\d+ \\|")
            .containsPattern("stream threads \\d+\\.\\d s \\(\\d+\\.\\d{3} ms per report\\); GC pauses: \\d+, ")
            // a portal asking for the domain list every second meanwhile: each list took one partition's sums
            .contains("| GET /v1/domains?limit=50 every 1 s while reports arrive |")
            .containsPattern("\\| domain list, the first \\(no sums kept yet\\) \\| 1 \\| \\d+ \\|")
            .containsPattern("\\| domain list, the others \\| [1-9][0-9]* \\| \\d+ \\|")
            .containsPattern("# partitions' sums the lists took: ([1-9]\\d* kept, \\d+|\\d+ kept, [1-9]\\d*) read while "
                + "a list waited; 0 answers not 200");
    }

    @Test
    void intakeBenchAnswersCreatedOnlyAfterKafka() {
        Run r = run("bench", "intake", "--connections", "4", "--warmup", "2", "--duration", "1");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("\\| floor: JDK HttpServer, 201 at once \\| [1-9][0-9,]* \\| 0 \\| 0 \\|")
            .containsPattern("\\| ingest connector, 201 after Kafka ack \\| [1-9][0-9,]* \\| 0 \\| 0 \\|")
            .containsPattern("# records in tlsrpt.raw after the run: [1-9]");
    }

    @Test
    void intakeServeModeCountsWhatAnExternalLoadGeneratorGot() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = TlsRptCli.newCommandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        PipedOutputStream control = new PipedOutputStream();
        IntakeBenchCommand intake = cli.getSubcommands().get("bench").getSubcommands().get("intake").getCommand();
        intake.control = new PipedInputStream(control);
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(
            () -> cli.execute("bench", "intake", "--serve-seconds", "300"));

        await().atMost(Duration.ofMinutes(2)).until(() -> out.toString().contains("# serving for 300 s"));
        URI floor = URI.create(url(FLOOR_URL, out.toString()));
        URI connector = URI.create(url(CONNECTOR_URL, out.toString()));
        byte[] report;
        try (InputStream in = IntakeBenchCommand.class.getResourceAsStream("google-report.json.gz")) {
            report = in.readAllBytes();
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < 3; i++) {
            assertThat(post(http, floor, report)).isEqualTo(201);
        }
        for (int i = 0; i < 5; i++) {
            assertThat(post(http, connector, report)).isEqualTo(201);
        }
        // still serving: only the "stop" line ends it before its 300 s
        assertThat(exit).isNotDone();
        control.write("stop\n".getBytes(StandardCharsets.US_ASCII));
        control.close();

        assertThat(exit.get(2, TimeUnit.MINUTES)).as(err.toString()).isZero();
        assertThat(out.toString()).contains("# floor answered 201: 3")
            .contains("# connector answered 201: 5 ")
            .contains("# records in tlsrpt.raw after the run: 5 ");
    }

    private static String url(Pattern line, String output) {
        Matcher m = line.matcher(output);
        assertThat(m.find()).as("%s in:%n%s", line, output).isTrue();
        return m.group(1);
    }

    private static int post(HttpClient http, URI uri, byte[] body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/tlsrpt+gzip")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding())
            .statusCode();
    }
}
