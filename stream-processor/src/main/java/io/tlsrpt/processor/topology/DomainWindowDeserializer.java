package io.tlsrpt.processor.topology;

import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads a {@link DomainWindow} in either format ({@link DomainWindowSerde}'s binary or the earlier JSON). Public with
 * a no-argument constructor so that tools can name it, e.g. the console consumer's
 * {@code --formatter-property value.deserializer=io.tlsrpt.processor.topology.DomainWindowDeserializer}, which then
 * prints each window's {@code toString()}.
 */
public final class DomainWindowDeserializer implements Deserializer<DomainWindow> {

    private final Deserializer<DomainWindow> json = JsonSerde.of(DomainWindow.class).deserializer();

    @Override
    public DomainWindow deserialize(String topic, byte[] bytes) {
        return bytes == null ? null : DomainWindowSerde.read(topic, bytes, json);
    }
}
