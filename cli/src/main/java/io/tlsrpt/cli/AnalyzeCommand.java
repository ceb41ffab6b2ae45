package io.tlsrpt.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.tlsrpt.cli.domains.DomainTable;
import io.tlsrpt.embedded.ConsumerGroupDrain;
import io.tlsrpt.embedded.ContentTypes;
import io.tlsrpt.embedded.EmbeddedKafka;
import io.tlsrpt.embedded.RawInputProducer;
import io.tlsrpt.embedded.ScratchDirectories;
import io.tlsrpt.embedded.TopicSnapshot;
import io.tlsrpt.processor.app.InvalidConfigException;
import io.tlsrpt.processor.app.ProcessorConfig;
import io.tlsrpt.processor.app.TlsRptProcessor;
import io.tlsrpt.processor.topology.PipelineMetrics;
import io.tlsrpt.schema.serde.AvroSerdeConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tlsrpt analyze PATH...}: runs the whole pipeline (a real embedded Kafka broker and the stream processor)
 * over report files and prints the alerts it raises, one JSON object per line, in the order they were emitted.
 *
 * <p>Files are produced to the raw topic one at a time (never all in memory) with the raw-record contract
 * ({@code tlsrpt.source=cli}); the command then waits until the processor's consumer group has committed everything
 * in the raw and repartition topics, reads {@code tlsrpt.alerts.json} and prints a summary on standard error. The
 * broker and its temporary directory are removed at the end, and on Ctrl-C.
 */
@Command(
    name = "analyze",
    mixinStandardHelpOptions = true,
    description = {
        "Run the TLS-RPT pipeline on an embedded Kafka broker over report files (mails, JSON, gzip, zip) and print "
            + "every alert as one JSON line on standard output, in the order emitted; a summary (files, reports "
            + "read, rejected, duplicates, alerts) goes to standard error.",
        "Directories are walked recursively in sorted path order. The broker and its temporary directory are "
            + "removed at the end, also on Ctrl-C.",
        "Exit codes: 0 ok, 1 pipeline failure, 2 usage error."})
