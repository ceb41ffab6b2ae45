package io.tlsrpt.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.tlsrpt.cli.run.LocalRun;
import io.tlsrpt.cli.run.RunSettings;
import io.tlsrpt.schema.serde.MockSchemaRegistry;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tlsrpt run}: the whole pipeline on this machine, in this process, until Ctrl-C. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
        "Run the whole TLS-RPT pipeline on this machine, all on 127.0.0.1 in one process: an embedded Kafka broker "
            + "(KRaft), a Kafka Connect worker running the intake (an HTTPS endpoint and a spool directory), the "
            + "stream processor and its metrics and health endpoints. Prints where to send reports, then one line "
            + "per alert as alerts fire.",
        "Everything is kept in the data directory: Ctrl-C stops cleanly and a new start resumes where it stopped "
            + "(nothing re-alerted, nothing lost).",
        "Exit codes: 0 stopped by Ctrl-C, 1 a part failed or could not start (e.g. a port in use), 2 usage error."})
public final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR",
        description = "Where the broker, the processor state, the intake offsets, the spool and the TLS key live; "
            + "kept across restarts (default: ${DEFAULT-VALUE}).")
    Path dataDir = Path.of("data");

    @Option(names = "--seed",
        description = "Feed a generated month of normal traffic for a few domains (Google, Microsoft and Postfix "
            + "shaped reports) with a STARTTLS downgrade on example.org, through the HTTPS endpoint and the spool "
            + "directory; a starttls-downgrade-suspected alert follows. Once per data directory.")
    boolean seed;

    @Option(names = "--http-port", paramLabel = "PORT",
        description = "Port of the HTTPS intake endpoint on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0: any free port).")
    int httpPort = RunSettings.DEFAULT_INTAKE_PORT;

    @Option(names = "--metrics-port", paramLabel = "PORT",
        description = "Port of /metrics and /health/* on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0: any free port).")
    int metricsPort = RunSettings.DEFAULT_METRICS_PORT;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT[,...]",
        description = "Use this Kafka cluster instead of the embedded broker.")
    String bootstrap;

    @Option(names = "--registry", paramLabel = "URL",
        description = "Confluent-compatible schema registry (http(s)://host:port[/apis/ccompat/v7]) instead of the "
            + "in-process ${DEFAULT-VALUE}.")
    String registry = RunSettings.DEFAULT_REGISTRY;

    @Option(names = "--alertmanager", paramLabel = "URL",
        description = "Also deliver alerts to this Alertmanager (base URL, e.g. http://127.0.0.1:9093); each links to "
            + "the processor's view of its domain (annotation domain_url).")
    URI alertmanager;

    @Override
    public Integer call() {
        RunSettings settings = settings();
        quietLogs();
        PrintWriter out = spec.commandLine().getOut();
        LocalRun run = new LocalRun(settings, out);
        Thread hook = new Thread(run::stop, "tlsrpt-run-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        int code = run.runUntilStopped();
        if (code != 0) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                LOG.debug("JVM already shutting down");
            }
        }
        return code;
    }

    /**
     * The terminal shows what to send where and the alert lines: keep the log (stderr) to warnings of our own and
     * errors of Kafka's unless TLSRPT_LOG_LEVEL / TLSRPT_KAFKA_LOG_LEVEL / TLSRPT_ACCESS_LOG_LEVEL ask for more (see
     * log4j2.xml).
     */
    private static void quietLogs() {
        if (System.getenv("TLSRPT_LOG_LEVEL") == null) {
            Configurator.setLevel("io.tlsrpt", Level.WARN);
        }
        if (System.getenv("TLSRPT_ACCESS_LOG_LEVEL") == null) {
            // the processor's line per query (its logger's own level in log4j2.xml): not in the run's terminal
            Configurator.setLevel("io.tlsrpt.processor.access", Level.WARN);
        }
        if (System.getenv("TLSRPT_KAFKA_LOG_LEVEL") == null) {
            Configurator.setRootLevel(Level.ERROR);
            // "exceptionally slow controller event" is logged as an ERROR on a busy machine; nothing is wrong
            Configurator.setLevel("org.apache.kafka.controller.EventPerformanceMonitor", Level.OFF);
            // the embedded broker logs a refused produce request as an ERROR with a stack trace, e.g. the
            // out-of-order first request on a fresh partition that Kafka 4.4 rejects on purpose (KAFKA-15591) and the
            // producer then retries; the client, whose errors still show, is the one that sees a real failure
            Configurator.setLevel("kafka.server.ReplicaManager", Level.OFF);
        }
    }

    /** The settings from the options; a bad value is a usage error (exit 2). */
    RunSettings settings() {
        if (bootstrap != null && bootstrap.isBlank()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--bootstrap must not be empty");
        }
        String url = registry.trim();
        if (!MockSchemaRegistry.isMockUrl(url) && !url.startsWith("http://") && !url.startsWith("https://")) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "--registry must be an http(s):// or mock:// URL: " + registry);
        }
        if (alertmanager != null && !("http".equals(alertmanager.getScheme())
            || "https".equals(alertmanager.getScheme()))) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "--alertmanager must be an http(s):// URL: " + alertmanager);
        }
        try {
            return new RunSettings(dataDir, bootstrap, url, httpPort, metricsPort, alertmanager, seed);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }
}
