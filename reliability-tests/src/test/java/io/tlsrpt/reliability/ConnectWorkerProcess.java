package io.tlsrpt.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.cli.ConnectDistributed;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Connect worker as its own operating-system process ({@code ConnectDistributed worker.properties} or
 * {@code ConnectStandalone worker.properties connector.properties}, this test's classpath, so the project's connector
 * is found by service loading), reachable over its REST API on a fixed port, killable with SIGKILL and restartable.
 */
final class ConnectWorkerProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectWorkerProcess.class);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final int restPort;
    private final List<String> mainAndArguments;
    private final Process process;
    private final Path log;

    private ConnectWorkerProcess(String name, int restPort, List<String> mainAndArguments, Process process, Path log) {
        this.name = name;
        this.restPort = restPort;
        this.mainAndArguments = mainAndArguments;
        this.process = process;
        this.log = log;
    }

    /** Starts a worker of group {@code groupId} with exactly-once source support, REST on 127.0.0.1:restPort. */
    static ConnectWorkerProcess start(String name, Path dir, String bootstrap, String groupId, int restPort) {
        try {
            Files.createDirectories(dir);
            Properties p = new Properties();
            p.putAll(Map.ofEntries(
                    Map.entry("bootstrap.servers", bootstrap),
                    Map.entry("group.id", groupId),
                    Map.entry("config.storage.topic", groupId + "-configs"),
                    Map.entry("offset.storage.topic", groupId + "-offsets"),
                    Map.entry("status.storage.topic", groupId + "-status"),
                    Map.entry("config.storage.replication.factor", "1"),
                    Map.entry("offset.storage.replication.factor", "1"),
                    Map.entry("status.storage.replication.factor", "1"),
                    Map.entry("key.converter", "org.apache.kafka.connect.storage.StringConverter"),
                    Map.entry("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter"),
                    Map.entry("listeners", "http://127.0.0.1:" + restPort),
                    Map.entry("rest.advertised.host.name", "127.0.0.1"),
                    Map.entry("plugin.discovery", "service_load"),
                    Map.entry("offset.flush.interval.ms", "1000"),
                    // records and source offsets in one transaction: a killed task leaves nothing half-done
                    Map.entry("exactly.once.source.support", "enabled"),
                    // a lost worker's tasks move after its session expires, not after the default 5 minutes
                    Map.entry("scheduled.rebalance.max.delay.ms", "3000"),
                    Map.entry("session.timeout.ms", "8000"),
                    Map.entry("heartbeat.interval.ms", "1000"),
                    Map.entry("task.shutdown.graceful.timeout.ms", "10000")));
            Path props = store(p, dir.resolve(name + ".properties"));
            return launch(name, restPort, List.of(ConnectDistributed.class.getName(), props.toString()),
                    dir.resolve(name + ".log"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Connect worker " + name, e);
        }
    }

    /**
     * Starts a worker in standalone mode ({@code ConnectStandalone worker.properties connector.properties}): source
     * offsets in a file ({@code <name>.offsets}, flushed every second), at-least-once delivery, REST on
     * 127.0.0.1:restPort.
     */
    static ConnectWorkerProcess startStandalone(String name, Path dir, String bootstrap, int restPort,
                                                Map<String, String> connector) {
        try {
            Files.createDirectories(dir);
            Properties worker = new Properties();
            worker.putAll(Map.of(
                    "bootstrap.servers", bootstrap,
                    "offset.storage.file.filename", dir.resolve(name + ".offsets").toString(),
                    "offset.flush.interval.ms", "1000",
                    "key.converter", "org.apache.kafka.connect.storage.StringConverter",
                    "value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter",
                    "listeners", "http://127.0.0.1:" + restPort,
                    "rest.advertised.host.name", "127.0.0.1",
                    "plugin.discovery", "service_load",
                    "task.shutdown.graceful.timeout.ms", "10000"));
            Properties connectorProps = new Properties();
            connectorProps.putAll(connector);
            Path workerFile = store(worker, dir.resolve(name + ".properties"));
            Path connectorFile = store(connectorProps, dir.resolve(name + "-connector.properties"));
            return launch(name, restPort, List.of(ConnectStandalone.class.getName(), workerFile.toString(),
                    connectorFile.toString()), dir.resolve(name + ".log"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Connect worker " + name, e);
        }
    }

    private static Path store(Properties p, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            p.store(out, "reliability test Connect worker");
        }
        return file;
    }

    /**
     * The same worker started again after it died: a new JVM from the same properties file, on the same REST port
     * (so with the same worker id), logging to {@code <name>-<suffix>.log}.
     */
    ConnectWorkerProcess restart(String suffix) {
        if (process.isAlive()) {
            throw new IllegalStateException("worker " + name + " is still running");
        }
        try {
            return launch(name, restPort, mainAndArguments, log.resolveSibling(name + "-" + suffix + ".log"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restart Connect worker " + name, e);
        }
    }

    private static ConnectWorkerProcess launch(String name, int restPort, List<String> mainAndArguments, Path log)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path")));
        command.addAll(mainAndArguments);
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
        LOG.info("started Connect worker {} (pid {}, REST port {}), log {}", name, process.pid(), restPort, log);
        return new ConnectWorkerProcess(name, restPort, mainAndArguments, process, log);
    }

    String name() {
        return name;
    }

    int restPort() {
        return restPort;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    /** The worker id (host:port) running the connector's single task when that task is RUNNING, else null. */
    String runningTaskWorker(String connector) throws IOException {
        String body = get("/connectors/" + connector + "/status");
        if (body == null) {
            return null;
        }
        JsonNode tasks = JSON.readTree(body).path("tasks");
        if (tasks.size() != 1 || !tasks.get(0).path("state").asText().equals("RUNNING")) {
            return null;
        }
        return tasks.get(0).path("worker_id").asText();
    }

    /** Whether this worker runs the connector's task (its worker id ends with this worker's REST port). */
    boolean runsTaskOf(String connector) throws IOException {
        String worker = runningTaskWorker(connector);
        return worker != null && worker.endsWith(":" + restPort);
    }

    /** GET on the REST API; the body, or null when the worker does not answer 200. */
    String get(String path) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** PUT of a JSON body; the status code, or -1 when the worker does not answer. */
    int put(String path, String json) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + restPort + path);
    }

    /** SIGKILL. */
    void kill() {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(30));
        LOG.info("killed Connect worker {} with SIGKILL", name);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            if (!waitFor(Duration.ofSeconds(60))) {
                process.destroyForcibly();
                waitFor(Duration.ofSeconds(30));
            }
        }
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for worker " + name, e);
        }
    }
}
