package io.tlsrpt.processor.topology;

import io.tlsrpt.processor.detect.ReporterCadence;
import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The {@code reporter-cadence-store}'s values: a format byte (2), then the newest window, the window bits, the window
 * an open alert fired at and the window a check found it stopped at, each 8 bytes big-endian. Format 1, written by
 * earlier versions, lacks the last (read as not suspected); earlier versions cannot read format 2.
 */
final class ReporterCadenceSerde {

    static final byte FORMAT = 2;
    static final int LENGTH = 1 + 4 * Long.BYTES;
    /** The format before the suspicion was stored. */
    static final byte FORMAT_1 = 1;
    static final int LENGTH_1 = 1 + 3 * Long.BYTES;

    private ReporterCadenceSerde() {
    }

    static Serde<ReporterCadence> serde() {
        return Serdes.serdeFrom(new CadenceSerializer(), new CadenceDeserializer());
    }

    static final class CadenceSerializer implements Serializer<ReporterCadence> {
        @Override
        public byte[] serialize(String topic, ReporterCadence cadence) {
            if (cadence == null) {
                return null;
            }
            return ByteBuffer.allocate(LENGTH).put(FORMAT).putLong(cadence.lastWindow()).putLong(cadence.windows())
                    .putLong(cadence.silentAfter()).putLong(cadence.suspectedAt()).array();
        }
    }

    static final class CadenceDeserializer implements Deserializer<ReporterCadence> {
        @Override
        public ReporterCadence deserialize(String topic, byte[] bytes) {
            if (bytes == null) {
                return null;
            }
            if (bytes.length == LENGTH && bytes[0] == FORMAT) {
                ByteBuffer in = ByteBuffer.wrap(bytes, 1, LENGTH - 1);
                return new ReporterCadence(in.getLong(), in.getLong(), in.getLong(), in.getLong());
            }
            if (bytes.length == LENGTH_1 && bytes[0] == FORMAT_1) {
                ByteBuffer in = ByteBuffer.wrap(bytes, 1, LENGTH_1 - 1);
                return new ReporterCadence(in.getLong(), in.getLong(), in.getLong());
            }
            throw new SerializationException("not a reporter cadence of format " + FORMAT_1 + " or " + FORMAT + " ("
                    + bytes.length + " bytes)");
        }
    }
}
