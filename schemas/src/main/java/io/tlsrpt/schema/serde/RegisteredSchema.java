package io.tlsrpt.schema.serde;

import java.util.Objects;
import org.apache.avro.Schema;

/** One version of a subject as a registry stores it. */
public record RegisteredSchema(String subject, int id, int version, Schema schema) {

    public RegisteredSchema {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schema, "schema");
    }
}
