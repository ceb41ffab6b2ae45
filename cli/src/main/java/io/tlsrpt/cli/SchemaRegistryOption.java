package io.tlsrpt.cli;

import java.util.Map;

import io.tlsrpt.cli.run.FixedSchemaIds;
import io.tlsrpt.cli.run.RunSettings;
import org.apache.kafka.common.errors.SerializationException;
import picocli.CommandLine.Option;

/**
 * The {@code --registry} option of a command that reads the processor's Avro topics ({@code @Mixin}), and the serde
 * settings it gives with the command's {@link KafkaClientOptions}.
 */
public final class SchemaRegistryOption {

    @Option(names = "--registry", paramLabel = "URL", defaultValue = RunSettings.DEFAULT_REGISTRY,
        description = "Schema registry of the topic (default: ${DEFAULT-VALUE}, the registry of bin/tlsrpt run). Its "
            + "credentials and trust store go in the --client-config file, under the serde's keys "
            + "(basic.auth.user.info, bearer.auth.token, schema.registry.ssl.truststore.*).")
    String registry;

    /** The Avro deserializer's settings: the client's (a registry's credentials among them) and the registry. */
    public Map<String, Object> serdeConfig(Map<String, Object> client) {
        return FixedSchemaIds.readerSerdeConfig(registry, client);
    }

    /** The one-line error of {@code command} when reading {@code topic} failed with {@code e}. */
    public String cannotRead(String command, String topic, RuntimeException e) {
        return "tlsrpt " + command + ": cannot read " + topic + (e instanceof SerializationException
            ? " with the schemas of " + registry : "") + ": " + e.getMessage();
    }
}
