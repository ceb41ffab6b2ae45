package io.tlsrpt.connect.it;

import static org.awaitility.Awaitility.await;

import io.tlsrpt.connect.Corpus;
import io.tlsrpt.testkafka.TestKeystore;
import io.tlsrpt.connect.record.RawRecords;
import io.tlsrpt.testkafka.KafkaTestCluster;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One attempt at ingesting as the plain user with whatever ACLs it was granted: a distributed worker with
 * exactly-once source support, the spool connector ({@code exactly.once.support=required}, offsets topic of its
 * own) given one report file, and the HTTPS connector (offsets topic of its own) posted one report. Every wait is
 * bounded, so that a missing ACL ends as a described {@link Outcome} rather than a hung test.
 */
final class SecuredIngestRun {

    /** How long the worker may take to join its group (Connect gives up on a topic it cannot see after 30 s). */
    private static final Duration JOIN_WINDOW = Duration.ofSeconds(45);
    /** How long the reports may take to land once the connectors are put. */
    private static final Duration DELIVERY_WINDOW = Duration.ofSeconds(30);

    private final KafkaTestCluster.Secured cluster;
    private final Properties workerClient;
    private final ConnectNames names;
    private final Path spool;
    private final Path keystore;
    final byte[] spoolReport;
    final byte[] httpsReport;

    /** {@code workerClient}: the worker principal's transport and SASL settings (no bootstrap). */
    SecuredIngestRun(KafkaTestCluster.Secured cluster, Properties workerClient, ConnectNames names, Path dir,
                     int reportIndex) throws Exception {
        this.cluster = cluster;
        this.workerClient = workerClient;
        this.names = names;
        this.spool = Files.createDirectories(dir.resolve("spool"));
        Files.createDirectories(spool.resolve("inbox"));
        this.keystore = TestKeystore.create(dir);
        this.spoolReport = Corpus.gzippedReport(reportIndex);
        this.httpsReport = Corpus.gzippedReport(reportIndex + 1);
    }

    /**
     * What happened, in words an operator would use: whether the worker joined, whether each connector's report
     * was committed (and the HTTPS one answered 201), the connectors' states, and the ERRORs logged meanwhile.
     */
    record Outcome(String worker, String spool, String https, List<String> errors) {
        private static final String RUNNING = "connector RUNNING, task 0 RUNNING;";

        boolean everythingWorked() {
            return worker.equals("joined") && errors.isEmpty()
                    && spool.startsWith("delivered (" + RUNNING) && https.startsWith("delivered (" + RUNNING);
        }

        @Override
        public String toString() {
            return "worker " + worker + "; spool: " + spool + "; https: " + https
                    + (errors.isEmpty() ? "; no ERROR logged" : "; ERRORs logged: " + errors);
        }
    }

    Outcome run() throws Exception {
        try (LoggedErrors errors = LoggedErrors.capture();
             DistributedWorker worker = DistributedWorker.start(cluster.bootstrapServers(), workerClient, names)) {
            String joined = awaitJoined(worker);
            if (!joined.equals("joined")) {
                return new Outcome(joined, "not put", "not put", errors.lines());
            }
            Files.write(spool.resolve("inbox").resolve("report.json.gz"), spoolReport);
            String spoolPut = put(worker, names.spoolConnector(), spoolConfig());
            int httpsPort = freePort();
            String httpsPut = put(worker, names.httpsConnector(), httpsConfig(httpsPort));
            Delivery delivery = new Delivery(worker, httpsPort, spoolPut == null, httpsPut == null);
            try {
                await().atMost(DELIVERY_WINDOW).pollInterval(Duration.ofMillis(250)).until(delivery::settled);
            } catch (ConditionTimeoutException e) {
                // not settled within the window: described below as it stands
            }
            return new Outcome(worker.exited() == null ? "joined" : "exited: " + worker.exited(),
                    spoolPut != null ? spoolPut : delivery.spool(), httpsPut != null ? httpsPut : delivery.https(),
                    errors.lines());
        }
    }

    /** Every committed record of the raw topic (read_committed, as the super user), in order. */
    List<ConsumerRecord<String, byte[]>> committed() {
        Map<String, Object> props = new HashMap<>();
        cluster.superUser().forEach((k, v) -> props.put((String) k, v));
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return KafkaConnectHarness.readAll(props, names.raw());
    }

    /** The committed records of {@code report} (keyed by its SHA-256, as the connector keys them). */
    List<ConsumerRecord<String, byte[]>> committed(byte[] report) {
        String key = RawRecords.sha256Hex(report);
        return committed().stream().filter(r -> key.equals(r.key())).toList();
    }

