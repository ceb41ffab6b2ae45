package io.tlsrpt.schema.serde;

import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * A generated record class with its schema and the {@link SpecificData} model it was generated with
 * (the model carries the logical-type conversions, e.g. timestamp-millis to {@code java.time.Instant}).
 */
record RecordType<T extends SpecificRecord>(Class<T> type, Schema schema, SpecificData model) {

    RecordType {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(model, "model");
    }

    static <T extends SpecificRecord> RecordType<T> of(Class<T> type) {
        Objects.requireNonNull(type, "type");
        SpecificData model = SpecificData.getForClass(type);
        Schema schema = model.getSchema(type);
        if (schema.getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException(type.getName() + " is not a generated Avro record class");
        }
        return new RecordType<>(type, schema, model);
    }
}
