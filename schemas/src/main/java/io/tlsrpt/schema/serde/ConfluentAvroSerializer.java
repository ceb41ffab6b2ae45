package io.tlsrpt.schema.serde;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes generated Avro records in the Confluent wire format (magic byte 0, 4-byte schema id, Avro
 * binary). The schema is registered (or looked up, or the subject's latest taken) once per topic; after
 * that a record costs one map lookup, the Avro encoding into a per-thread buffer and one array copy.
 *
 * <p>Thread-safe, as Kafka producers require. A {@code null} record serializes to {@code null}
 * (a tombstone).
 */
public final class ConfluentAvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    private static final Logger LOG = LoggerFactory.getLogger(ConfluentAvroSerializer.class);

    // ConcurrentHashMap takes no null keys; a record serialized without a topic is planned under this
    private static final String NO_TOPIC = "\u0000no-topic";

    private final Map<String, WritePlan> plans = new ConcurrentHashMap<>();
    private volatile Writing<T> writing;
    private volatile SchemaRegistryClient registry;
    private volatile boolean ownsRegistry;
    private volatile SubjectNameStrategy subjectNameStrategy = new SubjectNameStrategy.TopicNameStrategy();
    private volatile boolean isKey;
    private volatile boolean autoRegister = true;
    private volatile boolean useLatestVersion;

    /**
     * A serializer created by class name (Kafka's {@code value.serializer}): it writes the class named by
     * {@code specific.avro.value.type} / {@code specific.avro.key.type}, or else the class of the first
     * record it is given.
     */
    public ConfluentAvroSerializer() {
    }

    /** A serializer for {@code type}, to be configured with {@link #configure(Map, boolean)}. */
    public ConfluentAvroSerializer(Class<T> type) {
        this.writing = new Writing<>(RecordType.of(type));
    }

    /**
     * A serializer using {@code registry}, ready without configuration (value, TopicNameStrategy,
     * auto-registering); {@link #configure} may still change everything but the registry.
     */
    public ConfluentAvroSerializer(Class<T> type, SchemaRegistryClient registry) {
        this(type);
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        AvroSerdeConfig config = new AvroSerdeConfig(SerdeConfigs.withRegistryUrl(configs, registry));
        this.isKey = isKey;
        this.autoRegister = config.autoRegisterSchemas();
        this.useLatestVersion = config.useLatestVersion();
        this.subjectNameStrategy = config.subjectNameStrategy(isKey);
        Class<T> configured = config.recordType(isKey);
        if (writing == null && configured != null) {
            writing = new Writing<>(RecordType.of(configured));
        }
        if (registry == null) {
            registry = SchemaRegistryClients.forConfig(config);
            ownsRegistry = true;
        }
        plans.clear();
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        Writing<T> writing = writingFor(record);
        WritePlan plan = plans.get(topic == null ? NO_TOPIC : topic);
        if (plan == null) {
            Schema schema = writing.recordType().schema();
            plan = plans.computeIfAbsent(topic == null ? NO_TOPIC : topic, t -> plan(topic, schema));
        }
        EncodeBuffer buffer = EncodeBuffer.acquire();
        try {
            buffer.writeHeader(plan.schemaId());
            BinaryEncoder encoder = buffer.encoder();
            if (plan.converter() == null) {
                writing.writer().write(record, encoder);
            } else {
                plan.converter().write(record, encoder);
            }
            encoder.flush();
            return buffer.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot serialize " + writing.recordType().schema().getFullName()
                    + " for topic " + topic
                    + " with schema id " + plan.schemaId() + ": " + e.getMessage(), e);
        } finally {
            buffer.release();
        }
    }

    /** The schema of the records this serializer writes, or {@code null} before it knows the class. */
    public Schema schema() {
        Writing<T> current = writing;
        return current == null ? null : current.recordType().schema();
    }

    @Override
    public void close() {
        if (ownsRegistry && registry != null) {
            registry.close();
        }
    }

    private Writing<T> writingFor(T record) {
        Writing<T> current = writing;
        if (current == null) {
            current = bindToClassOf(record);
        }
        if (record.getClass() != current.recordType().type()
                && !current.recordType().type().isInstance(record)) {
            throw new SerializationException("This serializer writes " + current.recordType().type().getName()
                    + " records, not " + record.getClass().getName());
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    private synchronized Writing<T> bindToClassOf(T record) {
        if (writing == null) {
            writing = new Writing<>(RecordType.of((Class<T>) record.getClass()));
        }
        return writing;
    }

    private WritePlan plan(String topic, Schema schema) {
        SchemaRegistryClient client = registry;
        if (client == null) {
            throw new SerializationException("ConfluentAvroSerializer for " + schema.getFullName() + " is not configured:"
                    + " call configure(Map.of(\"" + AvroSerdeConfig.SCHEMA_REGISTRY_URL + "\", url), isKey) first");
        }
        String subject;
        try {
            subject = subjectNameStrategy.subjectName(topic, isKey, schema);
        } catch (RuntimeException e) {
            throw new SerializationException("Cannot name the subject of " + schema.getFullName() + " for topic "
                    + topic + ": " + e.getMessage(), e);
        }
        try {
            WritePlan plan = useLatestVersion ? latestVersionPlan(client, subject, schema)
                    : new WritePlan(autoRegister ? client.register(subject, schema) : client.lookup(subject, schema), null);
            LOG.info("Writing {} to topic {} with schema id {} of subject \"{}\" at {}{}", schema.getFullName(), topic,
                    plan.schemaId(), subject, client.describe(),
                    plan.converter() != null ? " (the subject's latest schema, converted from the record's)" : "");
            return plan;
        } catch (SchemaRegistryException e) {
            String action = useLatestVersion ? "take the latest schema of" : autoRegister ? "register" : "look up";
            throw new SerializationException("Cannot " + action + " subject \"" + subject + "\" for "
                    + schema.getFullName() + " at schema registry " + client.describe() + ": " + e.getMessage(), e);
        }
    }

    private WritePlan latestVersionPlan(SchemaRegistryClient client, String subject, Schema schema) {
        RegisteredSchema latest = client.getLatest(subject);
        if (latest.schema().equals(schema)) {
            return new WritePlan(latest.id(), null);
        }
        SchemaCompatibility.SchemaPairCompatibility compatibility =
                SchemaCompatibility.checkReaderWriterCompatibility(latest.schema(), schema);
        if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new SerializationException("The latest schema of subject \"" + subject + "\" (id " + latest.id()
                    + ", version " + latest.version() + ") cannot read " + schema.getFullName() + " records: "
                    + compatibility.getDescription());
        }
        return new WritePlan(latest.id(), new Converter<>(schema, latest.schema(), writing.writer()));
    }

    /** The record class this serializer writes and its (thread-safe, reused) datum writer. */
    private record Writing<T extends SpecificRecord>(RecordType<T> recordType, DatumWriter<T> writer) {
        Writing(RecordType<T> recordType) {
            this(recordType, new SpecificDatumWriter<>(recordType.schema(), recordType.model()));
        }
    }

    /** The schema id to write under and, when writing with another schema than the record's, the converter. */
    private record WritePlan(int schemaId, Converter<?> converter) {
    }

    /**
     * Rewrites a record in another (compatible) schema: encode with the record's schema, resolve into a
     * generic record of the target schema, encode that. Only for use.latest.version with a latest schema
     * other than the record's own; slower, but never writes fields by the wrong position.
     */
    private static final class Converter<R> {
        private final DatumWriter<R> recordWriter;
        private final GenericDatumReader<GenericData.Record> resolver;
        private final GenericDatumWriter<GenericData.Record> targetWriter;

        Converter(Schema recordSchema, Schema targetSchema, DatumWriter<R> recordWriter) {
            this.recordWriter = recordWriter;
            this.resolver = new GenericDatumReader<>(recordSchema, targetSchema, GenericData.get());
            this.targetWriter = new GenericDatumWriter<>(targetSchema, GenericData.get());
        }

        @SuppressWarnings("unchecked")
        void write(Object record, BinaryEncoder target) throws IOException {
            java.io.ByteArrayOutputStream scratch = new java.io.ByteArrayOutputStream(256);
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(scratch, null);
            recordWriter.write((R) record, encoder);
            encoder.flush();
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(scratch.toByteArray(), null);
            targetWriter.write(resolver.read(null, decoder), target);
        }
    }
}
