package io.tlsrpt.schema.serde;

import java.util.HashMap;
import java.util.Map;

/** Small helpers shared by the serializer and deserializer configuration. */
final class SerdeConfigs {

    private SerdeConfigs() {
    }

    /**
     * The configuration, with the given registry's description as {@code schema.registry.url} when the
     * map has none: a serde built with its own registry client needs no URL.
     */
    static Map<String, ?> withRegistryUrl(Map<String, ?> configs, SchemaRegistryClient registry) {
        Map<String, ?> given = configs == null ? Map.of() : configs;
        if (registry == null || given.get(AvroSerdeConfig.SCHEMA_REGISTRY_URL) != null) {
            return given;
        }
        Map<String, Object> completed = new HashMap<>(given);
        completed.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.describe());
        return completed;
    }
}
