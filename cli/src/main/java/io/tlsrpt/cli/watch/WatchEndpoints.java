package io.tlsrpt.cli.watch;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tlsrpt.processor.app.HttpServerThreads;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The watch's HTTP server: {@code /metrics} for Prometheus and {@code /health} for a liveness probe. */
final class WatchEndpoints {

    private static final Logger LOG = LoggerFactory.getLogger(WatchEndpoints.class);

    private WatchEndpoints() {
    }

    /** A few threads: a stalled client holds one (up to the request timeout), the probe and the scrape get others. */
    private static final int MAX_THREADS = 4;

    /** The server, started (its threads are daemons, ended a minute after their last request). */
    static HttpServer start(String bind, int port, PrometheusMeterRegistry meters, WatchMetrics metrics)
        throws IOException {
        HttpServerThreads.setServerProperties();
        HttpServer server = HttpServer.create(new InetSocketAddress(bind, port), 0);
        HttpServerThreads.serve(server, "tlsrpt-watch-http", MAX_THREADS);
        server.createContext("/metrics", exchange -> respond(exchange, 200, meters.scrape()));
        server.createContext("/health", exchange -> {
            boolean healthy = metrics.healthy();
            respond(exchange, healthy ? 200 : 503, healthy ? "UP\n"
                : "DOWN: no round published within three intervals\n");
        });
        server.start();
        LOG.info("metrics on http://{}:{}/metrics, health on /health", bind, server.getAddress().getPort());
        return server;
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        try (exchange) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
