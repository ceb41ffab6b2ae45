package io.tlsrpt.notify;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * An authenticating reverse proxy in front of a real Alertmanager (the role oauth2-proxy or an ingress plays in
 * production): forwards requests carrying {@code Authorization: Bearer <token>}, answers 401 to the others.
 * Alertmanager itself only knows basic auth, so this is how a bearer token is exercised end to end.
 */
final class BearerAuthProxy implements AutoCloseable {

    private final HttpServer server;
    private final HttpClient upstreamClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    final AtomicInteger refused = new AtomicInteger();

    BearerAuthProxy(URI upstream, String token) throws IOException {
        this(upstream, () -> token);
    }

    /** @param token the one token taken, asked at each request (an OAuth gateway taking the newest token only) */
    BearerAuthProxy(URI upstream, Supplier<String> token) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                if (!("Bearer " + token.get()).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                    refused.incrementAndGet();
                    reply(exchange, 401, "missing or wrong bearer token".getBytes());
                    return;
                }
                byte[] body;
                try (InputStream in = exchange.getRequestBody()) {
                    body = in.readAllBytes();
                }
                HttpRequest forward = HttpRequest.newBuilder(URI.create(upstream + exchange.getRequestURI().toString()))
                        .timeout(Duration.ofSeconds(5))
                        .header("Content-Type", "application/json")
                        .method(exchange.getRequestMethod(), body.length == 0
                                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
                        .build();
                try {
                    HttpResponse<byte[]> answer = upstreamClient.send(forward, HttpResponse.BodyHandlers.ofByteArray());
                    reply(exchange, answer.statusCode(), answer.body());
                } catch (IOException e) {
                    reply(exchange, 502, ("upstream: " + e).getBytes());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    reply(exchange, 503, "interrupted".getBytes());
                }
            }
        });
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
