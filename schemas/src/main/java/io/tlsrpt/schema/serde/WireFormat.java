package io.tlsrpt.schema.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The Confluent wire format: magic byte 0, the schema's registry id as a 4-byte big-endian int, then the
 * record in Avro binary encoding. Every Confluent-compatible serde (Confluent, Apicurio's in Confluent
 * mode, Redpanda, Karapace clients) reads and writes it.
 */
public final class WireFormat {

    /** The first byte of every record. */
    public static final byte MAGIC_BYTE = 0;
    /** Magic byte plus schema id. */
    public static final int HEADER_SIZE = 5;

    private WireFormat() {
    }

    /** Writes the 5-byte header for {@code schemaId} into {@code target} at {@code offset}. */
    public static void writeHeader(byte[] target, int offset, int schemaId) {
        target[offset] = MAGIC_BYTE;
        target[offset + 1] = (byte) (schemaId >>> 24);
        target[offset + 2] = (byte) (schemaId >>> 16);
        target[offset + 3] = (byte) (schemaId >>> 8);
        target[offset + 4] = (byte) schemaId;
    }

    /** The 5-byte header for {@code schemaId}. */
    public static byte[] header(int schemaId) {
        byte[] header = new byte[HEADER_SIZE];
        writeHeader(header, 0, schemaId);
        return header;
    }

    /**
     * Checks the header of {@code length} bytes at {@code offset} and returns the schema id. Throws
     * {@link SerializationException} saying what is wrong for input too short or with another magic byte.
     */
    public static int schemaId(byte[] data, int offset, int length, String topic) {
        if (length < HEADER_SIZE) {
            throw new SerializationException("Cannot deserialize " + length + " bytes from topic " + topic
                    + ": too short for the Confluent wire format, which needs at least " + HEADER_SIZE
                    + " bytes (magic byte 0 and a 4-byte schema id) before the Avro data");
        }
        byte magic = data[offset];
        if (magic != MAGIC_BYTE) {
            throw new SerializationException(String.format("Cannot deserialize %d bytes from topic %s: unknown magic"
                    + " byte 0x%02x, expected 0x00 (not Confluent wire format: written by another serializer?)",
                    length, topic, magic & 0xff));
        }
        return ((data[offset + 1] & 0xff) << 24) | ((data[offset + 2] & 0xff) << 16)
                | ((data[offset + 3] & 0xff) << 8) | (data[offset + 4] & 0xff);
    }

    /** {@link #schemaId(byte[], int, int, String)} for a whole array. */
    public static int schemaId(byte[] data, String topic) {
        return schemaId(data, 0, data.length, topic);
    }
}
