package io.tlsrpt.notify;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Standalone notifier: {@code java -cp ... io.tlsrpt.notify.NotifierMain [notifier.properties]}.
 * Without a file, configuration comes from the defaults and {@code TLSRPT_NOTIFIER_*} variables.
 * Exit codes: 0 stopped by a signal, 1 stopped by an error, 2 bad usage or configuration.
 */
public final class NotifierMain {

    private static final Logger log = LoggerFactory.getLogger(NotifierMain.class);
    private static final int HTTP_THREADS = 4;

    private NotifierMain() {
    }

    public static void main(String[] args) throws Exception {
        NotifierConfig config;
        try {
            if (args.length > 1 || (args.length == 1 && args[0].startsWith("-"))) {
                System.err.println("usage: NotifierMain [notifier.properties]");
                System.exit(2);
                return;
            }
            config = args.length == 1 ? NotifierConfig.fromFile(Path.of(args[0])) : NotifierConfig.from(Map.of());
        } catch (IllegalArgumentException e) {
            System.err.println("alert notifier: " + e.getMessage());
            System.exit(2);
            return;
        } catch (IOException e) {
            System.err.println("alert notifier: cannot read the configuration file " + args[0] + ": " + e);
            System.exit(2);
            return;
        }
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        AlertmanagerNotifier notifier = AlertmanagerNotifier.start(config, meters);
        HttpServer server = config.metricsPort() >= 0 ? metricsServer(config, meters, notifier::isRunning) : null;
        CountDownLatch exit = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            notifier.close();
            if (server != null) {
                server.stop(0);
            }
            exit.countDown();
        }, "tlsrpt-alert-notifier-shutdown"));
        while (notifier.isRunning()) {
            if (exit.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
                return;
            }
        }
        log.error("alert notifier stopped", notifier.failure());
        System.exit(1);
    }

    /** {@code /metrics} and {@code /health} (UP while {@code running}) on the configured address, started. */
    static HttpServer metricsServer(NotifierConfig config, PrometheusMeterRegistry meters, BooleanSupplier running)
            throws IOException {
        // The JDK server reads each request on its executor's thread with blocking reads, and without an executor on
        // its only thread: one client stalled mid-request would hold the liveness probe's and the scrape's thread.
        // A few daemon threads, and a request timeout (JVM-wide, read when the first server is created; none by
        // default) that cuts a stalled client after 10 s. TCP_NODELAY, or each answer waits ~40 ms for the client's
        // delayed ACK (the processor's HttpServerThreads says more).
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", "10");
        }
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(config.metricsBind(), config.metricsPort()), 0);
        AtomicInteger threads = new AtomicInteger();
        server.setExecutor(Executors.newFixedThreadPool(HTTP_THREADS, r -> {
            Thread t = new Thread(r, "tlsrpt-notifier-http-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/metrics", exchange -> respond(exchange, 200, meters.scrape()));
        server.createContext("/health", exchange -> {
            boolean up = running.getAsBoolean();
            respond(exchange, up ? 200 : 503, up ? "UP\n" : "DOWN\n");
        });
        server.start();
        log.info("metrics on http://{}:{}/metrics", config.metricsBind(), server.getAddress().getPort());
        return server;
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
