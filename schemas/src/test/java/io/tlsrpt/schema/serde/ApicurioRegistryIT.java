package io.tlsrpt.schema.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tlsrpt.schema.Alert;
import io.tlsrpt.schema.DeadLetter;
import io.tlsrpt.schema.DomainStats;
import io.tlsrpt.schema.FailureStats;
import io.tlsrpt.schema.TlsReport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The serde and the REST client against a real Apicurio Registry 3 through its Confluent-compatible API
 * ({@code /apis/ccompat/v7}). Maven unpacks {@code io.apicurio:apicurio-registry-app:tar.gz:all} into
 * {@code target/apicurio-registry} before the integration tests; the registry needs Java 21+, which is
 * looked for beside the Java 17 running the build. Without one the tests are skipped, saying why.
 */
class ApicurioRegistryIT {

    private static ApicurioRegistryProcess registry;
    private static Instant classStarted;

    @BeforeAll
    static void startRegistry() throws IOException {
        classStarted = Instant.now();
        Path home = Path.of(System.getProperty("apicurio.home", "target/apicurio-registry"));
        skipUnless(Files.isRegularFile(home.resolve("quarkus-run.jar")), "Apicurio Registry is not unpacked at "
                + home.toAbsolutePath() + " (run through `mvn verify`, which unpacks"
                + " io.apicurio:apicurio-registry-app:tar.gz:all there; -Dapicurio.skip=true skips that)");
        Java21Locator locator = new Java21Locator();
        Optional<Path> java = locator.find();
        skipUnless(java.isPresent(), "no Java " + Java21Locator.MINIMUM_FEATURE + "+ found to run Apicurio Registry"
                + " (it needs Java 21+; looked at: " + locator.looked() + "). Set APICURIO_JAVA_HOME to a JDK 21+.");
        Path log = home.getParent().resolve("apicurio-registry-it.log");
        registry = ApicurioRegistryProcess.start(java.get(), home, log);
        System.out.printf("ApicurioRegistryIT: Apicurio Registry (%s) answered at %s after %d ms; log: %s%n",
                java.get(), registry.ccompatUrl(), registry.startup().toMillis(), log);
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
            System.out.printf("ApicurioRegistryIT: took %d ms in all (registry start included)%n",
                    Duration.between(classStarted, Instant.now()).toMillis());
        }
    }

    static Stream<Arguments> everyRecordType() {
        return Stream.of(
                Arguments.of(TlsReport.class, TestRecords.tlsReport(), "tlsrpt.reports"),
                Arguments.of(FailureStats.class, TestRecords.failureStats(), "tlsrpt.failure-stats"),
                Arguments.of(DomainStats.class, TestRecords.domainStats(), "tlsrpt.domain-stats"),
                Arguments.of(Alert.class, TestRecords.alert(), "tlsrpt.alerts"),
                Arguments.of(DeadLetter.class, TestRecords.deadLetter(), "tlsrpt.dead-letter"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRecordType")
    <T extends SpecificRecord> void registersSerializesAndAnotherClientDeserializes(Class<T> type, T record,
                                                                                    String topic) {
        byte[] bytes;
        try (Serde<T> writer = AvroSerdes.forClass(type, registry.ccompatUrl(), false)) {
            bytes = writer.serializer().serialize(topic, record);
        }
        RestSchemaRegistryClient fresh = new RestSchemaRegistryClient(registry.ccompatUrl());
        int registeredId = fresh.lookup(topic + "-value", record.getSchema());
        assertThat(bytes[0]).isEqualTo(WireFormat.MAGIC_BYTE);
        assertThat(WireFormat.schemaId(bytes, topic)).isEqualTo(registeredId);
        assertThat(fresh.getLatest(topic + "-value").id()).isEqualTo(registeredId);

        // a reader with its own client knows nothing yet: it fetches the writer schema by id from Apicurio
        try (Serde<T> reader = AvroSerdes.forClass(type, registry.ccompatUrl(), false)) {
            assertThat(reader.deserializer().deserialize(topic, bytes)).isEqualTo(record);
        }
        Schema fetched = fresh.getById(registeredId);
        assertThat(fetched.getFullName()).isEqualTo(record.getSchema().getFullName());
    }

    @Test
    void theSameSchemaKeepsItsIdAndAChangedOneBecomesVersionTwo() {
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(registry.ccompatUrl());
        String subject = "it.evolution-value";
        int first = client.register(subject, Alert.getClassSchema());
        assertThat(new RestSchemaRegistryClient(registry.ccompatUrl()).register(subject, Alert.getClassSchema()))
                .isEqualTo(first);

        Schema newer = withOptionalField(Alert.getClassSchema(), "runbook_url");
        int second = client.register(subject, newer);
        RegisteredSchema latest = new RestSchemaRegistryClient(registry.ccompatUrl()).getLatest(subject);

        assertThat(second).isNotEqualTo(first);
        assertThat(latest.id()).isEqualTo(second);
        assertThat(latest.version()).isEqualTo(2);
        assertThat(latest.schema().getField("runbook_url")).isNotNull();

        // a producer pinned to the latest version writes with it; the current class still reads the bytes
        Map<String, Object> config = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.ccompatUrl(),
                AvroSerdeConfig.USE_LATEST_VERSION, true,
                AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY, "TopicNameStrategy");
        try (Serde<Alert> serde = AvroSerdes.forClass(Alert.class, config, false)) {
            byte[] bytes = serde.serializer().serialize("it.evolution", TestRecords.alert());
            assertThat(WireFormat.schemaId(bytes, "it.evolution")).isEqualTo(second);
            assertThat(serde.deserializer().deserialize("it.evolution", bytes)).isEqualTo(TestRecords.alert());
        }
    }

    @Test
    void anIncompatibleVersionIsRefusedWithApicuriosErrorOnceTheSubjectHasARule() throws Exception {
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(registry.ccompatUrl());
        String subject = "it.compatibility-value";
        Schema v1 = Schema.createRecord("Thing", null, "it", false,
                List.of(new Schema.Field("a", Schema.create(Schema.Type.STRING))));
        Schema addsRequired = Schema.createRecord("Thing", null, "it", false,
                List.of(new Schema.Field("a", Schema.create(Schema.Type.STRING)),
                        new Schema.Field("b", Schema.create(Schema.Type.LONG))));
        client.register(subject, v1);
        // Apicurio has no compatibility rule by default; set one through the same Confluent API
        HttpResponse<String> config = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(registry.ccompatUrl() + "/config/" + subject))
                .header("Content-Type", RestSchemaRegistryClient.CONTENT_TYPE)
                .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\":\"BACKWARD\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(config.statusCode()).as(config.body()).isEqualTo(200);

        assertThatThrownBy(() -> client.register(subject, addsRequired))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.INCOMPATIBLE_SCHEMA);
                })
                .hasMessageContaining("Incompatible artifact: it.compatibility-value");
    }

    @Test
    void recordNameStrategySubjectsWork() {
        Map<String, Object> config = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.ccompatUrl(),
                AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY, "RecordNameStrategy");
        try (Serde<DeadLetter> serde = AvroSerdes.forClass(DeadLetter.class, config, false)) {
            byte[] bytes = serde.serializer().serialize("any-topic", TestRecords.deadLetter());
            assertThat(new RestSchemaRegistryClient(registry.ccompatUrl()).getLatest("io.tlsrpt.schema.DeadLetter").id())
                    .isEqualTo(WireFormat.schemaId(bytes, "any-topic"));
        }
    }

    @Test
    void reportsApicuriosErrorsWithTheirCodes() {
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(registry.ccompatUrl());
        List<SchemaRegistryException> errors = new ArrayList<>();
        assertThatThrownBy(() -> client.getById(987654))
                .isInstanceOfSatisfying(SchemaRegistryException.class, errors::add);
        assertThatThrownBy(() -> client.getLatest("it.no-such-subject-value"))
                .isInstanceOfSatisfying(SchemaRegistryException.class, errors::add);
        assertThatThrownBy(() -> client.lookup("it.no-such-subject-value", Alert.getClassSchema()))
                .isInstanceOfSatisfying(SchemaRegistryException.class, errors::add);

        assertThat(errors).allSatisfy(e -> {
            assertThat(e.httpStatus()).isEqualTo(404);
            assertThat(e.isNotFound()).isTrue();
            assertThat(e.getMessage()).contains("HTTP 404");
        });
        // Apicurio answers with Confluent's error codes and its own messages
        assertThat(errors).extracting(SchemaRegistryException::errorCode).containsExactly(
                SchemaRegistryException.SCHEMA_NOT_FOUND, SchemaRegistryException.SUBJECT_NOT_FOUND,
                SchemaRegistryException.SUBJECT_NOT_FOUND);
        assertThat(errors.get(0)).hasMessageContaining("Schema 987654 not found");
        assertThat(errors.get(1)).hasMessageContaining("Subject 'it.no-such-subject-value' not found");
    }

    private static void skipUnless(boolean condition, String why) {
        if (!condition) {
            // printed as well: a skipped assumption is easy to miss in a build log
            System.out.println("ApicurioRegistryIT SKIPPED: " + why);
        }
        Assumptions.assumeTrue(condition, "ApicurioRegistryIT SKIPPED: " + why);
    }

    private static Schema withOptionalField(Schema schema, String name) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : schema.getFields()) {
            fields.add(new Schema.Field(field, field.schema()));
        }
        fields.add(new Schema.Field(name, Schema.createUnion(Schema.create(Schema.Type.NULL),
                Schema.create(Schema.Type.STRING)), null, Schema.Field.NULL_DEFAULT_VALUE));
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }
}
