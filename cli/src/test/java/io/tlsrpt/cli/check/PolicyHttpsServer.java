package io.tlsrpt.cli.check;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;

/** A real HTTPS server on 127.0.0.1 serving /.well-known/mta-sts.txt per Host header. */
public final class PolicyHttpsServer implements AutoCloseable {

    /** What to answer for one host. */
    public record Reply(int status, String contentType, String body, String location) {
        public static Reply policy(String body) {
            return new Reply(200, "text/plain; charset=utf-8", body, null);
        }
    }

    private final HttpsServer server;
    private final Map<String, Reply> replies = new ConcurrentHashMap<>();

    public PolicyHttpsServer(SSLContext tls) throws IOException {
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", exchange -> {
            try (exchange) {
                String host = String.valueOf(exchange.getRequestHeaders().getFirst("Host")).replaceFirst(":\\d+$", "");
                Reply reply = exchange.getRequestURI().getPath().equals("/.well-known/mta-sts.txt") ? replies.get(host) : null;
                if (reply == null) {
                    reply = new Reply(404, "text/plain", "not found\n", null);
                }
                if (reply.contentType() != null) {
                    exchange.getResponseHeaders().set("Content-Type", reply.contentType());
                }
                if (reply.location() != null) {
                    exchange.getResponseHeaders().set("Location", reply.location());
                }
                byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
    }

    public void serve(String host, Reply reply) {
        replies.put(host, reply);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
