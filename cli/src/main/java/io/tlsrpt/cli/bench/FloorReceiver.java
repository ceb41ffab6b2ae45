package io.tlsrpt.cli.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The floor of the intake benchmark: a JDK {@link HttpServer} on 127.0.0.1 with the connector's thread budget that
 * reads the body and answers 201 at once, without Kafka. What the HTTP layer alone costs; counts its answers.
 */
final class FloorReceiver implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService pool;
    private final AtomicLong created = new AtomicLong();

    private FloorReceiver(HttpServer server, ExecutorService pool) {
        this.server = server;
        this.pool = pool;
    }

    /** Starts on an ephemeral port with {@code threads} handler threads and a backlog of {@code backlog}. */
    static FloorReceiver start(int threads, int backlog) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), backlog);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        server.setExecutor(pool);
        FloorReceiver floor = new FloorReceiver(server, pool);
        server.createContext("/", floor::answerCreated);
        server.start();
        return floor;
    }

    private void answerCreated(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            in.readAllBytes();
            exchange.sendResponseHeaders(201, -1);
            created.incrementAndGet();
        }
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** 201 answers sent so far. */
    long created() {
        return created.get();
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
