package io.tlsrpt.schema.serde;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde for generated Avro records in the Confluent wire format: {@link ConfluentAvroSerializer} and
 * {@link ConfluentAvroDeserializer} over one registry client. Configure with
 * {@code configure(Map.of("schema.registry.url", url), isKey)} (see {@link AvroSerdeConfig}), or use
 * {@link AvroSerdes#forClass} for a configured one.
 */
public final class ConfluentAvroSerde<T extends SpecificRecord> implements Serde<T> {

    private Class<T> type;
    private SchemaRegistryClient registry;
    private boolean ownsRegistry;
    private ConfluentAvroSerializer<T> serializer;
    private ConfluentAvroDeserializer<T> deserializer;

    /**
     * A serde created by class name (e.g. Streams' {@code default.value.serde}): {@link #configure} must name
     * the record class with {@code specific.avro.value.type} or {@code specific.avro.key.type}.
     */
    public ConfluentAvroSerde() {
    }

    /** A serde for {@code type}, to be configured with {@link #configure(Map, boolean)}. */
    public ConfluentAvroSerde(Class<T> type) {
        this.type = type;
        this.serializer = new ConfluentAvroSerializer<>(type);
        this.deserializer = new ConfluentAvroDeserializer<>(type);
    }

    /** A serde over an existing registry client, ready without configuration (value, TopicNameStrategy). */
    public ConfluentAvroSerde(Class<T> type, SchemaRegistryClient registry) {
        this.type = type;
        this.registry = registry;
        this.serializer = new ConfluentAvroSerializer<>(type, registry);
        this.deserializer = new ConfluentAvroDeserializer<>(type, registry);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        AvroSerdeConfig config = new AvroSerdeConfig(SerdeConfigs.withRegistryUrl(configs, registry));
        if (type == null) {
            type = config.recordType(isKey);
            if (type == null) {
                String key = isKey ? AvroSerdeConfig.KEY_TYPE : AvroSerdeConfig.VALUE_TYPE;
                throw new ConfigException(key, null, "ConfluentAvroSerde created without a record class needs " + key
                        + " naming the generated class to read and write");
            }
        }
        if (registry == null) {
            // one client for both directions: a schema registered by the serializer is then known by id
            registry = SchemaRegistryClients.forConfig(config);
            ownsRegistry = true;
        }
        serializer = new ConfluentAvroSerializer<>(type, registry);
        deserializer = new ConfluentAvroDeserializer<>(type, registry);
        serializer.configure(configs, isKey);
        deserializer.configure(configs, isKey);
    }

    @Override
    public Serializer<T> serializer() {
        requireConfigured();
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        requireConfigured();
        return deserializer;
    }

    @Override
    public void close() {
        if (serializer != null) {
            serializer.close();
            deserializer.close();
        }
        if (ownsRegistry) {
            registry.close();
        }
    }

    private void requireConfigured() {
        if (serializer == null) {
            throw new IllegalStateException("ConfluentAvroSerde created without a record class is not configured yet:"
                    + " call configure(Map.of(\"" + AvroSerdeConfig.SCHEMA_REGISTRY_URL + "\", url, \""
                    + AvroSerdeConfig.VALUE_TYPE + "\", RecordClass.class), isKey) first");
        }
    }
}
