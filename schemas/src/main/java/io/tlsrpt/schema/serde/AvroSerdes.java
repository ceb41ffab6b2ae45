package io.tlsrpt.schema.serde;

import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/** Configured Confluent-wire-format serdes in one call. */
public final class AvroSerdes {

    private AvroSerdes() {
    }

    /**
     * A configured serde for {@code type} against {@code registryUrl}
     * ({@code http(s)://host:port[/path]} or {@code mock://scope}).
     */
    public static <T extends SpecificRecord> Serde<T> forClass(Class<T> type, String registryUrl, boolean isKey) {
        return forClass(type, Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registryUrl), isKey);
    }

    /** A serde for {@code type} configured with {@code config} (see {@link AvroSerdeConfig} for the keys). */
    public static <T extends SpecificRecord> Serde<T> forClass(Class<T> type, Map<String, ?> config, boolean isKey) {
        ConfluentAvroSerde<T> serde = new ConfluentAvroSerde<>(type);
        serde.configure(new HashMap<>(config), isKey);
        return serde;
    }
}
