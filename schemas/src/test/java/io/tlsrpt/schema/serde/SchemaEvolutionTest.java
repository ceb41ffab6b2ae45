package io.tlsrpt.schema.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tlsrpt.schema.Alert;
import io.tlsrpt.schema.FailureDetail;
import io.tlsrpt.schema.Policy;
import io.tlsrpt.schema.TlsReport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Records written with another version of a schema than the reader's class. */
class SchemaEvolutionTest {

    private static final String TOPIC = "tlsrpt.reports";
    private static final String SUBJECT = TOPIC + "-value";

    private final String scope = "evolution-test-" + UUID.randomUUID();
    private final String url = "mock://" + scope;
    private final MockSchemaRegistry registry = MockSchemaRegistry.forScope(scope);

    @AfterEach
    void drop() {
        MockSchemaRegistry.dropScope(scope);
    }

    @Test
    void readsARecordWrittenWithAnOlderSchemaVersionFilledWithDefaults() throws IOException {
        Schema v0 = parse("/evolution/TlsReport-v0.avsc");
        int v0Id = registry.register(SUBJECT, v0);
        Schema policySchema = v0.getField("policies").schema().getElementType();
        Schema detailSchema = policySchema.getField("failure_details").schema().getElementType();
        GenericRecord detail = new GenericRecordBuilder(detailSchema)
                .set("result_type", "validation-failure").set("sending_mta_ip", "192.0.2.1").set("failed_sessions", 2L)
                .build();
        GenericRecord policy = new GenericRecordBuilder(policySchema)
                .set("policy_type", "tlsa").set("policy_domain", "example.org")
                .set("policy_strings", List.of("3 1 1 abcd")).set("successful_sessions", 10L)
                .set("failed_sessions", 2L).set("failure_details", List.of(detail))
                .build();
        GenericRecord old = new GenericRecordBuilder(v0)
                .set("organization_name", "Old Writer Inc.").set("report_id", "r-1")
                .set("start", TestRecords.START.toEpochMilli()).set("end", TestRecords.END.toEpochMilli())
                .set("policies", List.of(policy))
                .build();
        byte[] bytes = wire(v0Id, v0, old);

        try (Serde<TlsReport> serde = AvroSerdes.forClass(TlsReport.class, url, false)) {
            TlsReport read = serde.deserializer().deserialize(TOPIC, bytes);

            assertThat(read.getOrganizationName()).isEqualTo("Old Writer Inc.");
            assertThat(read.getStart()).isEqualTo(TestRecords.START);
            assertThat(read.getEnd()).isEqualTo(TestRecords.END);
            assertThat(read.getContactInfo()).isNull();
            assertThat(read.getDeviations()).isEmpty();
            assertThat(read.getDedupKey()).isEmpty();
            assertThat(read.getProvenance()).isNull();
            Policy readPolicy = read.getPolicies().get(0);
            assertThat(readPolicy.getMxHosts()).isEmpty();
            assertThat(readPolicy.getPolicyStrings()).containsExactly("3 1 1 abcd");
            FailureDetail readDetail = readPolicy.getFailureDetails().get(0);
            assertThat(readDetail.getResultType()).isEqualTo("validation-failure");
            assertThat(readDetail.getFailedSessions()).isEqualTo(2L);
            assertThat(readDetail.getFailureReasonCode()).isNull();
            assertThat(readDetail.getReceivingIp()).isNull();

            // the current version is a new version of the same subject: the reader's own schema gets another id
            byte[] current = serde.serializer().serialize(TOPIC, read);
            assertThat(WireFormat.schemaId(current, TOPIC)).isGreaterThan(v0Id);
            assertThat(serde.deserializer().deserialize(TOPIC, current)).isEqualTo(read);
        }
    }

    @Test
    void readsARecordWrittenWithANewerSchemaIgnoringTheFieldsItDoesNotKnow() throws IOException {
        Schema newer = withExtraField(Alert.getClassSchema(), "runbook_url");
        int newerId = registry.register("tlsrpt.alerts-value", newer);
        GenericRecord written = asGeneric(TestRecords.alert(), newer);
        written.put("runbook_url", "https://runbooks.example.com/tlsrpt");

        try (Serde<Alert> serde = AvroSerdes.forClass(Alert.class, url, false)) {
            assertThat(serde.deserializer().deserialize("tlsrpt.alerts", wire(newerId, newer, written)))
                    .isEqualTo(TestRecords.alert());
        }
    }

    @Test
    void useLatestVersionWritesWithTheSubjectsLatestSchema() throws IOException {
        Schema newer = withExtraField(Alert.getClassSchema(), "runbook_url");
        registry.register("tlsrpt.alerts-value", Alert.getClassSchema());
        int latestId = registry.register("tlsrpt.alerts-value", newer);
        Map<String, Object> config = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url,
                AvroSerdeConfig.USE_LATEST_VERSION, "true");

