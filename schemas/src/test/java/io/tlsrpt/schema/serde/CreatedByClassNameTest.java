package io.tlsrpt.schema.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tlsrpt.schema.Alert;
import io.tlsrpt.schema.FailureStats;
import io.tlsrpt.schema.TlsReport;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Serdes that Kafka creates from class names in a configuration, with the record class configured too. */
class CreatedByClassNameTest {

    private final String scope = "by-name-test-" + UUID.randomUUID();
    private final String url = "mock://" + scope;

    @AfterEach
    void drop() {
        MockSchemaRegistry.dropScope(scope);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aSerializerAndDeserializerNamedInAConfigurationRoundTrip() throws ClassNotFoundException {
        // what KafkaProducer / KafkaConsumer do with value.serializer / value.deserializer
        Map<String, Object> config = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url,
                AvroSerdeConfig.VALUE_TYPE, "io.tlsrpt.schema.TlsReport");
        Serializer<TlsReport> serializer = Utils.newInstance(ConfluentAvroSerializer.class.getName(), Serializer.class);
        Deserializer<TlsReport> deserializer =
                Utils.newInstance(ConfluentAvroDeserializer.class.getName(), Deserializer.class);
        serializer.configure(config, false);
        deserializer.configure(config, false);

        byte[] bytes = serializer.serialize("tlsrpt.reports", TestRecords.tlsReport());
        assertThat(deserializer.deserialize("tlsrpt.reports", bytes)).isEqualTo(TestRecords.tlsReport());
        assertThat(((ConfluentAvroDeserializer<TlsReport>) deserializer).schema()).isEqualTo(TlsReport.getClassSchema());
    }

    @Test
    void aSerdeNamedInAStreamsConfigurationTakesTheKeyOrValueClass() {
        try (Serde<Alert> keys = new ConfluentAvroSerde<>(); Serde<FailureStats> values = new ConfluentAvroSerde<>()) {
            Map<String, Object> config = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url,
                    AvroSerdeConfig.KEY_TYPE, Alert.class, AvroSerdeConfig.VALUE_TYPE, FailureStats.class);
            keys.configure(config, true);
            values.configure(config, false);

            byte[] key = keys.serializer().serialize("t", TestRecords.alert());
            byte[] value = values.serializer().serialize("t", TestRecords.failureStats());
            assertThat(keys.deserializer().deserialize("t", key)).isEqualTo(TestRecords.alert());
            assertThat(values.deserializer().deserialize("t", value)).isEqualTo(TestRecords.failureStats());
            assertThat(MockSchemaRegistry.forScope(scope).subjects()).containsExactly("t-key", "t-value");
        }
    }

    @Test
    void aSerializerWithoutAClassWritesTheClassOfItsFirstRecordOnly() {
        ConfluentAvroSerializer<org.apache.avro.specific.SpecificRecord> serializer = new ConfluentAvroSerializer<>();
        serializer.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url), false);
        assertThat(serializer.schema()).isNull();

        byte[] bytes = serializer.serialize("tlsrpt.alerts", TestRecords.alert());
        assertThat(serializer.schema()).isEqualTo(Alert.getClassSchema());
        assertThat(new ConfluentAvroDeserializer<>(Alert.class, MockSchemaRegistry.forScope(scope))
                .deserialize("tlsrpt.alerts", bytes)).isEqualTo(TestRecords.alert());
        assertThatThrownBy(() -> serializer.serialize("tlsrpt.alerts", TestRecords.deadLetter()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("writes io.tlsrpt.schema.Alert records, not io.tlsrpt.schema.DeadLetter");
    }

    @Test
    void aDeserializerOrSerdeWithoutAClassIsAConfigurationError() {
        Map<String, Object> noType = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url);
        assertThatThrownBy(() -> new ConfluentAvroDeserializer<>().configure(noType, false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(AvroSerdeConfig.VALUE_TYPE);
        assertThatThrownBy(() -> new ConfluentAvroSerde<>().configure(noType, true))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(AvroSerdeConfig.KEY_TYPE);
        assertThatThrownBy(() -> new ConfluentAvroSerde<>().serializer())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not configured");
        assertThatThrownBy(() -> new ConfluentAvroDeserializer<>().deserialize("t", new byte[] {0, 0, 0, 0, 1}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("not configured");
        Map<String, Object> notARecord = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url,
                AvroSerdeConfig.VALUE_TYPE, "java.lang.String");
        assertThatThrownBy(() -> new ConfluentAvroDeserializer<>().configure(notARecord, false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("not a generated Avro record class");
        Map<String, Object> noSuchClass = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url,
                AvroSerdeConfig.VALUE_TYPE, "io.tlsrpt.schema.NoSuchRecord");
        assertThatThrownBy(() -> new ConfluentAvroDeserializer<>().configure(noSuchClass, false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("io.tlsrpt.schema.NoSuchRecord");
    }
}
