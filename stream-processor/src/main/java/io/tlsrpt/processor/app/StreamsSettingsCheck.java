package io.tlsrpt.processor.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Checks the values of the {@code streams.} settings against the definitions of Kafka Streams and its clients
 * when the configuration is loaded, so that a wrong value (a word where a number belongs, a negative size) is
 * reported beside the processor's own problems instead of failing later, when Kafka Streams starts. A name that
 * neither Kafka Streams nor a client defines is left to Kafka, which logs it as unused (custom settings of a
 * RocksDB config setter or a client plugin are legitimate).
 */
final class StreamsSettingsCheck {

    private static final ConfigDef STREAMS = StreamsConfig.configDef();
    private static final ConfigDef PRODUCER = ProducerConfig.configDef();
    private static final ConfigDef CONSUMER = ConsumerConfig.configDef();
    private static final ConfigDef ADMIN = AdminClientConfig.configDef();

    /** Client prefixes of Kafka Streams ({@code StreamsConfig.*_PREFIX}) and the client each one configures. */
    private static final Map<String, ConfigDef> CLIENT_PREFIXES = Map.of(
            StreamsConfig.PRODUCER_PREFIX, PRODUCER,
            StreamsConfig.CONSUMER_PREFIX, CONSUMER,
            StreamsConfig.MAIN_CONSUMER_PREFIX, CONSUMER,
            StreamsConfig.RESTORE_CONSUMER_PREFIX, CONSUMER,
            StreamsConfig.GLOBAL_CONSUMER_PREFIX, CONSUMER,
            StreamsConfig.ADMIN_CLIENT_PREFIX, ADMIN);

    private StreamsSettingsCheck() {
    }

    /** One line per setting whose value Kafka would refuse, named with the {@code streams.} prefix. */
    static List<String> problems(Map<String, String> streamsSettings) {
        List<String> problems = new ArrayList<>();
        streamsSettings.forEach((name, value) -> {
            try {
                check(name, value);
            } catch (ConfigException e) {
                problems.add(ProcessorConfig.STREAMS_PREFIX + name + ": " + e.getMessage());
            }
        });
        return problems;
    }

    private static void check(String name, String value) {
        if (check(STREAMS, name, name, value)) {
            return;
        }
        for (Map.Entry<String, ConfigDef> prefix : CLIENT_PREFIXES.entrySet()) {
            if (name.startsWith(prefix.getKey())) {
                check(prefix.getValue(), name.substring(prefix.getKey().length()), name, value);
                return;
            }
        }
        // an unprefixed client setting goes to every client that defines it
        for (ConfigDef client : List.of(PRODUCER, CONSUMER, ADMIN)) {
            check(client, name, name, value);
        }
    }

    /** Whether {@code def} defines {@code key}; throws when it does and refuses the value. */
    private static boolean check(ConfigDef def, String key, String name, String value) {
        ConfigDef.ConfigKey definition = def.configKeys().get(key);
        if (definition == null) {
            return false;
        }
        Object parsed = ConfigDef.parseType(name, value, definition.type);
        if (definition.validator != null) {
            definition.validator.ensureValid(key, parsed);
        }
        return true;
    }
}