        try (Serde<Alert> serde = AvroSerdes.forClass(Alert.class, config, false)) {
            byte[] bytes = serde.serializer().serialize("tlsrpt.alerts", TestRecords.alert());

            assertThat(WireFormat.schemaId(bytes, "tlsrpt.alerts")).isEqualTo(latestId);
            GenericRecord asLatest = new GenericDatumReader<GenericRecord>(newer).read(null,
                    DecoderFactory.get().binaryDecoder(Arrays.copyOfRange(bytes, 5, bytes.length), null));
            assertThat(asLatest.get("runbook_url")).isNull();
            assertThat(asLatest.get("summary").toString()).isEqualTo(TestRecords.alert().getSummary());
            assertThat(serde.deserializer().deserialize("tlsrpt.alerts", bytes)).isEqualTo(TestRecords.alert());
        }
        assertThat(registry.getLatest("tlsrpt.alerts-value").id()).isEqualTo(latestId);
    }

    @Test
    void useLatestVersionRefusesALatestSchemaThatCannotReadTheRecord() {
        registry.setCompatibility(MockSchemaRegistry.Compatibility.NONE);
        Schema needsMore = Schema.createRecord("Alert", null, "io.tlsrpt.schema", false, List.of(
                new Schema.Field("alert_id", Schema.create(Schema.Type.STRING)),
                new Schema.Field("must_have", Schema.create(Schema.Type.LONG))));
        registry.register("tlsrpt.alerts-value", needsMore);
        Map<String, Object> config = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url,
                AvroSerdeConfig.USE_LATEST_VERSION, true);

        try (Serde<Alert> serde = AvroSerdes.forClass(Alert.class, config, false)) {
            assertThatThrownBy(() -> serde.serializer().serialize("tlsrpt.alerts", TestRecords.alert()))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("cannot read io.tlsrpt.schema.Alert")
                    .hasMessageContaining("must_have");
        }
    }

    @Test
    void withoutAutoRegisterTheSchemaMustAlreadyBeRegistered() {
        Map<String, Object> config = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url,
                AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, "false");
        try (Serde<Alert> serde = AvroSerdes.forClass(Alert.class, config, false)) {
            assertThatThrownBy(() -> serde.serializer().serialize("tlsrpt.alerts", TestRecords.alert()))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("Cannot look up subject \"tlsrpt.alerts-value\"")
                    .hasMessageContaining("not found");
            assertThat(registry.subjects()).isEmpty();
        }
        int id = registry.register("tlsrpt.alerts-value", Alert.getClassSchema());
        try (Serde<Alert> serde = AvroSerdes.forClass(Alert.class, config, false)) {
            assertThat(WireFormat.schemaId(serde.serializer().serialize("tlsrpt.alerts", TestRecords.alert()),
                    "tlsrpt.alerts")).isEqualTo(id);
        }
    }

    @Test
    void anIncompatibleSchemaChangeIsRefusedAtRegistration() {
        Schema renamed = new Schema.Parser().parse(Alert.getClassSchema().toString()
                .replace("\"name\":\"failed_sessions\",\"type\":\"long\",\"default\":0",
                        "\"name\":\"failed_sessions\",\"type\":\"string\""));
        assertThat(renamed).isNotEqualTo(Alert.getClassSchema());
        registry.register("tlsrpt.alerts-value", renamed);

        try (Serde<Alert> serde = AvroSerdes.forClass(Alert.class, url, false)) {
            assertThatThrownBy(() -> serde.serializer().serialize("tlsrpt.alerts", TestRecords.alert()))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("Cannot register subject \"tlsrpt.alerts-value\"")
                    .hasMessageContaining("incompatible")
                    .hasRootCauseInstanceOf(SchemaRegistryException.class);
        }
    }

    private static Schema parse(String resource) throws IOException {
        try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream(resource)) {
            return new Schema.Parser().parse(in);
        }
    }

    /** The record schema with one more optional string field at the end. */
    private static Schema withExtraField(Schema schema, String name) {
        List<Schema.Field> fields = new java.util.ArrayList<>();
        for (Schema.Field field : schema.getFields()) {
            fields.add(new Schema.Field(field, field.schema()));
        }
        fields.add(new Schema.Field(name, Schema.createUnion(Schema.create(Schema.Type.NULL),
                Schema.create(Schema.Type.STRING)), null, Schema.Field.NULL_DEFAULT_VALUE));
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }

    /** A specific record re-read as a generic record of {@code target} (which must be able to read it). */
    private static GenericRecord asGeneric(org.apache.avro.specific.SpecificRecord record, Schema target)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new org.apache.avro.specific.SpecificDatumWriter<>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return new GenericDatumReader<GenericRecord>(record.getSchema(), target, GenericData.get())
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
    }

    /** Confluent wire format written by hand: header, then plain Avro of the generic record. */
    private static byte[] wire(int schemaId, Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(WireFormat.header(schemaId));
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
