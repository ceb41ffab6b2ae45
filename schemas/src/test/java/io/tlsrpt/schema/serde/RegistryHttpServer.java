package io.tlsrpt.schema.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A small Confluent-API schema registry for tests: the JDK's HTTP server on 127.0.0.1 in front of a
 * {@link MockSchemaRegistry} scope, answering the endpoints the client uses with the JSON and error
 * bodies ({@code error_code}, {@code message}) a real registry sends. Records every request.
 */
final class RegistryHttpServer implements AutoCloseable {

    /** One request as the server saw it. */
    record Request(String method, String rawPath, String contentType, String authorization, String body) {
    }

    /** A canned answer that replaces the next one. */
    record Canned(int status, String contentType, String body) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final String basePath;
    private final String scheme;
    private final MockSchemaRegistry registry;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicReference<Canned> nextAnswer = new AtomicReference<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile String requiredAuthorization;
    private volatile boolean hang;
    private volatile boolean stripJavaStringProperties;

    RegistryHttpServer(String basePath, String scope) throws IOException {
        this(basePath, scope, null, false);
    }

    /** Over HTTPS with {@code tls} (its key manager holds the server certificate), when not null. */
    RegistryHttpServer(String basePath, String scope, SSLContext tls, boolean needClientCertificate) throws IOException {
        this.basePath = basePath;
        this.registry = MockSchemaRegistry.forScope(scope);
        this.scheme = tls == null ? "http" : "https";
        if (tls == null) {
            this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } else {
            HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            https.setHttpsConfigurator(new HttpsConfigurator(tls) {
                @Override
                public void configure(HttpsParameters params) {
                    SSLParameters parameters = tls.getDefaultSSLParameters();
                    parameters.setNeedClientAuth(needClientCertificate);
                    params.setSSLParameters(parameters);
                }
            });
            this.server = https;
        }
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** The base URL to configure, including the base path. */
    String url() {
        return scheme + "://127.0.0.1:" + server.getAddress().getPort() + basePath;
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    MockSchemaRegistry registry() {
        return registry;
    }

    /** Answer 401 unless this exact Authorization header is sent. */
    void requireAuthorization(String header) {
        this.requiredAuthorization = header;
    }

    /** Never answer (until closed): for timeouts. */
    void hang() {
        this.hang = true;
    }

    /** Answer the next request with this instead. */
    void answerNext(int status, String contentType, String body) {
        nextAnswer.set(new Canned(status, contentType, body));
    }

    /** Serve schemas without avro.java.string properties, as registries that normalise schemas do. */
    void stripJavaStringProperties() {
        this.stripJavaStringProperties = true;
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String rawPath = exchange.getRequestURI().getRawPath();
            requests.add(new Request(exchange.getRequestMethod(), rawPath,
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("Authorization"), body));
            if (hang) {
                released.await(30, TimeUnit.SECONDS);
                return;
            }
            Canned canned = nextAnswer.getAndSet(null);
            if (canned != null) {
                send(exchange, canned.status(), canned.contentType(), canned.body());
                return;
            }
            if (requiredAuthorization != null
                    && !requiredAuthorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                sendError(exchange, 401, 401, "Unauthorized");
                return;
            }
            if (!rawPath.startsWith(basePath + "/")) {
                sendError(exchange, 404, 404, "HTTP 404 Not Found");
                return;
            }
            route(exchange, exchange.getRequestMethod(), rawPath.substring(basePath.length() + 1).split("/"), body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void route(HttpExchange exchange, String method, String[] path, String body) throws IOException {
        try {
            if (method.equals("POST") && path.length == 3 && path[0].equals("subjects") && path[2].equals("versions")) {
                int id = registry.register(decode(path[1]), parseBody(body));
                send(exchange, 200, RestSchemaRegistryClient.CONTENT_TYPE, JSON.createObjectNode().put("id", id).toString());
            } else if (method.equals("POST") && path.length == 2 && path[0].equals("subjects")) {
                String subject = decode(path[1]);
                Schema schema = parseBody(body);
                int id = registry.lookup(subject, schema);
                sendVersion(exchange, subject, id);
            } else if (method.equals("GET") && path.length == 3 && path[0].equals("schemas") && path[1].equals("ids")) {
                Schema schema = registry.getById(Integer.parseInt(path[2]));
                ObjectNode answer = JSON.createObjectNode().put("schema", text(schema));
                send(exchange, 200, RestSchemaRegistryClient.CONTENT_TYPE, answer.toString());
            } else if (method.equals("GET") && path.length == 4 && path[0].equals("subjects")
                    && path[2].equals("versions") && path[3].equals("latest")) {
                String subject = decode(path[1]);
                sendVersion(exchange, subject, registry.getLatest(subject).id());
            } else {
                sendError(exchange, 404, 404, "HTTP 404 Not Found");
            }
        } catch (SchemaRegistryException e) {
            sendError(exchange, e.httpStatus(), e.errorCode(), e.getMessage());
        } catch (SchemaParseException | IllegalArgumentException e) {
            sendError(exchange, 422, SchemaRegistryException.INVALID_SCHEMA, "Invalid schema: " + e.getMessage());
        }
    }

    private void sendVersion(HttpExchange exchange, String subject, int id) throws IOException {
        RegisteredSchema latest = registry.getLatest(subject);
        ObjectNode answer = JSON.createObjectNode()
                .put("subject", subject)
                .put("id", id)
                .put("version", latest.id() == id ? latest.version() : 1)
                .put("schema", text(registry.getById(id)));
        send(exchange, 200, RestSchemaRegistryClient.CONTENT_TYPE, answer.toString());
    }

    private String text(Schema schema) {
        String text = schema.toString();
        return stripJavaStringProperties
                ? text.replace("{\"type\":\"string\",\"avro.java.string\":\"String\"}", "\"string\"")
                : text;
    }

    private static Schema parseBody(String body) throws IOException {
        JsonNode json = JSON.readTree(body);
        if (!json.path("schemaType").asText("AVRO").equals("AVRO")) {
            throw new IllegalArgumentException("only AVRO here");
        }
        return new Schema.Parser().parse(json.path("schema").asText());
    }

    private static String decode(String segment) {
        return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static void sendError(HttpExchange exchange, int status, int errorCode, String message) throws IOException {
        send(exchange, status, RestSchemaRegistryClient.CONTENT_TYPE,
                JSON.valueToTree(Map.of("error_code", errorCode, "message", message)).toString());
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
