package io.tlsrpt.cli.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tlsrpt.connect.TlsRptSourceConnector;
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
 * and answers 201 at once, without Kafka.
 */
@Command(
    name = "intake",
    mixinStandardHelpOptions = true,
    description = {
        "Benchmark the HTTPS intake (plain HTTP on 127.0.0.1) against a receiver that answers 201 at once.",
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

    @Override
    public Integer call() {
        if (connections < 1 || durationSeconds < 1 || warmupSeconds < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "--connections and --duration must be at least 1, --warmup at least 0");
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
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            connections * 2);
        ExecutorService pool = Executors.newFixedThreadPool(maxConcurrent() + 2);
        server.setExecutor(pool);
        server.createContext("/", this::answerCreated);
        server.start();
        try {
            LOG.info("floor receiver on {}", server.getAddress());
            return HttpLoad.run(server.getAddress().getPort(), PATH, CONTENT_TYPE, payload, connections,
                warmupSeconds * 1000L, durationSeconds * 1000L);
        } finally {
            server.stop(0);
            pool.shutdownNow();
        }
    }

    private void answerCreated(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            in.readAllBytes();
            exchange.sendResponseHeaders(201, -1);
        }
    }

    private int maxConcurrent() {
        return Integer.parseInt(connectorSettings.getOrDefault("https.max.concurrent.requests",
            Integer.toString(Math.max(16, connections + 14))));
    }

    /** The connector's endpoint in a real in-process Connect worker; every 201 is a record in Kafka. */
    private HttpLoad.Result runIntake(byte[] payload, PrintWriter out) throws IOException, InterruptedException {
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
                cfg.put("name", "tlsrpt-bench-intake");
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
                connect.herder().putConnectorConfig("tlsrpt-bench-intake", cfg, true, cb);
                cb.get(60, TimeUnit.SECONDS);
                awaitListening(port, Duration.ofSeconds(60));
                HttpLoad.Result r = HttpLoad.run(port, PATH, CONTENT_TYPE, payload, connections,
                    warmupSeconds * 1000L, durationSeconds * 1000L);
                long inKafka = recordsIn(target, topic);
                out.printf(Locale.ROOT, "# records in %s after the run: %,d (every 201 of warm-up and measurement)%n",
                    topic, inKafka);
                return r;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("cannot start the connector", e);
            } finally {
                connect.stop();
                connect.awaitStop();
            }
        } finally {
            PipelineBench.deleteRecursively(dir);
        }
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
