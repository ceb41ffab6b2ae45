package io.tlsrpt.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tlsrpt.schema.serde.MockSchemaRegistry;
import io.tlsrpt.schema.serde.RegisteredSchema;
import io.tlsrpt.schema.serde.SchemaRegistryException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A schema registry shared by several JVMs: the Confluent REST endpoints the project's client uses (register,
 * look up, schema by id, latest version), served by the JDK's HTTP server on 127.0.0.1 in front of a
 * {@link MockSchemaRegistry} scope. A {@code mock://} URL is private to one JVM, so processes that are killed and
 * restarted, or that share the work, need this to agree on schema ids.
 */
final class RegistryServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final String scope = "reliability-" + UUID.randomUUID();
    private final MockSchemaRegistry registry = MockSchemaRegistry.forScope(scope);

    RegistryServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** {@code http://127.0.0.1:PORT}, the value of {@code schema.registry.url}. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        MockSchemaRegistry.dropScope(scope);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String[] path = exchange.getRequestURI().getRawPath().substring(1).split("/");
            String method = exchange.getRequestMethod();
            try {
                if (method.equals("POST") && path.length == 3 && path[0].equals("subjects") && path[2].equals("versions")) {
                    int id = registry.register(decode(path[1]), parse(body));
                    send(exchange, 200, JSON.createObjectNode().put("id", id));
                } else if (method.equals("POST") && path.length == 2 && path[0].equals("subjects")) {
                    String subject = decode(path[1]);
                    sendVersion(exchange, subject, registry.lookup(subject, parse(body)));
                } else if (method.equals("GET") && path.length == 3 && path[0].equals("schemas") && path[1].equals("ids")) {
                    send(exchange, 200, JSON.createObjectNode()
                            .put("schema", registry.getById(Integer.parseInt(path[2])).toString()));
                } else if (method.equals("GET") && path.length == 4 && path[0].equals("subjects")
                        && path[2].equals("versions") && path[3].equals("latest")) {
                    String subject = decode(path[1]);
                    sendVersion(exchange, subject, registry.getLatest(subject).id());
                } else {
                    sendError(exchange, 404, 404, "HTTP 404 Not Found");
                }
            } catch (SchemaRegistryException e) {
                sendError(exchange, e.httpStatus() > 0 ? e.httpStatus() : 500, e.errorCode(), e.getMessage());
            } catch (SchemaParseException | IllegalArgumentException e) {
                sendError(exchange, 422, 42201, "Invalid schema: " + e.getMessage());
            }
        }
    }

    private void sendVersion(HttpExchange exchange, String subject, int id) throws IOException {
        RegisteredSchema latest = registry.getLatest(subject);
        send(exchange, 200, JSON.createObjectNode().put("subject", subject).put("id", id)
                .put("version", latest.id() == id ? latest.version() : 1)
                .put("schema", registry.getById(id).toString()));
    }

    private static Schema parse(String body) throws IOException {
        JsonNode json = JSON.readTree(body);
        return new Schema.Parser().parse(json.path("schema").asText());
    }

    private static String decode(String segment) {
        return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static void sendError(HttpExchange exchange, int status, int code, String message) throws IOException {
        send(exchange, status, JSON.valueToTree(Map.of("error_code", code, "message", message)));
    }

    private static void send(HttpExchange exchange, int status, JsonNode json) throws IOException {
        byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
