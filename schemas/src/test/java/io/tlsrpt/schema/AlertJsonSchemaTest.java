package io.tlsrpt.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.Schema.Field;
import org.junit.jupiter.api.Test;

/**
 * The published JSON Schema of {@code tlsrpt.alerts.json} says what the Avro record says (the same fields, every one
 * required), and alerts as {@link AvroJson} writes them validate against it; what breaks it does not.
 */
class AlertJsonSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Schema schema() throws Exception {
        try (InputStream in = AlertJsonSchema.open()) {
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
        }
    }

    private static Alert.Builder firing() {
        return Alert.newBuilder().setAlertId("1449e04e327b834c14982e5876e38cbf").setStatus("firing")
            .setKind("starttls-downgrade-suspected").setSeverity("critical").setPolicyDomain("example.org")
            .setResultType("starttls-not-supported").setWindowStart(Instant.parse("2026-11-27T00:00:00Z"))
            .setWindowEnd(Instant.parse("2026-11-28T00:00:00Z")).setFailedSessions(167).setTotalSessions(313)
            .setBaseline(0.1).setScore(187.3).setReporters(List.of("Google Inc."))
            .setTopSendingIps(List.of("203.0.113.7")).setTopReceivingMx(List.of("mx1.example.org"))
            .setSummary("a summary").setDetectedAt(Instant.parse("2026-11-28T08:13:02.123456789Z"));
    }

    @Test
    void itHasTheAvroRecordsFieldsEveryOneRequired() throws Exception {
        JsonNode text;
        try (InputStream in = AlertJsonSchema.open()) {
            text = JSON.readTree(in);
        }
        Set<String> avro = new TreeSet<>();
        for (Field field : Alert.getClassSchema().getFields()) {
            avro.add(field.name());
        }
        Set<String> properties = new TreeSet<>();
        text.get("properties").fieldNames().forEachRemaining(properties::add);
        Set<String> required = new TreeSet<>();
        text.get("required").forEach(r -> required.add(r.asText()));
        assertThat(properties).isEqualTo(avro);
        assertThat(required).as("AvroJson writes every field, nulls included").isEqualTo(avro);
        assertThat(text.get("additionalProperties").asBoolean()).isFalse();
    }

    @Test
    void alertsAsWrittenValidate() throws Exception {
        Schema schema = schema();
        Alert plain = firing().build();
        Alert judged = firing().setStatus("resolved").setJudgedReporter("Google Inc.").setTenant("acme")
            .setReporters(List.of()).setTopSendingIps(List.of()).setTopReceivingMx(List.of()).build();
        for (Alert alert : List.of(plain, judged)) {
            JsonNode json = JSON.readTree(AvroJson.toJson(alert));
            assertThat(schema.validate(json)).as(json.toString()).isEmpty();
        }
    }

    @Test
    void whatBreaksItIsRefused() throws Exception {
        Schema schema = schema();
        ObjectNode good = (ObjectNode) JSON.readTree(AvroJson.toJson(firing().build()));
        List<ObjectNode> bad = new ArrayList<>();
        bad.add(good.deepCopy().put("status", "open"));
        bad.add(good.deepCopy().put("severity", "urgent"));
        bad.add(good.deepCopy().put("alert_id", "not-an-id"));
        bad.add(good.deepCopy().put("window_start", "27 November 2026"));
        bad.add(good.deepCopy().put("failed_sessions", -1));
        bad.add(good.deepCopy().put("kind", "Certificate Expired"));
        bad.add(good.deepCopy().put("unknown_field", 1));
        ObjectNode missing = good.deepCopy();
        missing.remove("tenant");
        bad.add(missing);
        for (ObjectNode alert : bad) {
            List<Error> errors = schema.validate(alert);
            assertThat(errors).as(alert.toString()).isNotEmpty();
        }
    }
}
