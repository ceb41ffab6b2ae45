package io.tlsrpt.cli.run;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.tlsrpt.embedded.EmbeddedKafka;
import io.tlsrpt.embedded.ListenPorts;
import io.tlsrpt.embedded.RawInputProducer;
import io.tlsrpt.notify.AlertmanagerNotifier;
import io.tlsrpt.notify.NotifierConfig;
import io.tlsrpt.processor.app.ProcessorConfig;
import io.tlsrpt.processor.app.TlsRptProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running parts of a local run, all on 127.0.0.1: the embedded broker (unless an external cluster is given), the
 * stream processor with its metrics and health endpoints, the Alertmanager notifier (when asked for), the alert
 * console and the Connect worker running the intake. Started in that order, closed in the reverse one, the intake
 * first so that nothing new comes in while the rest stops. Every piece of state lives in the data directory.
 */
public final class LocalPipeline implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalPipeline.class);
    /** Kafka Streams application id (consumer group, internal topic prefix) of the local run. */
    public static final String APPLICATION_ID = "tlsrpt-run";
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration PROCESSOR_CLOSE_TIMEOUT = Duration.ofSeconds(15);

    private final RunSettings settings;
    private final DataLayout layout;
    private EmbeddedKafka kafka;
    private String bootstrap;
    private TlsRptProcessor processor;
    private AlertmanagerNotifier notifier;
    private AlertConsole console;
    private IntakeTls tls;
    private IntakeWorker intake;
    private int intakePort;
    private boolean closed;

    private LocalPipeline(RunSettings settings) {
        this.settings = settings;
        this.layout = new DataLayout(settings.dataDir());
    }

    /** A pipeline not started yet: {@link #close()} may be called at any time, also while it starts. */
    public static LocalPipeline create(RunSettings settings) {
        return new LocalPipeline(settings);
    }

    /**
     * Starts every part and waits until the processor and the intake run; alert lines go to {@code out}. When
     * {@link #close()} is called meanwhile, what has started is stopped and this throws {@link StoppedException}.
     *
     * @throws IllegalStateException with a message fit for the user (a port in use, a part that did not start)
     */
    public void start(PrintWriter out) {
        try {
            startParts(out);
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    private void startParts(PrintWriter out) {
        intakePort = settings.intakePort() == 0 ? freePort() : settings.intakePort();
        int metricsPort = settings.metricsPort() == 0 ? freePort() : settings.metricsPort();
        if (intakePort == metricsPort) {
            throw new IllegalStateException("the intake and the metrics endpoints cannot share port " + intakePort);
        }
        requireFree(intakePort, "the intake endpoint (--http-port)");
        requireFree(metricsPort, "the metrics endpoint (--metrics-port)");
        layout.create();
        // keytool takes seconds on first start: make the key pair while the broker starts
        CompletableFuture<IntakeTls> tlsReady = CompletableFuture.supplyAsync(() -> IntakeTls.loadOrCreate(layout.tls()));
        if (settings.embeddedBroker()) {
            kafka = adopt(EmbeddedKafka.builder(layout.kafka())
                .property("message.max.bytes", Integer.toString(RawInputProducer.MAX_RECORD_BYTES + 64 * 1024))
                .start());
            bootstrap = kafka.bootstrapServers();
        } else {
            bootstrap = settings.bootstrap();
        }
        ProcessorConfig config = processorConfig(metricsPort);
        FixedSchemaIds.register(settings.registryUrl(), config.topicNames());
        processor = adopt(TlsRptProcessor.start(config));   // topics exist when it returns; Streams starts meanwhile
        if (settings.alertmanager() != null) {
            Map<String, String> n = new LinkedHashMap<>();
            n.put(NotifierConfig.BOOTSTRAP_SERVERS, bootstrap);
            n.put(NotifierConfig.TOPIC, config.get(ProcessorConfig.TOPIC_ALERTS_JSON));
            n.put(NotifierConfig.GROUP_ID, "tlsrpt-run-notifier");
            n.put(NotifierConfig.ALERTMANAGER_URLS, settings.alertmanager().toString());
            // each alert links to what the processor holds about its domain (bin/tlsrpt domain, the same URL)
            n.put(NotifierConfig.DOMAIN_URL, domainQueryUrl() + NotifierConfig.DOMAIN_PLACEHOLDER);
            // its meters appear on the processor's /metrics
            notifier = adopt(AlertmanagerNotifier.start(NotifierConfig.from(n), processor.meterRegistry()));
        }
        console = adopt(AlertConsole.start(bootstrap, config.get(ProcessorConfig.TOPIC_ALERTS_JSON), out));
        try {
            tls = tlsReady.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        intake = adopt(IntakeWorker.start(bootstrap, config.get(ProcessorConfig.TOPIC_RAW), layout, tls, intakePort));
        awaitProcessorReady();
    }

    /** Takes a started part in, or stops it at once when the pipeline was closed while it started. */
    private synchronized <T extends AutoCloseable> T adopt(T part) {
        if (closed) {
            try {
                part.close();
            } catch (Exception e) {
                LOG.warn("stopping a part started during the stop failed: {}", e.toString());
            }
            throw new StoppedException();
        }
        return part;
    }

    private ProcessorConfig processorConfig(int metricsPort) {
        Properties props = new Properties();
        props.setProperty(ProcessorConfig.APPLICATION_ID, APPLICATION_ID);
        if (settings.embeddedBroker()) {
            // one broker: one partition each, one replica; the input is processed in the order it arrived
            props.setProperty(ProcessorConfig.TOPICS_PARTITIONS, "1");
            props.setProperty(ProcessorConfig.TOPICS_REPLICATION_FACTOR, "1");
        }
        // TLSRPT_* variables tune the processor; what the run owns is set after them
        return ProcessorConfig.fromProperties(props, System.getenv()).with(Map.of(
            ProcessorConfig.BOOTSTRAP_SERVERS, bootstrap,
            ProcessorConfig.SCHEMA_REGISTRY_URL, settings.registryUrl(),
            ProcessorConfig.STATE_DIR, layout.streamsState().toString(),
            ProcessorConfig.HTTP_HOST, "127.0.0.1",
            ProcessorConfig.HTTP_PORT, Integer.toString(metricsPort)));
    }

    private void awaitProcessorReady() {
        try {
            if (isClosed()) {
                throw new StoppedException();
            }
            if (!processor.awaitReady(READY_TIMEOUT)) {
                throw new IllegalStateException("the stream processor did not become ready within "
                    + READY_TIMEOUT.toSeconds() + " s (state " + processor.state() + "); see the log above");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the stream processor", e);
        }
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    /** The Kafka bootstrap address (embedded or external). */
    public String bootstrap() {
        return bootstrap;
    }

    public DataLayout layout() {
        return layout;
    }

    public RunSettings settings() {
        return settings;
    }

    public TlsRptProcessor processor() {
        return processor;
    }

    public IntakeTls tls() {
        return tls;
    }

    public AlertConsole console() {
        return console;
    }

    /** The URL reports are POSTed to. */
    public URI intakeUrl() {
        return URI.create("https://127.0.0.1:" + intakePort + IntakeWorker.PATH);
    }

    /** The processor's Prometheus endpoint. */
    public URI metricsUrl() {
        // on the management port when TLSRPT_HTTP_MANAGEMENT_PORT gives one
        InetSocketAddress a = processor.managementAddress();
        return URI.create("http://127.0.0.1:" + a.getPort() + "/metrics");
    }

    /** The processor's HTTP server (metrics, health, domain queries). */
    public String processorUrl() {
        return "http://127.0.0.1:" + processor.httpAddress().getPort();
    }

    /** The processor's domain queries: append a policy domain. */
    public String domainQueryUrl() {
        return processorUrl() + TlsRptProcessor.DOMAIN_QUERY_PATH;
    }

    /** Null while every part runs, otherwise what stopped. */
    public String failure() {
        if (processor != null && !processor.isLive()) {
            return "the stream processor stopped (state " + processor.state() + ")";
        }
        if (notifier != null && !notifier.isRunning()) {
            return "the Alertmanager notifier stopped: " + notifier.failure();
        }
        String intakeProblems = intake == null ? "" : intake.problems();
        return intakeProblems.isEmpty() ? null : "the intake connector: " + intakeProblems;
    }

    /** Stops intake, processor, notifier, console and broker, in that order; safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long started = System.nanoTime();
        if (intake != null) {
            quietly("the intake worker", intake::close);
        }
        if (processor != null) {
            quietly("the stream processor", () -> processor.close(PROCESSOR_CLOSE_TIMEOUT));
        }
        if (notifier != null) {
            quietly("the notifier", notifier::close);
        }
        if (console != null) {
            quietly("the alert console", console::close);
        }
        if (kafka != null) {
            quietly("the embedded broker", kafka::close);
        }
        LOG.info("local run stopped in {} ms", Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    private static void quietly(String what, Runnable close) {
        try {
            close.run();
        } catch (RuntimeException e) {
            LOG.warn("stopping {} failed: {}", what, e.toString());
            LOG.debug("stopping {} failed", what, e);
        }
    }

    private static void requireFree(int port, String what) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
        } catch (IOException e) {
            throw new PortInUseException("port " + port + " on 127.0.0.1, wanted for " + what
                + ", is in use (another tlsrpt run?); choose another port or stop what listens there");
        }
    }

    private static int freePort() {
        return ListenPorts.free();
    }

    /** The pipeline was closed while it started. */
    public static final class StoppedException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        StoppedException() {
            super("stopped while starting");
        }
    }

    /** A port the run needs is taken. */
    public static final class PortInUseException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        PortInUseException(String message) {
            super(message);
        }
    }
}
