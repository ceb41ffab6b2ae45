package io.tlsrpt.testkafka;

import java.util.HashMap;
import java.util.Map;

/** What every test's in-process Connect worker has, whichever module starts it. */
public final class ConnectWorkerSettings {

    private ConnectWorkerSettings() {
    }

    /**
     * The raw topic's converters (string keys, bytes as received), REST on a free loopback port, and the connector
     * found on the class path by service loading. A mutable map: the caller adds its offsets storage and the rest.
     */
    public static Map<String, String> basics(String bootstrapServers) {
        Map<String, String> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrapServers);
        props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        props.put("listeners", "http://127.0.0.1:0");
        props.put("plugin.discovery", "service_load");
        return props;
    }
}
