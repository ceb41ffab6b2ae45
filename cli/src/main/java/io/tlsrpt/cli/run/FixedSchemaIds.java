package io.tlsrpt.cli.run;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

import io.tlsrpt.processor.topology.TopicNames;
import io.tlsrpt.schema.Alert;
import io.tlsrpt.schema.DomainStats;
import io.tlsrpt.schema.FailureStats;
import io.tlsrpt.schema.TlsReport;
import io.tlsrpt.schema.serde.AvroSerdeConfig;
import io.tlsrpt.schema.serde.MockSchemaRegistry;
import org.apache.avro.Schema;

/**
 * Pins the schema ids of the in-process ({@code mock://}) registry. That registry forgets everything when the process
 * ends and hands out ids in the order schemas are first used, while the data written with those ids (repartition
 * records not yet consumed, the output topics) stays in the data directory. Registering the same schemas in the same
 * order before the processor starts gives every start the same ids, so data written before a restart reads the
 * same after it.
 */
public final class FixedSchemaIds {

    private FixedSchemaIds() {
    }

    /** Registers the processor's value schemas under their topics' subjects; a no-op for a real registry. */
    public static void register(String registryUrl, TopicNames topics) {
        if (!MockSchemaRegistry.isMockUrl(registryUrl)) {
            return;
        }
        MockSchemaRegistry registry = MockSchemaRegistry.forUrl(registryUrl);
        // the schemas of the first versions, with the ids the records of older data directories carry
        registry.register(topics.reports() + "-value", TlsReport.getClassSchema());
        registry.register(topics.failureStats() + "-value", history("FailureStats-1.avsc"));
        registry.register(topics.alerts() + "-value", Alert.getClassSchema());
        registry.register(topics.domainStats() + "-value", history("DomainStats-1.avsc"));
        // each later version after them, so that it gets an id of its own and the older records still read (with
        // the new reader schema's defaults for the fields they lack)
        registry.register(topics.failureStats() + "-value", FailureStats.getClassSchema());   // + tenant
        registry.register(topics.domainStats() + "-value", DomainStats.getClassSchema());     // + tenant
    }

    /** A schema as an earlier version wrote its records (kept under {@code schema-history/}). */
    private static Schema history(String file) {
        try (InputStream in = FixedSchemaIds.class.getResourceAsStream("schema-history/" + file)) {
            if (in == null) {
                throw new IllegalStateException("schema-history/" + file + " is missing from the class path");
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema-history/" + file, e);
        }
    }

    /**
     * The Avro serde settings of a command that reads or writes the processor's topics with {@code registryUrl}: the
     * client's settings (a registry's credentials may sit in the --client-config file, as for Confluent's tools) and
     * the registry's URL. For {@code tlsrpt run}'s in-process registry, registers its schemas first, so that its
     * topics read from another terminal with the same ids.
     */
    public static Map<String, Object> readerSerdeConfig(String registryUrl, Map<String, Object> client) {
        register(registryUrl, TopicNames.defaults());
        Map<String, Object> serde = new HashMap<>(client);
        serde.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registryUrl);
        return serde;
    }
}
