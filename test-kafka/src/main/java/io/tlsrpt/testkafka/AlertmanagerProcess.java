package io.tlsrpt.testkafka;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Alertmanager (Debian's {@code prometheus-alertmanager}) on 127.0.0.1, started and stopped by the test.
 * The binary is found via {@code TLSRPT_ALERTMANAGER_BIN}, /usr/bin/prometheus-alertmanager or the PATH; a missing
 * binary fails the test with instructions rather than skipping it.
 */
public final class AlertmanagerProcess implements AutoCloseable {

    public static final String CONFIG = """
            global:
              resolve_timeout: 5m
            route:
              receiver: blackhole
              group_by: [policy_domain]
            receivers:
              - name: blackhole
            """;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path dir;
    private final int port;
    private final Path configFile;
    private final Path webConfigFile;
    private final HttpClient http;
    private final String authorization;
    private Process process;

    /** Plain HTTP, no auth, the minimal {@link #CONFIG}. */
    public AlertmanagerProcess(Path dir) throws IOException {
        this(dir, null, null, HTTP, null);
    }

    /**
     * @param configFile    Alertmanager configuration; null = {@link #CONFIG}
     * @param webConfigYaml content of --web.config.file (TLS, basic auth); null = none
     * @param http          client the test uses to read Alertmanager (trusting its certificate when TLS is on)
     * @param authorization Authorization header the test sends; null = none
     */
    public AlertmanagerProcess(Path dir, Path configFile, String webConfigYaml, HttpClient http, String authorization)
            throws IOException {
        this.dir = Files.createDirectories(dir);
        this.port = freePort();
        if (configFile == null) {
            configFile = dir.resolve("alertmanager.yml");
            Files.writeString(configFile, CONFIG);
        }
        this.configFile = configFile;
        if (webConfigYaml != null) {
            webConfigFile = dir.resolve("web.yml");
            Files.writeString(webConfigFile, webConfigYaml);
        } else {
            webConfigFile = null;
        }
        this.http = http;
        this.authorization = authorization;
    }

    public static Path binary() {
        List<Path> candidates = new ArrayList<>();
        String fromEnv = System.getenv("TLSRPT_ALERTMANAGER_BIN");
        if (fromEnv != null && !fromEnv.isBlank()) {
            candidates.add(Path.of(fromEnv));
        }
        candidates.add(Path.of("/usr/bin/prometheus-alertmanager"));
        for (String p : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!p.isEmpty()) {
                candidates.add(Path.of(p, "prometheus-alertmanager"));
                candidates.add(Path.of(p, "alertmanager"));
            }
        }
        return candidates.stream().filter(Files::isExecutable).findFirst().orElseThrow(() -> new AssertionError(
                "Alertmanager binary not found (looked at TLSRPT_ALERTMANAGER_BIN, /usr/bin/prometheus-alertmanager and "
                        + "PATH). Install it: apt-get install -y prometheus-alertmanager (.ci/run does this)."));
    }

    public URI url() {
        return URI.create((webConfigFile != null && webConfigYaml().contains("tls_server_config") ? "https" : "http")
                + "://127.0.0.1:" + port);
    }

    /** Starts (or restarts, same port and storage) and waits until ready. */
    public AlertmanagerProcess start() throws IOException {
        List<String> command = new ArrayList<>(List.of(binary().toString(),
                "--config.file=" + configFile.toAbsolutePath(),
                "--storage.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address="));
        if (webConfigFile != null) {
            command.add("--web.config.file=" + webConfigFile.toAbsolutePath());
        }
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("alertmanager.log").toFile()))
                .start();
        Process started = process;
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
        await("Alertmanager on " + url() + " ready (log: " + dir.resolve("alertmanager.log") + ")")
                .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .ignoreExceptionsInstanceOf(IOException.class)
                .until(() -> {
                    if (!started.isAlive()) {
                        throw new AssertionError("Alertmanager exited with " + started.exitValue() + ": "
                                + Files.readString(dir.resolve("alertmanager.log")));
                    }
                    return get("/-/ready").statusCode() == 200;
                });
        return this;
    }

    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** The alerts Alertmanager holds that have not ended ({@code GET /api/v2/alerts}). */
    public List<JsonNode> alerts() throws IOException, InterruptedException {
        HttpResponse<String> response = get("/api/v2/alerts");
        if (response.statusCode() != 200) {
            throw new AssertionError("GET /api/v2/alerts answered " + response.statusCode() + ": " + response.body());
        }
        List<JsonNode> out = new ArrayList<>();
        JSON.readTree(response.body()).forEach(out::add);
        return out;
    }

    /** Alertmanager's alert groups ({@code GET /api/v2/alerts/groups}): labels, receiver and alerts of each. */
    public List<JsonNode> groups() throws IOException, InterruptedException {
        HttpResponse<String> response = get("/api/v2/alerts/groups");
        if (response.statusCode() != 200) {
            throw new AssertionError("GET /api/v2/alerts/groups answered " + response.statusCode() + ": "
                    + response.body());
        }
        List<JsonNode> out = new ArrayList<>();
        JSON.readTree(response.body()).forEach(out::add);
        return out;
    }

    /** The non-ended alerts with label alert_id = {@code alertId}. */
    public List<JsonNode> alerts(String alertId) throws IOException, InterruptedException {
        return alerts().stream().filter(a -> alertId.equals(a.path("labels").path("alert_id").asText())).toList();
    }

    /** Value of a sample of Alertmanager's own /metrics, e.g. {@code alertmanager_alerts_received_total{status="resolved",version="v2"}}. */
    public double metric(String sample) throws IOException, InterruptedException {
        for (String line : get("/metrics").body().split("\n")) {
            if (line.startsWith(sample + " ")) {
                return Double.parseDouble(line.substring(sample.length() + 1).trim());
            }
        }
        return 0;
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(5)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String webConfigYaml() {
        try {
            return Files.readString(webConfigFile);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
