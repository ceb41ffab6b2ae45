package io.tlsrpt.cli.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.management.AttributeNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import io.tlsrpt.connect.TlsRptSourceConnector;
import io.tlsrpt.embedded.ScratchDirectories;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.Herder;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorInfo;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.apache.kafka.connect.util.FutureCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tlsrpt bench intake}: the ingest connector's HTTPS endpoint (plain-HTTP mode, 127.0.0.1, in a real
 * in-process Connect worker, answering 201 only after Kafka's acknowledgement) under N keep-alive connections POSTing
 * a real gzip report, side by side with the floor: a JDK HTTP server on the same thread budget that reads the body
 * and answers 201 at once, without Kafka. With {@code --serve-seconds} it only starts both receivers and prints their
 * URLs, so that an external load generator (wrk) can drive them; then it prints the 201s each answered.
 */
@Command(
    name = "intake",
    mixinStandardHelpOptions = true,
    description = {
        "Benchmark the HTTPS intake (plain HTTP on 127.0.0.1) against a receiver that answers 201 at once.",
        "With --serve-seconds: start both receivers for an external load generator (wrk) instead.",
        "Exit codes: 0 ok, 1 benchmark failure, 2 usage error."})
public final class IntakeBenchCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(IntakeBenchCommand.class);
    private static final String PATH = "/v1/tlsrpt";
    private static final String CONTENT_TYPE = "application/tlsrpt+gzip";
    /** The request body unless --body: a real 306-byte gzip report from Google (the shared corpus). */
    private static final String DEFAULT_BODY = "google-report.json.gz";
    /** Anchor of issue 6: a Node.js Express receiver that only validates the JSON, same load, same machines. */
    private static final double ANCHOR_RPS = 6_500;
    private static final String JDK_SERVER_NODELAY = "sun.net.httpserver.nodelay";
    private static final String CONNECTOR_NAME = "tlsrpt-bench-intake";
    private static final int MAX_SERVE_SECONDS = 3_600;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--connections", paramLabel = "N", description = "Keep-alive connections (default: ${DEFAULT-VALUE}).")
    int connections = 50;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Measured seconds per target (default: ${DEFAULT-VALUE}).")
    int durationSeconds = 15;

    @Option(names = "--warmup", paramLabel = "SECONDS", description = "Warm-up seconds per target (default: ${DEFAULT-VALUE}).")
    int warmupSeconds = 5;

    @Option(names = "--body", paramLabel = "FILE", description = "Request body (default: a real 306-byte gzip report).")
    Path body;

    @Option(names = "--partitions", paramLabel = "N", description = "Partitions of tlsrpt.raw (default: ${DEFAULT-VALUE}).")
    int partitions = 1;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "External cluster; default: embedded broker.")
    String bootstrap;

    @Option(names = "--worker-set", paramLabel = "KEY=VALUE",
        description = "Connect worker setting (e.g. producer.linger.ms=5). Repeatable.")
    Map<String, String> workerSettings = new HashMap<>();

    @Option(names = "--connector-set", paramLabel = "KEY=VALUE",
        description = "Connector setting (e.g. https.max.concurrent.requests=64). Repeatable.")
    Map<String, String> connectorSettings = new HashMap<>();

    @Option(names = "--serve-seconds", paramLabel = "SECONDS",
        description = {"Do not load the receivers: start both, print their URLs and serve for SECONDS (at most "
            + MAX_SERVE_SECONDS + ") or until a line \"stop\" on standard input, for an external load generator "
            + "such as wrk; then print the 201s each answered and the records in tlsrpt.raw.",
            "0 (default): measure with the built-in load generator."})
    int serveSeconds;

    /** Where a "stop" line ends --serve-seconds early; standard input unless a test gives another. */
    InputStream control = System.in;

    @Override
    public Integer call() {
        if (connections < 1 || durationSeconds < 1 || warmupSeconds < 0 || serveSeconds < 0
            || serveSeconds > MAX_SERVE_SECONDS) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "--connections and --duration must be at least 1, --warmup at least 0, --serve-seconds 0 to "
                    + MAX_SERVE_SECONDS);
        }
        PrintWriter out = spec.commandLine().getOut();
        // The JDK server reads its settings once per JVM, when the first server starts. The floor starts first
        // here, so it would fix them for the connector's receiver too (which sets TCP_NODELAY only when it is the
        // first): give both the receiver's setting, so that the comparison is fair and the connector runs as it
        // does alone in a worker. Without it both pay Nagle + delayed ACK (~40 ms per answer).
        if (System.getProperty(JDK_SERVER_NODELAY) == null) {
            System.setProperty(JDK_SERVER_NODELAY, "true");
        }
        try {
            if (serveSeconds > 0) {
                serve(out);
                return 0;
            }
            byte[] payload = body == null ? defaultBody() : Files.readAllBytes(body);
            HttpLoad.Result floor = runFloor(payload);
            HttpLoad.Result intake = runIntake(payload, out);
            print(out, payload, floor, intake);
            return 0;
        } catch (IOException e) {
            spec.commandLine().getErr().println("tlsrpt bench intake: " + e);
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (RuntimeException e) {
            LOG.error("intake bench failed", e);
            spec.commandLine().getErr().println("tlsrpt bench intake: failed: " + e.getMessage());
            return 1;
        }
    }

    private static byte[] defaultBody() throws IOException {
        try (InputStream in = IntakeBenchCommand.class.getResourceAsStream(DEFAULT_BODY)) {
            if (in == null) {
                throw new IOException("missing resource " + DEFAULT_BODY);
            }
            return in.readAllBytes();
        }
    }

    /** The floor: a JDK HttpServer with as many threads as the connector's receiver, answering 201 at once. */
    private HttpLoad.Result runFloor(byte[] payload) throws IOException, InterruptedException {
        try (FloorReceiver floor = startFloor()) {
            LOG.info("floor receiver on port {}", floor.port());
            return HttpLoad.run(floor.port(), PATH, CONTENT_TYPE, payload, connections, warmupSeconds * 1000L,
                durationSeconds * 1000L);
        }
    }

    private FloorReceiver startFloor() throws IOException {
        return FloorReceiver.start(maxConcurrent() + 2, connections * 2);
    }

    /** Both receivers up at once for an external load generator; what each answered once it is over. */
    private void serve(PrintWriter out) throws IOException, InterruptedException {
        try (FloorReceiver floor = startFloor()) {
            withConnector(out, port -> {
                out.printf(Locale.ROOT, "# floor (JDK HttpServer, 201 at once): http://127.0.0.1:%d%s%n",
                    floor.port(), PATH);
                out.printf(Locale.ROOT, "# connector (201 after Kafka ack): http://127.0.0.1:%d%s%n", port, PATH);
                out.printf(Locale.ROOT, "# serving for %d s or until a line \"stop\" on standard input%n",
                    serveSeconds);
                out.flush();
                awaitStop();
                return null;
            });
            out.printf(Locale.ROOT, "# floor answered 201: %,d%n", floor.created());
            out.flush();
        }
    }

    /** Returns after --serve-seconds or once the control input says "stop", whichever comes first. */
    private void awaitStop() throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        // a daemon: a read blocked on standard input must not keep the JVM alive once the time is up
        Thread reader = new Thread(() -> {
            BufferedReader lines = new BufferedReader(new InputStreamReader(control, StandardCharsets.US_ASCII));
            try {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if ("stop".equals(line.trim())) {
                        stop.countDown();
                        return;
                    }
                }
            } catch (IOException e) {
                LOG.debug("control input unreadable, serving until the time is up: {}", e.toString());
            }
        }, "tlsrpt-bench-serve-control");
        reader.setDaemon(true);
        reader.start();
        stop.await(serveSeconds, TimeUnit.SECONDS);
    }

    private int maxConcurrent() {
        return Integer.parseInt(connectorSettings.getOrDefault("https.max.concurrent.requests",
            Integer.toString(Math.max(16, connections + 14))));
    }

    /** The connector's endpoint in a real in-process Connect worker; every 201 is a record in Kafka. */
    private HttpLoad.Result runIntake(byte[] payload, PrintWriter out) throws IOException, InterruptedException {
        return withConnector(out, port -> HttpLoad.run(port, PATH, CONTENT_TYPE, payload, connections,
            warmupSeconds * 1000L, durationSeconds * 1000L));
    }

    /** What runs against the connector's endpoint while it is up. */
    @FunctionalInterface
    private interface AtEndpoint<T> {
        T use(int port) throws IOException, InterruptedException;
    }

    /**
     * Starts the connector in a real in-process Connect worker, lets {@code use} run against its endpoint, then
     * prints the 201s it answered and the records in the raw topic and fails if it answered 201 for more records
     * than Kafka holds.
     */
    private <T> T withConnector(PrintWriter out, AtEndpoint<T> use) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("tlsrpt-bench-intake-");
        String runId = UUID.randomUUID().toString().substring(0, 8);
        try (BenchTarget target = BenchTarget.open(bootstrap, dir, runId)) {
            String topic = target.name("tlsrpt.raw");
            target.createTopics(partitions, topic);
            int port = freePort();
            Map<String, String> worker = new HashMap<>();
            worker.put("bootstrap.servers", target.bootstrap());
            worker.put("offset.storage.file.filename", dir.resolve("connect.offsets").toString());
            worker.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
            worker.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
            worker.put("listeners", "http://127.0.0.1:0");
            worker.put("plugin.discovery", "service_load");
            worker.putAll(workerSettings);
            Connect<StandaloneHerder> connect = new ConnectStandalone().startConnect(worker);
            try {
                Map<String, String> cfg = new HashMap<>();
                cfg.put("name", CONNECTOR_NAME);
                cfg.put("connector.class", TlsRptSourceConnector.class.getName());
                cfg.put("topic", topic);
                cfg.put("https.enabled", "true");
                cfg.put("https.tls.enabled", "false");
                cfg.put("https.bind.address", "127.0.0.1");
                cfg.put("https.port", Integer.toString(port));
                cfg.put("https.path", PATH);
                cfg.put("https.max.concurrent.requests", Integer.toString(maxConcurrent()));
                cfg.putAll(connectorSettings);
                FutureCallback<Herder.Created<ConnectorInfo>> cb = new FutureCallback<>();
                connect.herder().putConnectorConfig(CONNECTOR_NAME, cfg, true, cb);
                cb.get(60, TimeUnit.SECONDS);
                awaitListening(port, Duration.ofSeconds(60));
                T result = use.use(port);
                long answered = connectorCreated();
                long inKafka = recordsIn(target, topic);
                out.printf(Locale.ROOT, "# connector answered 201: %,d (its https-requests-total metric)%n", answered);
                out.printf(Locale.ROOT, "# records in %s after the run: %,d (every 201 of warm-up and measurement)%n",
                    topic, inKafka);
                if (inKafka >= 0 && answered > inKafka) {
                    throw new IllegalStateException("not durable: the connector answered 201 " + answered
                        + " times but " + topic + " holds " + inKafka + " records");
                }
                return result;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("cannot start the connector", e);
            } finally {
                connect.stop();
                connect.awaitStop();
            }
        } finally {
            ScratchDirectories.delete(dir);
        }
    }

    /** The connector's 201 answers, from its https-requests-total metric in the worker's JMX (0 before the first). */
    private static long connectorCreated() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        double total = 0;
        try {
            for (ObjectName name : server.queryNames(
                new ObjectName("kafka.connect:type=plugins,connector=" + CONNECTOR_NAME + ",*"), null)) {
                if ("201".equals(name.getKeyProperty("status"))) {
                    total += ((Number) server.getAttribute(name, "https-requests-total")).doubleValue();
                }
            }
        } catch (AttributeNotFoundException e) {
            throw new IllegalStateException("the connector's status metric has no https-requests-total", e);
        } catch (JMException e) {
            throw new IllegalStateException("cannot read the connector's metrics", e);
        }
        return (long) total;
    }

    private static long recordsIn(BenchTarget target, String topic) {
        try (Admin admin = Admin.create(target.client())) {
            Map<TopicPartition, OffsetSpec> req = new HashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions()
                .forEach(p -> req.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            return admin.listOffsets(req).all().get(30, TimeUnit.SECONDS).values().stream()
                .mapToLong(i -> i.offset()).sum();
        } catch (Exception e) {
            LOG.warn("cannot count the records in {}", topic, e);
            return -1;
        }
    }

    private static void awaitListening(int port, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
        throw new IllegalStateException("the connector's endpoint did not listen on port " + port + " within "
            + timeout);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void print(PrintWriter out, byte[] payload, HttpLoad.Result floor, HttpLoad.Result intake) {
        out.printf(Locale.ROOT, "%n# tlsrpt bench intake: %d connections, %d-byte gzip body, %d s warm-up + %d s "
                + "per target, %d cores%n%n", connections, payload.length, warmupSeconds, durationSeconds,
            Runtime.getRuntime().availableProcessors());
        out.println("| receiver | 201 answers | other | I/O errors | requests/s | p50 ms | p99 ms | vs floor "
            + "| vs anchor 6,500/s |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        row(out, "floor: JDK HttpServer, 201 at once", floor, floor);
        row(out, "ingest connector, 201 after Kafka ack", intake, floor);
        out.flush();
    }

    private static void row(PrintWriter out, String name, HttpLoad.Result r, HttpLoad.Result floor) {
        out.printf(Locale.ROOT, "| %s | %,d | %,d | %,d | %,.0f | %.1f | %.1f | %.2f | %.2f |%n", name, r.created(),
            r.otherStatus(), r.ioErrors(), r.requestsPerSecond(), r.percentileMicros(50) / 1000.0,
            r.percentileMicros(99) / 1000.0, r.requestsPerSecond() / floor.requestsPerSecond(),
            r.requestsPerSecond() / ANCHOR_RPS);
    }
}
