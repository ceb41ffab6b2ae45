package io.tlsrpt.schema.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.schema.Alert;
import io.tlsrpt.schema.TlsReport;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RestSchemaRegistryClientTest {

    private static final String CCOMPAT = "/apis/ccompat/v7";

    private final String scope = "rest-test-" + UUID.randomUUID();
    private RegistryHttpServer server;

    @BeforeEach
    void start() throws IOException {
        server = new RegistryHttpServer(CCOMPAT, scope);
    }

    @AfterEach
    void stop() {
        server.close();
        MockSchemaRegistry.dropScope(scope);
    }

    @Test
    void registersUnderABasePathWithTheRegistryMediaTypeAndCachesTheId() throws IOException {
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(server.url() + "/");

        int id = client.register("tlsrpt.reports-value", TlsReport.getClassSchema());
        int again = client.register("tlsrpt.reports-value", TlsReport.getClassSchema());

        assertThat(id).isEqualTo(1);
        assertThat(again).isEqualTo(id);
        assertThat(server.requests()).hasSize(1);
        RegistryHttpServer.Request request = server.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.rawPath()).isEqualTo(CCOMPAT + "/subjects/tlsrpt.reports-value/versions");
        assertThat(request.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
        var body = new ObjectMapper().readTree(request.body());
        assertThat(body.get("schemaType").asText()).isEqualTo("AVRO");
        assertThat(new Schema.Parser().parse(body.get("schema").asText())).isEqualTo(TlsReport.getClassSchema());
        assertThat(request.authorization()).isNull();
    }

    @Test
    void fetchesSchemasByIdOnceAndTheLatestVersionEachTime() {
        int id = server.registry().register("tlsrpt.alerts-value", Alert.getClassSchema());
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(server.url());

        assertThat(client.getById(id)).isEqualTo(Alert.getClassSchema());
        assertThat(client.getById(id)).isEqualTo(Alert.getClassSchema());
        assertThat(client.getLatest("tlsrpt.alerts-value"))
                .isEqualTo(new RegisteredSchema("tlsrpt.alerts-value", id, 1, Alert.getClassSchema()));
        assertThat(client.getLatest("tlsrpt.alerts-value").id()).isEqualTo(id);
        assertThat(client.lookup("tlsrpt.alerts-value", Alert.getClassSchema())).isEqualTo(id);

        assertThat(server.requests()).extracting(r -> r.method() + " " + r.rawPath()).containsExactly(
                "GET " + CCOMPAT + "/schemas/ids/" + id,
                "GET " + CCOMPAT + "/subjects/tlsrpt.alerts-value/versions/latest",
                "GET " + CCOMPAT + "/subjects/tlsrpt.alerts-value/versions/latest",
                "POST " + CCOMPAT + "/subjects/tlsrpt.alerts-value");
    }

    @Test
    void encodesSubjectsAsPathSegments() {
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(server.url());
        client.register("odd subject/with+chars", Alert.getClassSchema());

        assertThat(server.requests().get(0).rawPath())
                .isEqualTo(CCOMPAT + "/subjects/odd%20subject%2Fwith%2Bchars/versions");
        assertThat(server.registry().subjects()).containsExactly("odd subject/with+chars");
    }

    @Test
    void reportsTheRegistrysErrorCodeAndMessage() {
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(server.url());

        assertThatThrownBy(() -> client.getById(99))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(404);
                    assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND);
                    assertThat(e.isNotFound()).isTrue();
                })
                .hasMessageContaining("GET " + server.url() + "/schemas/ids/99")
                .hasMessageContaining("HTTP 404, error_code 40403")
                .hasMessageContaining("Schema 99 not found");
        assertThatThrownBy(() -> client.getLatest("nothing-value"))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND));

        Schema v1 = Schema.createRecord("Thing", null, "t", false,
                List.of(new Schema.Field("a", Schema.create(Schema.Type.STRING))));
        Schema v2 = Schema.createRecord("Thing", null, "t", false,
                List.of(new Schema.Field("a", Schema.create(Schema.Type.STRING)),
                        new Schema.Field("b", Schema.create(Schema.Type.LONG))));
        client.register("things-value", v1);
        assertThatThrownBy(() -> client.register("things-value", v2))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(409);
                })
                .hasMessageContaining("incompatible");
    }

    @Test
    void reportsErrorPagesThatAreNotJson() {
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(server.url());
        server.answerNext(502, "text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>");

        assertThatThrownBy(() -> client.getById(1))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.httpStatus()).isEqualTo(502))
                .hasMessageContaining("HTTP 502")
                .hasMessageContaining("502 Bad Gateway");

        server.answerNext(200, "text/html", "<html>welcome</html>");
        assertThatThrownBy(() -> client.getById(1))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("not JSON")
                .hasMessageContaining("<html>welcome</html>");

        server.answerNext(200, RestSchemaRegistryClient.CONTENT_TYPE, "{\"schema\":\"{not a schema\"}");
        assertThatThrownBy(() -> client.getById(1))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("not a valid Avro schema");

        server.answerNext(200, RestSchemaRegistryClient.CONTENT_TYPE,
                "{\"schema\":\"syntax = \\\"proto3\\\";\",\"schemaType\":\"PROTOBUF\"}");
        assertThatThrownBy(() -> client.getById(1))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("PROTOBUF");

        server.answerNext(200, RestSchemaRegistryClient.CONTENT_TYPE, "{\"version\":3}");
        assertThatThrownBy(() -> client.register("s", Alert.getClassSchema()))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("no integer \"id\"");
    }

    @Test
    void refusesAnAnswerLargerThanTheCap() {
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(server.url());
        String huge = "{\"schema\":\"" + "x".repeat(RestSchemaRegistryClient.MAX_RESPONSE_BYTES) + "\"}";
        server.answerNext(200, RestSchemaRegistryClient.CONTENT_TYPE, huge);

        assertThatThrownBy(() -> client.getById(1))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("answered with more than " + RestSchemaRegistryClient.MAX_RESPONSE_BYTES + " bytes");
        // the client still works afterwards
        int id = server.registry().register("a-value", Alert.getClassSchema());
        assertThat(client.getById(id)).isEqualTo(Alert.getClassSchema());
    }

    @Test
    void sendsBasicAuthentication() {
        String expected = "Basic " + Base64.getEncoder().encodeToString("reg-user:s3cr:et".getBytes(StandardCharsets.UTF_8));
        server.requireAuthorization(expected);

        SchemaRegistryClient anonymous = SchemaRegistryClients.forUrl(server.url());
        assertThatThrownBy(() -> anonymous.register("a-value", Alert.getClassSchema()))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.httpStatus()).isEqualTo(401))
                .hasMessageContaining("Unauthorized");

        SchemaRegistryClient client = SchemaRegistryClients.forConfig(Map.of(
                AvroSerdeConfig.SCHEMA_REGISTRY_URL, server.url(),
                AvroSerdeConfig.BASIC_AUTH_USER_INFO, "reg-user:s3cr:et"));
        assertThat(client.register("a-value", Alert.getClassSchema())).isEqualTo(1);
        assertThat(server.requests().get(1).authorization()).isEqualTo(expected);
    }

    @Test
    void sendsABearerToken() {
        server.requireAuthorization("Bearer token-123");
        SchemaRegistryClient client = SchemaRegistryClients.forConfig(Map.of(
                AvroSerdeConfig.SCHEMA_REGISTRY_URL, server.url(),
                AvroSerdeConfig.BEARER_AUTH_TOKEN, "token-123"));

        assertThat(client.register("a-value", Alert.getClassSchema())).isEqualTo(1);
    }

    @Test
    void givesUpAfterTheRequestTimeout() {
        server.hang();
        SchemaRegistryClient client = SchemaRegistryClients.forConfig(Map.of(
                AvroSerdeConfig.SCHEMA_REGISTRY_URL, server.url(),
                AvroSerdeConfig.REQUEST_TIMEOUT_MS, 300));
        long started = System.nanoTime();

        assertThatThrownBy(() -> client.getById(1))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("did not answer")
                .hasCauseInstanceOf(HttpTimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void triesTheNextUrlWhenOneCannotBeReached() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String dead = "http://127.0.0.1:" + closedPort;
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(List.of(dead, server.url()),
                RestSchemaRegistryClient.Settings.defaults());
        assertThat(client.register("a-value", Alert.getClassSchema())).isEqualTo(1);

        RestSchemaRegistryClient onlyDead = new RestSchemaRegistryClient(dead);
        assertThatThrownBy(() -> onlyDead.getById(1))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("schema registry " + dead + " did not answer");
    }

    @Test
    void refusesUrlsThatAreNotHttp() {
        for (String bad : new String[] {"localhost:8081", "ftp://r/", "http://r:8081/?x=1", "http:///nohost"}) {
            assertThatThrownBy(() -> new RestSchemaRegistryClient(bad))
                    .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad);
        }
    }

    @Test
    void theSerdeWorksOverRestAndAnotherProcessReadsTheSchemaById() {
        try (Serde<TlsReport> writer = AvroSerdes.forClass(TlsReport.class, server.url(), false);
             Serde<TlsReport> reader = AvroSerdes.forClass(TlsReport.class, server.url(), false)) {
            byte[] bytes = writer.serializer().serialize("tlsrpt.reports", TestRecords.tlsReport());
            writer.serializer().serialize("tlsrpt.reports", TestRecords.tlsReport());

            assertThat(reader.deserializer().deserialize("tlsrpt.reports", bytes)).isEqualTo(TestRecords.tlsReport());
            assertThat(reader.deserializer().deserialize("tlsrpt.reports", bytes)).isEqualTo(TestRecords.tlsReport());
            assertThat(server.requests()).extracting(r -> r.method() + " " + r.rawPath()).containsExactly(
                    "POST " + CCOMPAT + "/subjects/tlsrpt.reports-value/versions",
                    "GET " + CCOMPAT + "/schemas/ids/1");
        }
    }

    @Test
    void readsWithTheClassStringTypesWhenTheRegistryDropsJavaProperties() {
        server.stripJavaStringProperties();
        try (Serde<TlsReport> writer = AvroSerdes.forClass(TlsReport.class, server.url(), false);
             Serde<TlsReport> reader = AvroSerdes.forClass(TlsReport.class, server.url(), false)) {
            byte[] bytes = writer.serializer().serialize("tlsrpt.reports", TestRecords.tlsReport());
            TlsReport back = reader.deserializer().deserialize("tlsrpt.reports", bytes);

            assertThat(reader.deserializer()).isInstanceOf(ConfluentAvroDeserializer.class);
            assertThat(back).isEqualTo(TestRecords.tlsReport());
            assertThat(back.get(0)).isInstanceOf(String.class);
            assertThat(back.getPolicies().get(0).getFailureDetails().get(0).get(1)).isInstanceOf(String.class);
        }
    }

    @Test
    void aRegistryOutageIsASerializationErrorNamingTheRegistry() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        try (Serde<Alert> serde = AvroSerdes.forClass(Alert.class, "http://127.0.0.1:" + closedPort, false)) {
            assertThatThrownBy(() -> serde.serializer().serialize("tlsrpt.alerts", TestRecords.alert()))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("Cannot register subject \"tlsrpt.alerts-value\"")
                    .hasMessageContaining("127.0.0.1:" + closedPort);
        }
    }
}
