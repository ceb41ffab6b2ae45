package io.tlsrpt.connect;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.connect.json.JsonConverter;

/**
 * The key under which a Connect worker stores a source offset and later looks it up again: the internal JSON
 * converter's bytes of {@code [connector name, source partition]} (as {@code OffsetStorageWriter} and
 * {@code OffsetStorageReaderImpl} serialize it). The lookup is by these bytes, so they must not depend on the JVM.
 */
public final class OffsetKeys {

    private OffsetKeys() {
    }

    public static String of(String connector, Map<String, ?> partition) {
        try (JsonConverter converter = new JsonConverter()) {
            converter.configure(Map.of("schemas.enable", "false", "converter.type", "key"));
            return new String(converter.fromConnectData(connector, null, Arrays.asList(connector, partition)),
                    StandardCharsets.UTF_8);
        }
    }
}
