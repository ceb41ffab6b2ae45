package io.tlsrpt.schema.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tlsrpt.schema.Alert;
import io.tlsrpt.schema.TlsReport;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SubjectNameStrategyTest {

    private final String scope = "strategy-test-" + UUID.randomUUID();

    @AfterEach
    void drop() {
        MockSchemaRegistry.dropScope(scope);
    }

    @ParameterizedTest(name = "{0} as key={1} -> {2}")
    @CsvSource({
            "'',                                                        false, tlsrpt.alerts-value",
            "TopicNameStrategy,                                         true,  tlsrpt.alerts-key",
            "TopicNameStrategy,                                         false, tlsrpt.alerts-value",
            "io.confluent.kafka.serializers.subject.TopicNameStrategy,   true,  tlsrpt.alerts-key",
            "RecordNameStrategy,                                        false, io.tlsrpt.schema.Alert",
            "io.confluent.kafka.serializers.subject.RecordNameStrategy,  true,  io.tlsrpt.schema.Alert",
            "TopicRecordNameStrategy,                                   false, tlsrpt.alerts-io.tlsrpt.schema.Alert",
            "io.tlsrpt.schema.serde.SubjectNameStrategy$TopicRecordNameStrategy, true, tlsrpt.alerts-io.tlsrpt.schema.Alert",
            "io.tlsrpt.schema.serde.SubjectNameStrategyTest$FixedSubject, false, fixed-subject"
    })
    void registersUnderTheSubjectTheStrategyNames(String strategy, boolean isKey, String expectedSubject) {
        Map<String, Object> config = new HashMap<>();
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + scope);
        if (!strategy.isEmpty()) {
            config.put(isKey ? AvroSerdeConfig.KEY_SUBJECT_NAME_STRATEGY : AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY,
                    strategy);
        }
        try (Serde<Alert> serde = AvroSerdes.forClass(Alert.class, config, isKey)) {
            byte[] bytes = serde.serializer().serialize("tlsrpt.alerts", TestRecords.alert());

            MockSchemaRegistry registry = MockSchemaRegistry.forScope(scope);
            assertThat(registry.subjects()).containsExactly(expectedSubject);
            assertThat(WireFormat.schemaId(bytes, "tlsrpt.alerts"))
                    .isEqualTo(registry.getLatest(expectedSubject).id());
        }
    }

    @Test
    void theKeyStrategyDoesNotApplyToValuesAndViceVersa() {
        Map<String, Object> config = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + scope,
                AvroSerdeConfig.KEY_SUBJECT_NAME_STRATEGY, "RecordNameStrategy");
        try (Serde<TlsReport> values = AvroSerdes.forClass(TlsReport.class, config, false);
             Serde<Alert> keys = AvroSerdes.forClass(Alert.class, config, true)) {
            values.serializer().serialize("t", TestRecords.tlsReport());
            keys.serializer().serialize("t", TestRecords.alert());
        }
        assertThat(MockSchemaRegistry.forScope(scope).subjects()).containsExactly("io.tlsrpt.schema.Alert", "t-value");
    }

    @Test
    void topicBasedStrategiesNeedATopic() {
        assertThatThrownBy(() -> new SubjectNameStrategy.TopicNameStrategy().subjectName(null, false,
                Alert.getClassSchema())).isInstanceOf(IllegalArgumentException.class);
        assertThat(new SubjectNameStrategy.RecordNameStrategy().subjectName(null, false, Alert.getClassSchema()))
                .isEqualTo("io.tlsrpt.schema.Alert");
    }

    @Test
    void anUnknownStrategyIsAConfigurationError() {
        Map<String, Object> config = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + scope,
                AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY, "com.example.NoSuchStrategy");
        assertThatThrownBy(() -> AvroSerdes.forClass(Alert.class, config, false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY)
                .hasMessageContaining("com.example.NoSuchStrategy");
        Map<String, Object> notAStrategy = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + scope,
                AvroSerdeConfig.KEY_SUBJECT_NAME_STRATEGY, "java.lang.String");
        assertThatThrownBy(() -> AvroSerdes.forClass(Alert.class, notAStrategy, true))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("does not implement");
    }

    /** A user-defined strategy, named by class in the configuration. */
    public static final class FixedSubject implements SubjectNameStrategy {
        @Override
        public String subjectName(String topic, boolean isKey, Schema schema) {
            return "fixed-subject";
        }
    }
}
