package io.tlsrpt.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import io.tlsrpt.cli.bench.LatencyBench;
import io.tlsrpt.cli.bench.PipelineBench;
import io.tlsrpt.cli.bench.Workload;
import io.tlsrpt.processor.topology.TopologyDepth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tlsrpt bench}: the whole pipeline on a real broker against a plain copy of the raw topic (the floor), or,
 * with {@code --steady-rate}, the latency from a raw record's append to its report and alert. {@code tlsrpt bench
 * intake} measures the HTTPS intake. See BENCHMARKS.md.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    subcommands = io.tlsrpt.cli.bench.IntakeBenchCommand.class,
    description = {
        // one string per paragraph: picocli wraps each to the terminal width
        "Benchmark the pipeline on a real broker (embedded in a child JVM unless --bootstrap): generated reports go "
            + "to tlsrpt.raw, a consume-and-produce copy of it is the floor, then the stream processor runs from the "
            + "beginning until every output is committed; prints one table (reports/s of both, ratio, peak heap and "
            + "RSS, state stores). --depth STAGE runs the processor only up to a stage. --steady-rate N: latency "
            + "from append to committed report and alert at N reports/s instead.",
        "Exit codes: 0 ok, 1 benchmark failure, 2 usage error."})
public final class BenchCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(BenchCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--reports", paramLabel = "N", description = "Reports to generate (default: ${DEFAULT-VALUE}).")
    long reports = 20_000;

    @Option(names = "--domains", paramLabel = "N", description = "Policy domains (default: ${DEFAULT-VALUE}).")
    int domains = 2_000;

    @Option(names = "--failure-mix", paramLabel = "SHARE",
        description = "Share of domains with an incident on the last day (default: ${DEFAULT-VALUE}).")
    double failureMix = 0.01;

    @Option(names = "--partitions", paramLabel = "N",
        description = "Partitions of the raw, copy and processor topics (default: ${DEFAULT-VALUE}).")
    int partitions = 3;

    @Option(names = "--guarantee", paramLabel = "G",
        description = "exactly_once_v2 or at_least_once, for floor and processor (default: ${DEFAULT-VALUE}).")
    String guarantee = "exactly_once_v2";

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
        description = "An external cluster (topics and groups get a run suffix); default: an embedded broker.")
    String bootstrap;

    @Option(names = "--seed", paramLabel = "N", description = "Generator seed (default: ${DEFAULT-VALUE}).")
    long seed = 8460L;

    @Option(names = "--steady-rate", paramLabel = "N",
        description = "Latency mode: append the reports at N per second while the processor runs.")
    Integer steadyRate;

    @Option(names = "--poll-domain-list", paramLabel = "SECONDS",
        description = "With --steady-rate: ask the processor's domain list (GET /v1/domains?limit=50) every SECONDS "
            + "while the reports arrive, as a portal would, and print its latencies and where its sums came from.")
    Integer pollDomainList;

    @Option(names = "--warmup", paramLabel = "N",
        description = "First run the processor over N other reports (same raw topic, not measured), then measure the "
            + "same processor: JIT-compiled and with state, as a long-running processor is (default: "
            + "${DEFAULT-VALUE}: cold).")
    long warmup;

    @Option(names = "--depth", paramLabel = "STAGE",
        description = "Run the processor's topology only up to STAGE, to put each stage's cost against the same floor: "
            + "copy (Kafka Streams copies the raw records, nothing decoded), decode, dedup, or full (default: "
            + "${DEFAULT-VALUE}). Not with --steady-rate.")
    String depth = "full";

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Processor setting for this run. Repeatable.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--keep-dir", paramLabel = "DIR", hidden = true, description = "Use and keep DIR.")
    Path keepDir;

    @Override
    public Integer call() {
        PipelineBench.Settings s = settings();
        try {
            if (steadyRate != null) {
                LatencyBench.run(s, steadyRate, pollDomainList == null ? null : Duration.ofSeconds(pollDomainList),
                    spec.commandLine().getOut());
            } else {
                PipelineBench.run(s, spec.commandLine().getOut());
            }
            return 0;
        } catch (RuntimeException e) {
            LOG.error("bench failed", e);
            spec.commandLine().getErr().println("tlsrpt bench: failed: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return 1;
        }
    }

    PipelineBench.Settings settings() {
        if (partitions < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--partitions must be at least 1");
        }
        if (!guarantee.equals("exactly_once_v2") && !guarantee.equals("at_least_once")) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "--guarantee must be exactly_once_v2 or at_least_once");
        }
        if (warmup < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--warmup must be at least 0");
        }
        if (pollDomainList != null && (steadyRate == null || pollDomainList < 1)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "--poll-domain-list needs --steady-rate and at least 1 second");
        }
        if (steadyRate != null && steadyRate < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--steady-rate must be at least 1");
        }
        TopologyDepth topologyDepth;
        try {
            topologyDepth = TopologyDepth.of(depth);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--depth: " + e.getMessage(), e);
        }
        if (steadyRate != null && topologyDepth != TopologyDepth.FULL) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "--steady-rate measures the latency to the alerts: it needs --depth full");
        }
        try {
            PipelineBench.Settings s = new PipelineBench.Settings(new Workload(reports, domains, failureMix, seed),
                partitions, guarantee, bootstrap, settings, keepDir, warmup, topologyDepth);
            PipelineBench.processorConfigCheck(s);
            return s;
        } catch (IllegalArgumentException e) {   // InvalidConfigException too
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }
}
