package io.tlsrpt.schema.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent-wire-format Avro into generated records of one class. The writer schema is fetched by
 * the id in the header (once per id) and resolved against the class's schema, so records written with an
 * older or newer compatible schema are read as the current class.
 *
 * <p>Input that is not a well-formed record never yields a half-read object: too short, another magic
 * byte, an unknown id, an incompatible writer schema, truncated or trailing bytes all throw
 * {@link SerializationException} saying which. {@code null} deserializes to {@code null}. Thread-safe.
 */
public final class ConfluentAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    private static final ThreadLocal<BinaryDecoder[]> DECODER = ThreadLocal.withInitial(() -> new BinaryDecoder[1]);

    private final Map<Integer, ReaderOrError<T>> readers = new ConcurrentHashMap<>();
    private volatile Reading<T> reading;
    private volatile LastReader<T> lastReader;
    private volatile SchemaRegistryClient registry;
    private volatile boolean ownsRegistry;

    /**
     * A deserializer created by class name (Kafka's {@code value.deserializer}): {@link #configure} must
     * name the class with {@code specific.avro.value.type} or {@code specific.avro.key.type}.
     */
    public ConfluentAvroDeserializer() {
    }

    /** A deserializer for {@code type}, to be configured with {@link #configure(Map, boolean)}. */
    public ConfluentAvroDeserializer(Class<T> type) {
        this.reading = new Reading<>(RecordType.of(type));
    }

    /** A deserializer using {@code registry}, ready without configuration. */
    public ConfluentAvroDeserializer(Class<T> type, SchemaRegistryClient registry) {
        this(type);
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        AvroSerdeConfig config = new AvroSerdeConfig(SerdeConfigs.withRegistryUrl(configs, registry));
        Class<T> configured = config.recordType(isKey);
        if (reading == null) {
            if (configured == null) {
                String key = isKey ? AvroSerdeConfig.KEY_TYPE : AvroSerdeConfig.VALUE_TYPE;
                throw new ConfigException(key, null, "ConfluentAvroDeserializer created without a record class needs "
                        + key + " naming the generated class to read");
            }
            reading = new Reading<>(RecordType.of(configured));
            readers.clear();
            lastReader = null;
        }
        if (registry == null) {
            registry = SchemaRegistryClients.forConfig(config);
            ownsRegistry = true;
        }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        return read(topic, data, 0, data.length);
    }

    @Override
    public T deserialize(String topic, Headers headers, ByteBuffer data) {
        if (data == null) {
            return null;
        }
        if (data.hasArray()) {
            // read in place: no copy of the record
            return read(topic, data.array(), data.arrayOffset() + data.position(), data.remaining());
        }
        byte[] copy = new byte[data.remaining()];
        data.duplicate().get(copy);
        return read(topic, copy, 0, copy.length);
    }

    /** The schema records are read into, or {@code null} before the class is configured. */
    public Schema schema() {
        Reading<T> current = reading;
        return current == null ? null : current.recordType().schema();
    }

    @Override
    public void close() {
        if (ownsRegistry && registry != null) {
            registry.close();
        }
    }

    private T read(String topic, byte[] data, int offset, int length) {
        Reading<T> reading = this.reading;
        if (reading == null) {
            throw new SerializationException("ConfluentAvroDeserializer is not configured: call configure(Map.of(\""
                    + AvroSerdeConfig.SCHEMA_REGISTRY_URL + "\", url, \"" + AvroSerdeConfig.VALUE_TYPE
                    + "\", RecordClass.class), isKey) first");
        }
        Schema schema = reading.recordType().schema();
        int schemaId = WireFormat.schemaId(data, offset, length, topic);
        // most topics carry one schema id: remember the last one, which also spares boxing the id
        LastReader<T> last = lastReader;
        DatumReader<T> reader;
        if (last != null && last.schemaId() == schemaId) {
            reader = last.reader();
        } else {
            reader = readerFor(reading, schemaId, topic);
            lastReader = new LastReader<>(schemaId, reader);
        }
        BinaryDecoder[] holder = DECODER.get();
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, offset + WireFormat.HEADER_SIZE,
                length - WireFormat.HEADER_SIZE, holder[0]);
        holder[0] = decoder;
        T record;
        try {
            record = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new SerializationException("Cannot deserialize " + schema.getFullName() + " from topic " + topic
                        + ": bytes left over after the record written with schema id " + schemaId
                        + " (corrupt data, or data that does not belong to that schema)");
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof SerializationException se) {
                throw se;
            }
            throw new SerializationException("Cannot deserialize " + schema.getFullName() + " from topic " + topic
                    + " (" + length + " bytes, schema id " + schemaId + "): " + describe(e), e);
        }
        return record;
    }

    private DatumReader<T> readerFor(Reading<T> reading, int schemaId, String topic) {
        ReaderOrError<T> cached = readers.get(schemaId);
        if (cached == null) {
            cached = resolve(reading, schemaId, topic);
            ReaderOrError<T> raced = readers.putIfAbsent(schemaId, cached);
            cached = raced != null ? raced : cached;
        }
        if (cached.error() != null) {
            throw new SerializationException("Cannot deserialize " + reading.recordType().schema().getFullName()
                    + " from topic " + topic + ": " + cached.error());
        }
        return cached.reader();
    }

    /** The reader for records written with schema {@code schemaId}; registry failures are not cached. */
    private ReaderOrError<T> resolve(Reading<T> reading, int schemaId, String topic) {
        Schema schema = reading.recordType().schema();
        SpecificData model = reading.recordType().model();
        SchemaRegistryClient client = registry;
        if (client == null) {
            throw new SerializationException("ConfluentAvroDeserializer for " + schema.getFullName() + " is not configured:"
                    + " call configure(Map.of(\"" + AvroSerdeConfig.SCHEMA_REGISTRY_URL + "\", url), isKey) first");
        }
        Schema writerSchema;
        try {
            writerSchema = client.getById(schemaId);
        } catch (SchemaRegistryException e) {
            throw new SerializationException("Cannot deserialize " + schema.getFullName() + " from topic " + topic
                    + ": cannot fetch writer schema id " + schemaId + " from schema registry " + client.describe()
                    + ": " + e.getMessage(), e);
        }
        if (writerSchema.equals(schema) || reading.parsingForm().equals(SchemaNormalization.toParsingForm(writerSchema))) {
            // no resolution needed: the fast path. Registries may drop doc strings and properties such as
            // avro.java.string, which leaves the parsing canonical form (and so the encoding) unchanged
            return new ReaderOrError<>(new SpecificDatumReader<>(schema, schema, model), null);
        }
        SchemaCompatibility.SchemaPairCompatibility compatibility =
                SchemaCompatibility.checkReaderWriterCompatibility(schema, writerSchema);
        if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            // deterministic: remember it so a stream of such records does not query the registry each time
            return new ReaderOrError<>(null, "writer schema id " + schemaId + " (" + writerSchema.getFullName()
                    + ") cannot be read as " + schema.getFullName() + ": " + compatibility.getDescription());
        }
        return new ReaderOrError<>(new SpecificDatumReader<>(writerSchema, schema, model), null);
    }

    private static String describe(Exception e) {
        if (e instanceof java.io.EOFException) {
            return "the data ends inside the record (truncated)";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private record ReaderOrError<T>(DatumReader<T> reader, String error) {
    }

    private record LastReader<T>(int schemaId, DatumReader<T> reader) {
    }

    /** The record class read into, with its schema's parsing canonical form for comparing writer schemas. */
    private record Reading<T extends SpecificRecord>(RecordType<T> recordType, String parsingForm) {
        Reading(RecordType<T> recordType) {
            this(recordType, SchemaNormalization.toParsingForm(recordType.schema()));
            // Avro 1.12 instantiates only trusted classes: trust the ones this application compiled in
            TrustedAvroClasses.trust(recordType.schema());
        }
    }
}
