package io.tlsrpt.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every subject and its floor in one JMH run and prints the ratio table (issue 6).
 *
 * <p>{@code java -jar benchmarks/target/tlsrpt-benchmarks.jar [JMH options]}: JMH's own options apply (for example
 * {@code -f 2 -wi 3 -i 5 -w 1s -r 1s}); without any, 1 fork, 3 warm-up and 5 measured iterations of 1 s each.
 * Figures are medians over the measured iterations, with the spread (min..max); the ratio is subject / floor.
 */
public final class MicroBenchmarks {

    /** Least subject / floor ratio the issue asks for. */
    static final double DECODE_GOAL = 0.5;
    static final double SERDE_GOAL = 0.8;

    private MicroBenchmarks() {
    }

    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        Options options = defaults(new CommandLineOptions(args)).build();
        List<Row> rows = run(options);
        print(rows, System.out);
    }

    /** The JMH defaults of this suite below whatever the command line sets. */
    static OptionsBuilder defaults(Options parent) {
        OptionsBuilder b = new OptionsBuilder();
        b.parent(parent);
        if (parent.getIncludes().isEmpty()) {
            b.include(DecodeBenchmark.class.getName());
            b.include(SerdeBenchmark.class.getName());
        }
        if (!parent.getForkCount().hasValue()) {
            b.forks(1);
        }
        if (!parent.getWarmupIterations().hasValue()) {
            b.warmupIterations(3);
        }
        if (!parent.getWarmupTime().hasValue()) {
            b.warmupTime(TimeValue.seconds(1));
        }
        if (!parent.getMeasurementIterations().hasValue()) {
            b.measurementIterations(5);
        }
        if (!parent.getMeasurementTime().hasValue()) {
            b.measurementTime(TimeValue.seconds(1));
        }
        List<String> jvmArgs = new ArrayList<>(List.of("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.tlsrpt", "-Xmx1g"));
        if (parent.getJvmArgsAppend().hasValue()) {
            jvmArgs.addAll(parent.getJvmArgsAppend().get());
        }
        b.jvmArgsAppend(jvmArgs.toArray(String[]::new));
        return b;
    }

    /** One line of the table: a subject against its floor. */
    record Row(String group, String variant, int bytes, Stats subject, Stats floor, double goal) {
        double ratio() {
            return subject.median() / floor.median();
        }

        boolean met() {
            return ratio() >= goal;
        }
    }

    /** Median and spread of the measured iterations, in operations per second. */
    record Stats(double median, double min, double max, int samples) {
        static Stats of(RunResult result) {
            List<Double> scores = new ArrayList<>();
            for (IterationResult it : result.getBenchmarkResults().stream()
                .flatMap(b -> b.getIterationResults().stream()).toList()) {
                scores.add(it.getPrimaryResult().getScore());
            }
            scores.sort(Double::compare);
            int n = scores.size();
            double median = n % 2 == 1 ? scores.get(n / 2) : (scores.get(n / 2 - 1) + scores.get(n / 2)) / 2;
            return new Stats(median, scores.get(0), scores.get(n - 1), n);
        }
    }

    /** Runs the benchmarks and pairs every subject with its floor. */
    static List<Row> run(Options options) throws RunnerException {
        Collection<RunResult> results = new Runner(options).run();
        Map<InputShape, Stats> decode = new EnumMap<>(InputShape.class);
        Map<InputShape, Stats> decodeFloor = new EnumMap<>(InputShape.class);
        Map<SerdeBenchmark.RecordKind, Map<String, Stats>> serde = new EnumMap<>(SerdeBenchmark.RecordKind.class);
        for (RunResult r : results) {
            String method = r.getParams().getBenchmark();
            method = method.substring(method.lastIndexOf('.') + 1);
            Stats stats = Stats.of(r);
            if (r.getParams().getParam("shape") != null) {
                InputShape shape = InputShape.valueOf(r.getParams().getParam("shape"));
                (method.equals("decode") ? decode : decodeFloor).put(shape, stats);
            } else if (r.getParams().getParam("record") != null) {
                serde.computeIfAbsent(SerdeBenchmark.RecordKind.valueOf(r.getParams().getParam("record")),
                    k -> new java.util.HashMap<>()).put(method, stats);
            }
        }
        List<Row> rows = new ArrayList<>();
        for (InputShape shape : InputShape.values()) {
            if (decode.containsKey(shape) && decodeFloor.containsKey(shape)) {
                rows.add(new Row("decode", shape.name(), shape.sample().raw().length, decode.get(shape),
                    decodeFloor.get(shape), DECODE_GOAL));
            }
        }
        for (var e : serde.entrySet()) {
            Map<String, Stats> m = e.getValue();
            int size = wireSize(e.getKey());
            if (m.containsKey("confluentEncode") && m.containsKey("plainEncode")) {
                rows.add(new Row("serde encode", e.getKey().name(), size, m.get("confluentEncode"),
                    m.get("plainEncode"), SERDE_GOAL));
            }
            if (m.containsKey("confluentDecode") && m.containsKey("plainDecode")) {
                rows.add(new Row("serde decode", e.getKey().name(), size, m.get("confluentDecode"),
                    m.get("plainDecode"), SERDE_GOAL));
            }
        }
        return rows;
    }

    private static int wireSize(SerdeBenchmark.RecordKind kind) {
        SerdeBenchmark b = new SerdeBenchmark();
        b.record = kind;
        try {
            b.setUp();
            return b.wireSize();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            b.tearDown();
        }
    }

    /** Prints the table as Markdown (it goes straight into BENCHMARKS.md). */
    static void print(List<Row> rows, PrintStream out) {
        out.println();
        out.println("| stage | input | bytes | subject ops/s (median, min..max) | floor ops/s (median, min..max) "
            + "| subject MB/s | floor MB/s | ratio | goal |");
        out.println("|---|---|---:|---:|---:|---:|---:|---:|---|");
        for (Row r : rows) {
            out.printf(java.util.Locale.ROOT, "| %s | %s | %d | %s | %s | %.1f | %.1f | %.2f | >= %.1f %s |%n",
                r.group(), r.variant(), r.bytes(), fmt(r.subject()), fmt(r.floor()),
                r.subject().median() * r.bytes() / 1e6, r.floor().median() * r.bytes() / 1e6, r.ratio(), r.goal(),
                r.met() ? "met" : "NOT met");
        }
        out.flush();
    }

    private static String fmt(Stats s) {
        return String.format(java.util.Locale.ROOT, "%,.0f (%,.0f..%,.0f)", s.median(), s.min(), s.max());
    }
}
