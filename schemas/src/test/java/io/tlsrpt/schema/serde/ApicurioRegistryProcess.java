package io.tlsrpt.schema.serde;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real Apicurio Registry (the Quarkus app from the {@code apicurio-registry-app} tar.gz that Maven
 * unpacks before the integration tests) as a child process on 127.0.0.1 with in-memory storage. It is
 * killed by {@link #close()} and, should the test JVM die first, by a shutdown hook.
 */
final class ApicurioRegistryProcess implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

    private final Process process;
    private final Thread shutdownHook;
    private final int port;
    private final Path log;
    private final Duration startup;

    private ApicurioRegistryProcess(Process process, Thread shutdownHook, int port, Path log, Duration startup) {
        this.process = process;
        this.shutdownHook = shutdownHook;
        this.port = port;
        this.log = log;
        this.startup = startup;
    }

    /** Starts the registry in {@code home} with {@code java} and waits until it answers. */
    static ApicurioRegistryProcess start(Path java, Path home, Path log) throws IOException {
        int port = freePort();
        int managementPort = freePort();
        List<String> command = List.of(java.toString(),
                // a test registry: start fast on a busy machine rather than peak later
                "-Xms64m", "-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.management.host=127.0.0.1",
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.management.port=" + managementPort,
                "-jar", "quarkus-run.jar");
        long started = System.nanoTime();
        Process process = new ProcessBuilder(command)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        Thread hook = new Thread(process::destroyForcibly, "kill-apicurio-registry");
        Runtime.getRuntime().addShutdownHook(hook);
        ApicurioRegistryProcess registry = null;
        try {
            awaitReady(process, port, log);
            registry = new ApicurioRegistryProcess(process, hook, port, log,
                    Duration.ofNanos(System.nanoTime() - started));
            return registry;
        } finally {
            if (registry == null) {
                process.destroyForcibly();
                Runtime.getRuntime().removeShutdownHook(hook);
            }
        }
    }

    /** The Confluent-compatible API: {@code http://127.0.0.1:port/apis/ccompat/v7}. */
    String ccompatUrl() {
        return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
    }

    /** How long the registry took from process start to its first answer. */
    Duration startup() {
        return startup;
    }

    Path log() {
        return log;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook runs anyway
            }
        }
    }

    private static void awaitReady(Process process, int port, Path log) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/apis/ccompat/v7/subjects"))
                .timeout(Duration.ofSeconds(5)).GET().build();
        try {
            Awaitility.await("Apicurio Registry on port " + port)
                    .atMost(READY_TIMEOUT)
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("Apicurio Registry exited with " + process.exitValue()
                                    + ":\n" + tail(log));
                        }
                        try {
                            return http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                        } catch (IOException notYet) {
                            return false;
                        }
                    });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("Apicurio Registry did not answer within " + READY_TIMEOUT + ":\n"
                    + tail(log), e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log at " + log + ": " + e + ")";
        }
    }
}
