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
 * <p>{@code java -jar benchmarks/target/tlsrpt-benchmarks.jar [--rounds N] [JMH options]}: JMH's own options apply
 * (for example {@code -f 2 -wi 3 -i 5 -w 1s -r 1s}); without any, 1 fork, 3 warm-up and 5 measured iterations of
 * 1 s each. Figures are medians over the measured iterations, with the spread (min..max); the ratio is subject /
 * floor.
 *
 * <p>With {@code --rounds N}, every pair (a subject and its floor with the same parameters) runs in its own JMH run,
 * the two back to back, N times round-robin over the pairs: on a shared machine whose load drifts over minutes, a
 * subject and its floor then see the same load, and the ratio is the median of the N per-round ratios (with their
 * spread), not a ratio of figures taken minutes apart.
 */
public final class MicroBenchmarks {

    /** Least subject / floor ratio the issue asks for. */
    static final double DECODE_GOAL = 0.5;
    static final double SERDE_GOAL = 0.8;
    /** The binary window serde must at least keep up with the JSON one it replaced. */
    static final double WINDOW_SERDE_GOAL = 1.0;

    private MicroBenchmarks() {
    }

    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        List<String> jmhArgs = new ArrayList<>(List.of(args));
        int rounds = 0;
        int at = jmhArgs.indexOf("--rounds");
        if (at >= 0 && at + 1 < jmhArgs.size()) {
            rounds = Integer.parseInt(jmhArgs.get(at + 1));
            jmhArgs.subList(at, at + 2).clear();
        }
        CommandLineOptions cmd = new CommandLineOptions(jmhArgs.toArray(String[]::new));
        List<Row> rows = rounds > 0 ? runInRounds(defaults(cmd, false).build(), rounds)
            : run(defaults(cmd, true).build());
        print(rows, System.out);
    }

    /**
     * A subject and its floor: the benchmark methods (a regex), the parameter that picks the input, and the
     * table row (group and variant) the pair yields.
     */
    record Pair(String methods, Map<String, String> params, String group, String variant) {
        boolean yields(Row row) {
            return row.group().equals(group) && row.variant().equals(variant);
        }

        /**
         * Whether the command line selects this pair: one of its methods matches an include (none: all), and each
         * parameter the command line sets ({@code -p shape=...}) lists the pair's value.
         */
        boolean selectedBy(Options commandLine) {
            int paren = methods.indexOf("\\.(");
            String benchmark = methods.substring(0, paren);
            List<String> names = List.of(methods.substring(paren + 3, methods.indexOf(')')).split("\\|"));
            List<String> includes = commandLine.getIncludes();
            boolean included = includes.isEmpty() || includes.stream().anyMatch(regex -> names.stream().anyMatch(
                name -> java.util.regex.Pattern.compile(regex).matcher(benchmark + "." + name).find()));
            return included && params.entrySet().stream().allMatch(p -> {
                org.openjdk.jmh.util.Optional<java.util.Collection<String>> values = commandLine.getParameter(p.getKey());
                return !values.hasValue() || values.get().contains(p.getValue());
            });
        }
    }

    static List<Pair> pairs() {
        List<Pair> pairs = new ArrayList<>();
        for (InputShape shape : InputShape.values()) {
            pairs.add(new Pair(DecodeBenchmark.class.getName() + "\\.(decode|floorGunzipTreeParse)$",
                Map.of("shape", shape.name()), "decode", shape.name()));
        }
        for (SerdeBenchmark.RecordKind kind : SerdeBenchmark.RecordKind.values()) {
            pairs.add(new Pair(SerdeBenchmark.class.getName() + "\\.(confluentEncode|plainEncode)$",
                Map.of("record", kind.name()), "serde encode", kind.name()));
            pairs.add(new Pair(SerdeBenchmark.class.getName() + "\\.(confluentDecode|plainDecode)$",
                Map.of("record", kind.name()), "serde decode", kind.name()));
        }
        for (WindowSerdeBenchmark.WindowShape shape : WindowSerdeBenchmark.WindowShape.values()) {
            pairs.add(new Pair(WindowSerdeBenchmark.class.getName() + "\\.(binaryEncode|jsonEncode)$",
                Map.of("window", shape.name()), "window serde encode", shape.name()));
            pairs.add(new Pair(WindowSerdeBenchmark.class.getName() + "\\.(binaryDecode|jsonDecode)$",
                Map.of("window", shape.name()), "window serde decode", shape.name()));
        }
        return pairs;
    }

    /**
     * Runs every pair the command line selects {@code rounds} times, round-robin; one row per pair with the median
     * of the round ratios. JMH adds the command line's includes to each pair's, so a run may measure more than its
     * pair (with {@code DecodeBenchmark} on the command line, a serde pair's run measured every decode shape too,
     * and those rows came out under the first one's name): pairs outside the selection are skipped, and of each
     * run only the pair's own row is kept.
     */
    static List<Row> runInRounds(Options base, int rounds) throws RunnerException {
        List<Pair> pairs = pairs().stream().filter(p -> p.selectedBy(base)).toList();
        List<List<Row>> perPair = new ArrayList<>();
        pairs.forEach(p -> perPair.add(new ArrayList<>()));
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < pairs.size(); i++) {
                Pair pair = pairs.get(i);
                OptionsBuilder b = new OptionsBuilder();
                b.parent(base);
                b.include(pair.methods());
                pair.params().forEach(b::param);
                run(b.build()).stream().filter(pair::yields).forEach(perPair.get(i)::add);
            }
        }
        List<Row> rows = new ArrayList<>();
        for (List<Row> rs : perPair) {
            if (rs.isEmpty()) {
                continue;
            }
            Row first = rs.get(0);
            rows.add(new Row(first.group(), first.variant(), first.bytes(), first.floorBytes(),
                median(rs.stream().map(Row::subject).toList()), median(rs.stream().map(Row::floor).toList()),
                first.goal(), Stats.of(rs.stream().map(Row::ratio).toList())));
        }
        return rows;
    }

    private static Stats median(List<Stats> stats) {
        return Stats.of(stats.stream().map(Stats::median).toList());
    }

    /** The JMH defaults of this suite below whatever the command line sets, every benchmark class included. */
    static OptionsBuilder defaults(Options parent) {
        return defaults(parent, true);
    }

    /**
     * The JMH defaults below the command line's; {@code includeAll} adds the benchmark classes when the command line
     * names none (not for {@link #runInRounds}, which includes one pair at a time: JMH merges a parent's includes).
     */
    static OptionsBuilder defaults(Options parent, boolean includeAll) {
        OptionsBuilder b = new OptionsBuilder();
        b.parent(parent);
        if (includeAll && parent.getIncludes().isEmpty()) {
            b.include(DecodeBenchmark.class.getName());
            b.include(SerdeBenchmark.class.getName());
            b.include(WindowSerdeBenchmark.class.getName());
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

    /**
     * One line of the table: a subject against its floor; {@code floorBytes} is the floor's input size where it
     * differs (window serde: the JSON against the binary form); {@code ratios} holds the per-round ratios in rounds
     * mode (else null).
     */
    record Row(String group, String variant, int bytes, int floorBytes, Stats subject, Stats floor, double goal,
               Stats ratios) {
        Row(String group, String variant, int bytes, Stats subject, Stats floor, double goal) {
            this(group, variant, bytes, bytes, subject, floor, goal, null);
        }

        double ratio() {
            return ratios != null ? ratios.median() : subject.median() / floor.median();
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
            return of(scores);
        }

        static Stats of(List<Double> values) {
            List<Double> scores = new ArrayList<>(values);
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
        Map<WindowSerdeBenchmark.WindowShape, Map<String, Stats>> window =
            new EnumMap<>(WindowSerdeBenchmark.WindowShape.class);
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
            } else if (r.getParams().getParam("window") != null) {
                window.computeIfAbsent(WindowSerdeBenchmark.WindowShape.valueOf(r.getParams().getParam("window")),
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
        for (var e : window.entrySet()) {
            rows.addAll(windowRows(e.getKey(), e.getValue()));
        }
        return rows;
    }

    /** Binary (subject) against JSON (floor), encode and decode, with both sizes. */
    private static List<Row> windowRows(WindowSerdeBenchmark.WindowShape shape, Map<String, Stats> m) {
        WindowSerdeBenchmark b = new WindowSerdeBenchmark();
        b.window = shape;
        b.setUp();
        int[] sizes = b.sizes();
        List<Row> rows = new ArrayList<>();
        for (String op : List.of("Encode", "Decode")) {
            if (m.containsKey("binary" + op) && m.containsKey("json" + op)) {
                rows.add(new Row("window serde " + op.toLowerCase(java.util.Locale.ROOT), shape.name(), sizes[0],
                    sizes[1], m.get("binary" + op), m.get("json" + op), WINDOW_SERDE_GOAL, null));
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
            String ratio = r.ratios() == null ? String.format(java.util.Locale.ROOT, "%.2f", r.ratio())
                : String.format(java.util.Locale.ROOT, "%.2f (%.2f..%.2f)", r.ratio(), r.ratios().min(),
                    r.ratios().max());
            String bytes = r.bytes() == r.floorBytes() ? Integer.toString(r.bytes())
                : r.bytes() + " / " + r.floorBytes();
            out.printf(java.util.Locale.ROOT, "| %s | %s | %s | %s | %s | %.1f | %.1f | %s | >= %.1f %s |%n",
                r.group(), r.variant(), bytes, fmt(r.subject()), fmt(r.floor()),
                r.subject().median() * r.bytes() / 1e6, r.floor().median() * r.floorBytes() / 1e6, ratio, r.goal(),
                r.met() ? "met" : "NOT met");
        }
        out.flush();
    }

    private static String fmt(Stats s) {
        return String.format(java.util.Locale.ROOT, "%,.0f (%,.0f..%,.0f)", s.median(), s.min(), s.max());
    }
}
