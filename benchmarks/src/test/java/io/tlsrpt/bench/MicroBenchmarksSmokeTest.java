package io.tlsrpt.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import io.tlsrpt.processor.decode.DecodeResult;
import io.tlsrpt.schema.TlsReport;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;

/** Keeps the benchmarks from rotting: every benchmark runs briefly in-process and the table comes out whole. */
class MicroBenchmarksSmokeTest {

    @Test
    void everyShapeDecodesToRealReports() throws Exception {
        for (InputShape shape : InputShape.values()) {
            DecodeBenchmark b = new DecodeBenchmark();
            b.shape = shape;
            b.setUp();
            DecodeResult result = b.decode();
            assertThat(result).as(shape.name()).isInstanceOf(DecodeResult.Decoded.class);
            TlsReport report = ((DecodeResult.Decoded) result).reports().get(0);
            assertThat(report.getPolicies()).as(shape.name()).isNotEmpty();
            assertThat(b.floorGunzipTreeParse().get("report-id").asText()).isEqualTo(report.getReportId());
            if (shape == InputShape.LARGE_1000_FAILURES_GZIP) {
                assertThat(report.getPolicies().get(0).getFailureDetails()).hasSize(InputShape.LARGE_FAILURE_DETAILS);
            }
            if (shape == InputShape.MICROSOFT_TLSA_MAIL) {
                assertThat(report.getPolicies()).anyMatch(p -> "tlsa".equals(p.getPolicyType()));
            }
        }
    }

    @Test
    void jmhRunsEveryPairAndPrintsTheRatioTable() throws Exception {
        Options options = MicroBenchmarks.defaults(
            new CommandLineOptions("-f", "0", "-wi", "0", "-i", "1", "-r", "50ms", "-foe", "true")).build();
        List<MicroBenchmarks.Row> rows = MicroBenchmarks.run(options);

        assertThat(rows).extracting(r -> r.group() + "/" + r.variant()).containsExactlyInAnyOrder(
            "decode/GOOGLE_GZIP_MAIL", "decode/MICROSOFT_TLSA_MAIL", "decode/BARE_JSON",
            "decode/LARGE_1000_FAILURES_GZIP", "serde encode/TLS_REPORT", "serde decode/TLS_REPORT",
            "serde encode/ALERT", "serde decode/ALERT", "window serde encode/TYPICAL", "window serde decode/TYPICAL",
            "window serde encode/TYPICAL_NEW_KEYS", "window serde decode/TYPICAL_NEW_KEYS",
            "window serde encode/CAPPED", "window serde decode/CAPPED");
        assertThat(rows).allSatisfy(r -> {
            assertThat(r.subject().median()).isPositive();
            assertThat(r.floor().median()).isPositive();
            assertThat(r.bytes()).isPositive();
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MicroBenchmarks.print(rows, new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("| decode | LARGE_1000_FAILURES_GZIP |")
            .contains("| serde encode | ALERT |").containsPattern("\\| window serde decode \\| TYPICAL \\| \\d+ / \\d+ \\|");
        assertThat(rows).filteredOn(r -> r.group().startsWith("window serde"))
            .allSatisfy(r -> assertThat(r.bytes()).isLessThan(r.floorBytes()));
    }

    @Test
    void roundsModeGivesOneRowPerPairWithTheSpreadOfTheRatios() throws Exception {
        Options options = MicroBenchmarks.defaults(
            new CommandLineOptions("-f", "0", "-wi", "0", "-i", "1", "-r", "20ms", "-foe", "true"), false).build();
        List<MicroBenchmarks.Row> rows = MicroBenchmarks.runInRounds(options, 1);

        assertThat(rows).hasSize(MicroBenchmarks.pairs().size());
        assertThat(rows).extracting(r -> r.group() + "/" + r.variant()).doesNotHaveDuplicates()
            .contains("decode/GOOGLE_GZIP_MAIL", "serde decode/ALERT");
        assertThat(rows).allSatisfy(r -> assertThat(r.subject().samples()).isEqualTo(1));
        assertThat(rows).allSatisfy(r -> {
            assertThat(r.ratios()).isNotNull();
            assertThat(r.ratio()).isPositive().isEqualTo(r.subject().median() / r.floor().median());
        });
    }

    @Test
    void roundsModeRunsOnlyWhatTheCommandLineSelectsUnderItsOwnName() throws Exception {
        // with DecodeBenchmark on the command line, JMH added it to every pair's run: a serde pair's run measured the
        // decode shapes as well, and the table printed them as GOOGLE_GZIP_MAIL with the spread of all of them
        Options options = MicroBenchmarks.defaults(new CommandLineOptions("DecodeBenchmark", "-p",
            "shape=BARE_JSON,GOOGLE_GZIP_MAIL", "-f", "0", "-wi", "0", "-i", "1", "-r", "20ms", "-foe", "true"),
            false).build();
        List<MicroBenchmarks.Row> rows = MicroBenchmarks.runInRounds(options, 1);

        assertThat(rows).extracting(r -> r.group() + "/" + r.variant())
            .containsExactly("decode/GOOGLE_GZIP_MAIL", "decode/BARE_JSON");
        assertThat(rows.get(0).bytes()).isEqualTo(InputShape.GOOGLE_GZIP_MAIL.sample().raw().length);
    }

    @Test
    void cpuRatioMeasuresBothSidesOfEverySlice() throws Exception {
        DecodeCpuRatio.Result result = DecodeCpuRatio.measure(InputShape.BARE_JSON, 2, 5);
        assertThat(java.util.Arrays.stream(result.subjectNanos())).hasSize(5).allMatch(n -> n > 0);
        assertThat(java.util.Arrays.stream(result.floorNanos())).hasSize(5).allMatch(n -> n > 0);
        assertThat(result.ratio()).isPositive();
        assertThat(result.describe()).startsWith("BARE_JSON: subject ").contains("5 slices of");
    }
}
