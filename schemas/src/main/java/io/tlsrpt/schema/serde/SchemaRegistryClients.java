package io.tlsrpt.schema.serde;

import java.util.Map;

/** Picks the registry client a configuration asks for: {@code mock://scope} or the REST client. */
public final class SchemaRegistryClients {

    private SchemaRegistryClients() {
    }

    /** The client for a serde configuration map (see {@link AvroSerdeConfig}). */
    public static SchemaRegistryClient forConfig(Map<String, ?> config) {
        return forConfig(new AvroSerdeConfig(config));
    }

    /** The client for a parsed serde configuration. */
    public static SchemaRegistryClient forConfig(AvroSerdeConfig config) {
        var urls = config.registryUrls();
        if (urls.size() == 1 && MockSchemaRegistry.isMockUrl(urls.get(0))) {
            return MockSchemaRegistry.forUrl(urls.get(0));
        }
        return new RestSchemaRegistryClient(urls, config.restSettings());
    }

    /** The client for one URL with default settings. */
    public static SchemaRegistryClient forUrl(String url) {
        return forConfig(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url));
    }
}
