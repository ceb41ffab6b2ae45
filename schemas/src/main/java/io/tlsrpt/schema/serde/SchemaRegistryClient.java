package io.tlsrpt.schema.serde;

import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry API the serde needs. Implementations are thread-safe and
 * cache what does not change (a schema's id, an id's schema).
 *
 * <p>Every method throws {@link SchemaRegistryException} when the registry refuses the request or
 * cannot be reached.
 */
public interface SchemaRegistryClient extends AutoCloseable {

    /**
     * Registers {@code schema} under {@code subject} (a no-op for a schema the subject already has) and
     * returns its global id. The same schema always gets the same id.
     */
    int register(String subject, Schema schema);

    /**
     * The id of {@code schema} when it is already registered under {@code subject}, without registering
     * it. Throws {@link SchemaRegistryException} with {@link SchemaRegistryException#isNotFound()} true
     * when it is not.
     */
    int lookup(String subject, Schema schema);

    /** The schema with this global id. */
    Schema getById(int id);

    /** The latest version of {@code subject}. */
    RegisteredSchema getLatest(String subject);

    /** A short description for log and error messages (the URL or the mock scope). */
    String describe();

    /** Releases resources; the default does nothing. */
    @Override
    default void close() {
    }
}
