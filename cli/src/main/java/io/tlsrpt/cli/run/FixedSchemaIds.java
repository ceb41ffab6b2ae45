package io.tlsrpt.cli.run;

import java.util.HashMap;
import java.util.Map;

import io.tlsrpt.processor.topology.TopicNames;
import io.tlsrpt.schema.Alert;
import io.tlsrpt.schema.DomainStats;
import io.tlsrpt.schema.FailureStats;
import io.tlsrpt.schema.TlsReport;
import io.tlsrpt.schema.serde.AvroSerdeConfig;
import io.tlsrpt.schema.serde.MockSchemaRegistry;

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
        registry.register(topics.reports() + "-value", TlsReport.getClassSchema());
        registry.register(topics.failureStats() + "-value", FailureStats.getClassSchema());
        registry.register(topics.alerts() + "-value", Alert.getClassSchema());
        // added after the others: a data directory written before keeps the ids its records carry
        registry.register(topics.domainStats() + "-value", DomainStats.getClassSchema());
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
