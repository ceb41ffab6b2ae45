package io.tlsrpt.schema.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client for the Confluent Schema Registry REST API over {@link HttpClient}. Works with Confluent
 * Schema Registry, Karapace, Redpanda and Apicurio's compatibility API (base URL
 * {@code http://host:port/apis/ccompat/v7}): the base URL may carry a path.
 *
 * <p>Caches both directions (schema to id per subject, id to schema) for the life of the client, since
 * registries never change the schema behind an id. {@link #getLatest} is not cached: it is meant to
 * change. With several base URLs it tries the next one when a URL cannot be reached.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {

    /** The registry API's media type, sent as Content-Type and Accept. */
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private static final Logger LOG = LoggerFactory.getLogger(RestSchemaRegistryClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ERROR_BODY_CHARS = 300;
    /** Larger answers are refused: no schema is this big, and the client must not buffer without bound. */
    static final int MAX_RESPONSE_BYTES = 16 << 20;

    /** Timeouts, credentials and TLS stores. At most one of the two credentials may be set. */
    public record Settings(Duration connectTimeout, Duration requestTimeout, String basicAuthUserInfo,
                           String bearerToken, RegistryTls tls) {

        public Settings {
            Objects.requireNonNull(connectTimeout, "connectTimeout");
            Objects.requireNonNull(requestTimeout, "requestTimeout");
            Objects.requireNonNull(tls, "tls");
            if (basicAuthUserInfo != null && bearerToken != null) {
                throw new IllegalArgumentException("set either basic auth user info or a bearer token, not both");
            }
        }

        /** Settings with the JVM's default TLS. */
        public Settings(Duration connectTimeout, Duration requestTimeout, String basicAuthUserInfo, String bearerToken) {
            this(connectTimeout, requestTimeout, basicAuthUserInfo, bearerToken, RegistryTls.defaults());
        }

        /** 10 s to connect, 30 s per request, no credentials, the JVM's default TLS. */
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(10), Duration.ofSeconds(30), null, null);
        }

        @Override
        public String toString() {
            // never print credentials
            return "Settings[connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout
                    + ", auth=" + (basicAuthUserInfo != null ? "basic" : bearerToken != null ? "bearer" : "none")
                    + ", tls=" + tls + "]";
        }
    }

    private final List<URI> baseUrls;
    private final Settings settings;
    private final String authorization;
    private final HttpClient http;
    private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

    /** A client for one registry (or several mirrors of one) at the given base URLs. */
    public RestSchemaRegistryClient(List<String> baseUrls, Settings settings) {
        if (baseUrls == null || baseUrls.isEmpty()) {
            throw new IllegalArgumentException("at least one schema registry URL is needed");
        }
        this.baseUrls = baseUrls.stream().map(RestSchemaRegistryClient::parseBaseUrl).toList();
        this.settings = Objects.requireNonNull(settings, "settings");
        this.authorization = authorizationHeader(settings);
        HttpClient.Builder builder = HttpClient.newBuilder();
        if (!settings.tls().isDefault()) {
            builder.sslContext(settings.tls().context());
        }
        this.http = builder
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    /** A client for one registry with default settings. */
    public RestSchemaRegistryClient(String baseUrl) {
        this(List.of(baseUrl), Settings.defaults());
    }

    @Override
    public int register(String subject, Schema schema) {
        Map<Schema, Integer> known = idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
        Integer cached = known.get(schema);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema),
                "register a schema under subject \"" + subject + "\"");
        int id = requiredInt(answer, "id", "register");
        known.put(schema, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    @Override
    public int lookup(String subject, Schema schema) {
        Map<Schema, Integer> known = idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
        Integer cached = known.get(schema);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("POST", "/subjects/" + encode(subject), schemaBody(schema),
                "look up a schema under subject \"" + subject + "\"");
        int id = requiredInt(answer, "id", "lookup");
        known.put(schema, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    @Override
    public Schema getById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("GET", "/schemas/ids/" + id, null, "fetch schema id " + id);
        Schema schema = parseSchema(answer, "schema id " + id);
        Schema previous = schemasById.putIfAbsent(id, schema);
        return previous != null ? previous : schema;
    }

    @Override
    public RegisteredSchema getLatest(String subject) {
        JsonNode answer = send("GET", "/subjects/" + encode(subject) + "/versions/latest", null,
                "fetch the latest version of subject \"" + subject + "\"");
        int id = requiredInt(answer, "id", "latest version");
        int version = answer.path("version").asInt(-1);
        Schema schema = schemasById.computeIfAbsent(id, i -> parseSchema(answer, "subject \"" + subject + "\""));
        return new RegisteredSchema(subject, id, version, schema);
    }

    @Override
    public String describe() {
        return baseUrls.size() == 1 ? baseUrls.get(0).toString() : baseUrls.toString();
    }

    /** The settings this client was built with. */
    public Settings settings() {
        return settings;
    }

    private JsonNode send(String method, String path, String body, String what) {
        SchemaRegistryException unreachable = null;
        for (URI base : baseUrls) {
            URI uri = URI.create(base + path);
            HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                    .timeout(settings.requestTimeout())
                    .header("Accept", CONTENT_TYPE + ", application/json");
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            if (body != null) {
                request.header("Content-Type", CONTENT_TYPE);
                request.method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
            } else {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> response;
            try {
                response = http.send(request.build(), RestSchemaRegistryClient::cappedBody);
            } catch (IOException e) {
                if (causedByTooLargeBody(e)) {
                    throw new SchemaRegistryException("Cannot " + what + ": " + method + " " + uri
                            + " answered with more than " + MAX_RESPONSE_BYTES + " bytes", e);
                }
                // unreachable or timed out: another mirror may answer
                LOG.warn("Schema registry {} did not answer {} {}: {}", base, method, path, e.toString());
                unreachable = new SchemaRegistryException("Cannot " + what + ": schema registry " + base
                        + " did not answer (" + e + ")", e);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException("Interrupted while trying to " + what + " at " + base, e);
            }
            return parseAnswer(response, method, uri, what);
        }
        throw unreachable;
    }

    private static boolean causedByTooLargeBody(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof CappedBodySubscriber.TooLargeException) {
                return true;
            }
        }
        return false;
    }

    private static HttpResponse.BodySubscriber<String> cappedBody(HttpResponse.ResponseInfo info) {
        return new CappedBodySubscriber(MAX_RESPONSE_BYTES);
    }

    private static JsonNode parseAnswer(HttpResponse<String> response, String method, URI uri, String what) {
        int status = response.statusCode();
        String text = response.body() == null ? "" : response.body();
        JsonNode json = null;
        try {
            json = text.isBlank() ? null : JSON.readTree(text);
        } catch (IOException e) {
            if (status / 100 == 2) {
                throw new SchemaRegistryException("Cannot " + what + ": " + method + " " + uri + " answered "
                        + status + " with a body that is not JSON: " + abbreviate(text), e);
            }
            // an error page from a proxy: reported below with its text
        }
        if (status / 100 == 2) {
            if (json == null || !json.isObject()) {
                throw new SchemaRegistryException("Cannot " + what + ": " + method + " " + uri + " answered "
                        + status + " without a JSON object: " + abbreviate(text), status, SchemaRegistryException.NO_STATUS);
            }
            return json;
        }
        int errorCode = json != null && json.has("error_code") ? json.get("error_code").asInt(status) : status;
        String message = json != null && json.hasNonNull("message") ? json.get("message").asText() : abbreviate(text);
        throw new SchemaRegistryException("Cannot " + what + ": " + method + " " + uri + " answered HTTP " + status
                + ", error_code " + errorCode + ": " + message, status, errorCode);
    }

    private static Schema parseSchema(JsonNode answer, String what) {
        String type = answer.path("schemaType").asText("AVRO");
        if (!"AVRO".equalsIgnoreCase(type)) {
            throw new SchemaRegistryException("The registry's " + what + " is a " + type
                    + " schema; this serde reads Avro only", 200, SchemaRegistryException.NO_STATUS);
        }
        JsonNode references = answer.path("references");
        if (references.isArray() && !references.isEmpty()) {
            throw new SchemaRegistryException("The registry's " + what + " uses schema references, which this"
                    + " serde does not resolve: " + references, 200, SchemaRegistryException.NO_STATUS);
        }
        JsonNode text = answer.get("schema");
        if (text == null || !text.isTextual()) {
            throw new SchemaRegistryException("The registry's answer for " + what + " has no \"schema\" text",
                    200, SchemaRegistryException.NO_STATUS);
        }
        try {
            return new Schema.Parser().parse(text.asText());
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException("The registry's " + what + " is not a valid Avro schema: "
                    + e.getMessage(), e);
        }
    }

    private static String schemaBody(Schema schema) {
        ObjectNode body = JSON.createObjectNode();
        body.put("schema", schema.toString());
        body.put("schemaType", "AVRO");
        return body.toString();
    }

    private static int requiredInt(JsonNode answer, String field, String what) {
        JsonNode value = answer.get(field);
        if (value == null || !value.canConvertToInt()) {
            throw new SchemaRegistryException("The registry's " + what + " answer has no integer \"" + field
                    + "\": " + abbreviate(answer.toString()), 200, SchemaRegistryException.NO_STATUS);
        }
        return value.asInt();
    }

    private static URI parseBaseUrl(String url) {
        String trimmed = url == null ? "" : url.trim();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        URI uri;
        try {
            uri = URI.create(trimmed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a schema registry URL: \"" + url + "\"", e);
        }
        String scheme = uri.getScheme();
        if (uri.getHost() == null || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
            throw new IllegalArgumentException("not a schema registry URL (http(s)://host[:port][/path]): \""
                    + url + "\"");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("a schema registry URL takes no query or fragment: \"" + url + "\"");
        }
        return uri;
    }

    private static String authorizationHeader(Settings settings) {
        if (settings.basicAuthUserInfo() != null) {
            if (!settings.basicAuthUserInfo().contains(":")) {
                throw new IllegalArgumentException("basic auth user info must be \"user:password\"");
            }
            return "Basic " + Base64.getEncoder().encodeToString(
                    settings.basicAuthUserInfo().getBytes(StandardCharsets.UTF_8));
        }
        if (settings.bearerToken() != null) {
            return "Bearer " + settings.bearerToken();
        }
        return null;
    }

    private static String encode(String pathSegment) {
        if (pathSegment == null || pathSegment.isBlank()) {
            throw new IllegalArgumentException("subject must not be empty");
        }
        return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= MAX_ERROR_BODY_CHARS ? oneLine : oneLine.substring(0, MAX_ERROR_BODY_CHARS) + "...";
    }
}