    /** The file names in the spool's {@code sub} directory (inbox, processing, done, failed). */
    List<String> spoolFiles(String sub) throws IOException {
        Path d = spool.resolve(sub);
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (var files = Files.list(d)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String awaitJoined(DistributedWorker worker) {
        try {
            await().atMost(JOIN_WINDOW).pollInterval(Duration.ofMillis(200))
                    .until(() -> worker.exited() != null || worker.joined());
            return worker.exited() == null ? "joined" : "exited: " + worker.exited();
        } catch (ConditionTimeoutException e) {
            return "not joined within " + JOIN_WINDOW.toSeconds() + " s";
        } catch (Exception e) {
            return "not joined: " + rootCause(e);
        }
    }

    /** Null when the leader took the connector config, else why not. */
    private static String put(DistributedWorker worker, String connector, Map<String, String> config) {
        try {
            worker.putConnector(connector, config, DELIVERY_WINDOW);
            return null;
        } catch (Exception e) {
            return "config not taken: " + rootCause(e);
        }
    }

    private static String rootCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private Map<String, String> spoolConfig() {
        Map<String, String> c = new HashMap<>();
        c.put("topic", names.raw());
        c.put("exactly.once.support", "required");
        c.put("offsets.storage.topic", names.spoolOffsetsTopic());
        c.put("spool.enabled", "true");
        c.put("spool.inbox.directory", spool.resolve("inbox").toString());
        c.put("spool.min.file.age.ms", "0");
        c.put("spool.poll.interval.ms", "200");
        return c;
    }

    private Map<String, String> httpsConfig(int port) {
        Map<String, String> c = new HashMap<>();
        c.put("topic", names.raw());
        c.put("offsets.storage.topic", names.httpsOffsetsTopic());
        c.put("https.enabled", "true");
        c.put("https.port", Integer.toString(port));
        c.put("https.keystore.path", keystore.toString());
        c.put("https.keystore.password", TestKeystore.PASSWORD);
        c.put("https.ack.timeout.ms", "5000");
        c.put("https.retry.after.seconds", "1");
        return c;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The two connectors' progress, polled until both delivered or failed. */
    private final class Delivery {
        private final DistributedWorker worker;
        private final URI uri;
        private final HttpClient client;
        private final boolean spoolPut;
        private final boolean httpsPut;
        private final List<String> httpsAnswers = new CopyOnWriteArrayList<>();
        private volatile boolean created;

        Delivery(DistributedWorker worker, int port, boolean spoolPut, boolean httpsPut) throws Exception {
            this.worker = worker;
            this.uri = URI.create("https://127.0.0.1:" + port + "/v1/tlsrpt");
            this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .sslContext(TestKeystore.clientTrusting(keystore)).connectTimeout(Duration.ofSeconds(2)).build();
            this.spoolPut = spoolPut;
            this.httpsPut = httpsPut;
        }

        boolean settled() throws Exception {
            if (httpsPut && !created && !failed(names.httpsConnector())) {
                post();
            }
            return worker.exited() != null
                    || ((!spoolPut || spoolDelivered() || failed(names.spoolConnector()))
                    && (!httpsPut || httpsDelivered() || failed(names.httpsConnector())));
        }

        private void post() throws InterruptedException {
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/tlsrpt+gzip")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(httpsReport)).build();
            String answer;
            try {
                int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                created = status == 201;
                answer = Integer.toString(status);
            } catch (IOException e) {
                answer = e.getClass().getSimpleName();
            }
            if (httpsAnswers.isEmpty() || !httpsAnswers.get(httpsAnswers.size() - 1).equals(answer)) {
                httpsAnswers.add(answer);
            }
        }

        private boolean spoolDelivered() throws IOException {
            return spoolFiles("done").contains("report.json.gz")
                    && !committed(spoolReport).isEmpty();
        }

        private boolean httpsDelivered() {
            return created && !committed(httpsReport).isEmpty();
        }

        private boolean failed(String connector) {
            ConnectorStateInfo s = worker.status(connector);
            return s != null && (s.connector().state().equals("FAILED")
                    || s.tasks().stream().anyMatch(t -> t.state().equals("FAILED")));
        }

        String spool() throws IOException {
            String where = "inbox " + spoolFiles("inbox") + ", processing " + spoolFiles("processing") + ", done "
                    + spoolFiles("done") + ", failed " + spoolFiles("failed");
            return (spoolDelivered() ? "delivered" : "not delivered") + " (" + states(names.spoolConnector()) + "; "
                    + where + ")";
        }

        String https() {
            return (httpsDelivered() ? "delivered" : "not delivered") + " (" + states(names.httpsConnector())
                    + "; answers " + httpsAnswers + ")";
        }

        /** "connector RUNNING, task 0 FAILED: <first line of its trace>". */
        private String states(String connector) {
            ConnectorStateInfo s = worker.status(connector);
            if (s == null) {
                return "no status";
            }
            StringBuilder b = new StringBuilder("connector ").append(s.connector().state()).append(firstLine(
                    s.connector().trace()));
            s.tasks().forEach(t -> b.append(", task ").append(t.id()).append(' ').append(t.state())
                    .append(firstLine(t.trace())));
            if (s.tasks().isEmpty()) {
                b.append(", no task");
            }
            return b.toString();
        }

        private static String firstLine(String trace) {
            if (trace == null || trace.isBlank()) {
                return "";
            }
            // the root cause is the last "Caused by:" of the trace
            String[] lines = trace.split("\n");
            String cause = lines[0];
            for (String line : lines) {
                if (line.startsWith("Caused by: ")) {
                    cause = line.substring("Caused by: ".length());
                }
            }
            return ": " + cause.strip().replace("org.apache.kafka.common.errors.", "")
                    .replace("org.apache.kafka.connect.errors.", "");
        }
    }
}
