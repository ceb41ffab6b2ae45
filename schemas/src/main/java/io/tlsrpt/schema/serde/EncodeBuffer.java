package io.tlsrpt.schema.serde;

import java.io.OutputStream;
import java.util.Arrays;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * A per-thread growable byte buffer with its Avro encoder, reused from record to record so that
 * serializing allocates only the result array. A buffer that grew past {@link #MAX_RETAINED} for one big
 * record is dropped afterwards, so one outlier does not pin memory for the life of the thread.
 */
final class EncodeBuffer extends OutputStream {

    private static final int INITIAL_SIZE = 1024;
    private static final int MAX_RETAINED = 1 << 20;
    private static final ThreadLocal<EncodeBuffer> PER_THREAD = ThreadLocal.withInitial(EncodeBuffer::new);

    private byte[] bytes = new byte[INITIAL_SIZE];
    private int count;
    private BinaryEncoder encoder;
    private boolean inUse;

    private EncodeBuffer() {
    }

    /**
     * This thread's buffer, emptied, with its encoder ready; or a fresh one when this thread is already
     * using its own (a serializer called from inside another's write).
     */
    static EncodeBuffer acquire() {
        EncodeBuffer buffer = PER_THREAD.get();
        if (buffer.inUse) {
            buffer = new EncodeBuffer();
        }
        buffer.inUse = true;
        // Avro's buffered encoder, when reconfigured, first flushes what a failed record left in it into
        // its old output, which is this buffer: so reconfigure before emptying, never after
        buffer.encoder = EncoderFactory.get().binaryEncoder(buffer, buffer.encoder);
        buffer.count = 0;
        return buffer;
    }

    /** Gives the buffer back; trims it if one record made it very large. */
    void release() {
        inUse = false;
        if (bytes.length > MAX_RETAINED) {
            bytes = new byte[INITIAL_SIZE];
        }
    }

    /**
     * The encoder writing into this buffer. Avro's buffered encoder packs small values into its own array
     * and hands them over in blocks, which is faster than a call per value: flush it before reading.
     */
    BinaryEncoder encoder() {
        return encoder;
    }

    /** Appends the wire-format header. */
    void writeHeader(int schemaId) {
        ensure(WireFormat.HEADER_SIZE);
        WireFormat.writeHeader(bytes, count, schemaId);
        count += WireFormat.HEADER_SIZE;
    }

    /** The bytes written so far, in an array of their exact size. */
    byte[] toByteArray() {
        return Arrays.copyOf(bytes, count);
    }

    @Override
    public void write(int b) {
        ensure(1);
        bytes[count++] = (byte) b;
    }

    @Override
    public void write(byte[] source, int offset, int length) {
        ensure(length);
        System.arraycopy(source, offset, bytes, count, length);
        count += length;
    }

    private void ensure(int more) {
        int needed = count + more;
        if (needed < 0) {
            throw new IllegalStateException("record too large to serialize (over 2 GB)");
        }
        if (needed > bytes.length) {
            int grown = Math.max(needed, bytes.length << 1);
            bytes = Arrays.copyOf(bytes, grown < 0 ? Integer.MAX_VALUE - 8 : grown);
        }
    }
}