public final class AnalyzeCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(AnalyzeCommand.class);

    /** Consumer group and internal-topic prefix of the processor in an analyze run. */
    static final String APPLICATION_ID = "tlsrpt-analyze";
    /** How long the pipeline may make no progress at all before analyze gives up. */
    private static final Duration STALL_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Report files and directories.")
    List<Path> paths = new ArrayList<>();

    @Option(names = "--set", paramLabel = "KEY=VALUE",
        description = "Processor setting for this run (e.g. detector.min.failed.sessions=20, window.grace=P3D); "
            + "see the processor's configuration keys. Repeatable.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--per-domain", description = "After the summary, a table on standard error: each policy domain's "
        + "days with reports, sessions, the share that failed and the share delivered under no enforced policy "
        + "(no-policy-found, MTA-STS in testing mode), and its reporters; worst first.")
    boolean perDomain;

    @Option(names = "--keep-dir", paramLabel = "DIR", hidden = true,
        description = "Use DIR for the broker and state and keep it (for debugging).")
    Path keepDir;

    @Override
    public Integer call() {
        List<Path> files = inputFiles();
        ProcessorConfig base = processorConfig("127.0.0.1:1", Path.of("unused"));   // validates --set early
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long started = System.nanoTime();
        try (Run run = new Run(keepDir)) {
            Thread hook = new Thread(run::close, "tlsrpt-analyze-cleanup");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                Summary summary = run.execute(files, base, out);
                err.printf("tlsrpt analyze: %d files, %d reports read, %d rejected, %d duplicates, %d alerts "
                        + "(%d late, %.1f s)%n", summary.files, summary.counters.reportsDecoded(),
                    summary.counters.rejected() + summary.notSent, summary.counters.duplicatesDropped(),
                    summary.alerts, summary.counters.lateReports(), (System.nanoTime() - started) / 1e9);
                if (summary.domains != null) {
                    summary.domains.print(err);
                }
                err.flush();
                return 0;
            } finally {
                removeHook(hook);
            }
        } catch (RuntimeException e) {
            LOG.error("analyze failed", e);
            err.println("tlsrpt analyze: failed: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    /** The regular files named or found under the directories, directories walked in sorted path order. */
    List<Path> inputFiles() {
        List<Path> files = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> walk = Files.walk(path)) {
                    walk.filter(Files::isRegularFile).sorted(Comparator.comparing(Path::toString))
                        .forEach(files::add);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot list " + path, e);
                }
            } else if (Files.isRegularFile(path)) {
                files.add(path);
            } else {
                throw new CommandLine.ParameterException(spec.commandLine(),
                    "no such file or directory: " + path);
            }
        }
        return files;
    }

    private ProcessorConfig processorConfig(String bootstrap, Path stateDir) {
        Properties props = new Properties();
        props.setProperty(ProcessorConfig.BOOTSTRAP_SERVERS, bootstrap);
        props.setProperty(ProcessorConfig.APPLICATION_ID, APPLICATION_ID);
        // an in-process registry private to this run
        props.setProperty(ProcessorConfig.SCHEMA_REGISTRY_URL, "mock://analyze-" + UUID.randomUUID());
        props.setProperty(ProcessorConfig.STATE_DIR, stateDir.toString());
        // one partition everywhere: the whole input is processed in order, so the output is reproducible
        props.setProperty(ProcessorConfig.TOPICS_PARTITIONS, "1");
        props.setProperty(ProcessorConfig.TOPICS_REPLICATION_FACTOR, "1");
        props.setProperty(ProcessorConfig.HTTP_PORT, "-1");
        props.setProperty(ProcessorConfig.COMMIT_INTERVAL, "PT0.1S");
        // a one-shot batch whose broker is thrown away at exit: a crash means running again, never resuming, so
        // transactions buy nothing here and cost throughput (--set processing.guarantee=exactly_once_v2 to compare)
        props.setProperty(ProcessorConfig.PROCESSING_GUARANTEE, "at_least_once");
        try {
            return ProcessorConfig.fromProperties(props).with(settings);
        } catch (InvalidConfigException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            LOG.debug("JVM already shutting down; the cleanup hook runs anyway");
        }
    }

    /** What a run did; {@code notSent} files (too large, unreadable) count as rejected. */
    private record Summary(long files, long notSent, PipelineMetrics.Snapshot counters, long alerts,
                           DomainTable domains) {
    }

    /** One analyze run: its temporary directory, broker and processor; closing removes all three. */
    private final class Run implements AutoCloseable {
        private final Path dir;
        private final boolean deleteDir;
        private EmbeddedKafka kafka;
        private TlsRptProcessor processor;
        private boolean closed;

        Run(Path keep) {
            try {
                this.deleteDir = keep == null;
                this.dir = keep == null ? Files.createTempDirectory("tlsrpt-analyze-") : Files.createDirectories(keep);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a temporary directory", e);
            }
        }

        Summary execute(List<Path> files, ProcessorConfig base, PrintWriter out) {
            EmbeddedKafka broker = EmbeddedKafka.builder(dir.resolve("kafka"))
                .property("message.max.bytes", Integer.toString(RawInputProducer.MAX_RECORD_BYTES + 64 * 1024))
                .start();
            synchronized (this) {
                if (closed) {
                    broker.close();
                    throw new IllegalStateException("interrupted");
                }
                kafka = broker;
            }
            ProcessorConfig config = base.with(Map.of(ProcessorConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                ProcessorConfig.STATE_DIR, dir.resolve("state").toString()));
            TlsRptProcessor started = TlsRptProcessor.start(config);
            synchronized (this) {
                if (closed) {
                    started.close();
                    throw new IllegalStateException("interrupted");
                }
                processor = started;
            }
            String rawTopic = config.get(ProcessorConfig.TOPIC_RAW);
            long notSent = produce(files, rawTopic);
            awaitProcessed(files.size() - notSent, rawTopic);
            long alerts = 0;
            for (ConsumerRecord<byte[], byte[]> alert :
                TopicSnapshot.readAll(kafka.clientProperties(), config.get(ProcessorConfig.TOPIC_ALERTS_JSON))) {
                out.println(new String(alert.value(), StandardCharsets.UTF_8));
                alerts++;
            }
            out.flush();
            return new Summary(files.size(), notSent, processor.counters(), alerts, perDomain ? domains(config) : null);
        }

        /** The run's domain statistics (one partition: each window's records in the order written). */
        private DomainTable domains(ProcessorConfig config) {
            DomainTable table = new DomainTable();
            table.read(kafka.clientProperties(), config.get(ProcessorConfig.TOPIC_DOMAIN_STATS),
                Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, config.get(ProcessorConfig.SCHEMA_REGISTRY_URL)),
                stats -> true);
            return table;
        }

        /**
         * Streams the files into the raw topic. A file that cannot be sent (too large, unreadable) is reported on
         * stderr and counted as rejected; the run goes on. Returns how many were not sent.
         */
        private long produce(List<Path> files, String rawTopic) {
            long notSent = 0;
            PrintWriter err = spec.commandLine().getErr();
            try (RawInputProducer producer = new RawInputProducer(kafka.clientProperties(), rawTopic, "cli")) {
                for (Path file : files) {
                    byte[] payload;
                    try {
                        long size = Files.size(file);
                        if (size > RawInputProducer.MAX_RECORD_BYTES) {
                            err.printf("tlsrpt analyze: %s rejected: too-large (%d bytes, at most %d)%n", file, size,
                                RawInputProducer.MAX_RECORD_BYTES);
                            notSent++;
                            continue;
                        }
                        payload = Files.readAllBytes(file);
                    } catch (IOException e) {
                        err.printf("tlsrpt analyze: %s rejected: unreadable (%s)%n", file, e);
                        notSent++;
                        continue;
                    }
                    String name = file.getFileName().toString();
                    producer.send(payload, ContentTypes.guess(name), file.toString(), name, Instant.now());
                }
                producer.flush();
            }
            err.flush();
            return notSent;
        }

        /** Waits until the processor has consumed and committed every raw record and every repartitioned one. */
        private void awaitProcessed(long produced, String rawTopic) {
            try (ConsumerGroupDrain drain = new ConsumerGroupDrain(kafka.clientProperties(), APPLICATION_ID,
                ConsumerGroupDrain.rawAndRepartitionTopics(rawTopic, APPLICATION_ID))) {
                long lastProgress = System.nanoTime();
                Map<String, Long> lastLag = Map.of();
                long lastRaw = -1;
                while (true) {
                    if (!processor.isLive()) {
                        throw new IllegalStateException("the stream processor stopped (state " + processor.state()
                            + "); see the log above");
                    }
                    long raw = processor.counters().rawRecords();
                    Map<String, Long> lag = drain.lag();
                    if (raw >= produced && !lag.isEmpty() && lag.values().stream().allMatch(l -> l == 0)) {
                        return;
                    }
                    if (raw != lastRaw || !lag.equals(lastLag)) {
                        lastProgress = System.nanoTime();
                        lastRaw = raw;
                        lastLag = lag;
                        LOG.debug("processed {} of {} raw records; lag {}", raw, produced, lag);
                    } else if (System.nanoTime() - lastProgress > STALL_TIMEOUT.toNanos()) {
                        throw new IllegalStateException("no progress for " + STALL_TIMEOUT.toMinutes()
                            + " minutes: processed " + raw + " of " + produced + " raw records, lag " + lag);
                    }
                    TimeUnit.MILLISECONDS.sleep(POLL_INTERVAL.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the pipeline", e);
            }
        }

        /** Stops the processor and the broker and deletes the temporary directory; safe to call twice. */
        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (processor != null) {
                try {
                    processor.close();
                } catch (RuntimeException e) {
                    LOG.warn("stopping the stream processor failed", e);
                }
            }
            if (kafka != null) {
                try {
                    kafka.close();
                } catch (RuntimeException e) {
                    LOG.warn("stopping the embedded broker failed", e);
                }
            }
            if (deleteDir) {
                ScratchDirectories.delete(dir);
            }
        }
    }

}
