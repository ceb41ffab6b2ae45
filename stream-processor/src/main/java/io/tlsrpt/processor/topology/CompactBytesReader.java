package io.tlsrpt.processor.topology;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Reads what {@link CompactBytesWriter} wrote, strictly: every length and count is checked against the bytes left
 * before anything is allocated or looped over, varints must be minimal and at most 64 bits, strings valid UTF-8.
 * Whatever the bytes, a read returns or throws a {@link SerializationException} naming the value, the field and
 * the offset. Not thread-safe: one per value read.
 */
final class CompactBytesReader {

    private final byte[] bytes;
    private final String valueType;
    private final String topic;
    private int pos;

    /** {@code valueType} and {@code topic} name the value in error messages. */
    CompactBytesReader(byte[] bytes, int offset, String valueType, String topic) {
        this.bytes = bytes;
        this.pos = offset;
        this.valueType = valueType;
        this.topic = topic;
    }

    long readUnsigned(String field) {
        long result = 0;
        for (int shift = 0; ; shift += 7) {
            if (pos >= bytes.length) {
                throw corrupt(field, "the value ends inside a varint");
            }
            int b = bytes[pos++] & 0xFF;
            if (shift == 63 && b > 1) {
                throw corrupt(field, "varint longer than 64 bits");
            }
            if (b == 0 && shift > 0) {
                throw corrupt(field, "varint with a redundant zero byte");
            }
            result |= (long) (b & 0x7F) << shift;
            if (b < 0x80) {
                return result;
            }
        }
    }

    long readSigned(String field) {
        long z = readUnsigned(field);
        return (z >>> 1) ^ -(z & 1);
    }

    /**
     * A count of entries of at least {@code minBytesEach} bytes each: more than the bytes left can hold is corrupt,
     * so a damaged count can neither allocate nor loop beyond the value's own size.
     */
    int readCount(String field, int minBytesEach) {
        long n = readUnsigned(field);
        int left = remaining();
        if (n < 0 || n > left / minBytesEach) {
            throw corrupt(field, "count " + Long.toUnsignedString(n) + " is more than the " + left
                    + " bytes left can hold");
        }
        return (int) n;
    }

    String readString(String field) {
        long header = readUnsigned(field);
        long length = header >>> 1;
        int left = remaining();
        if (length > left) {
            throw corrupt(field, "string of " + length + " bytes, only " + left + " left");
        }
        int start = pos;
        int n = (int) length;
        pos += n;
        if ((header & CompactBytesWriter.UTF16_STRING) != 0) {
            return utf16(field, start, n);
        }
        for (int i = start; i < start + n; i++) {
            if (bytes[i] < 0) {
                return utf8(field, start, n);
            }
        }
        // ASCII: a Latin-1 string is a plain copy of the bytes
        return new String(bytes, start, n, StandardCharsets.ISO_8859_1);
    }

    /** The value must end exactly here: trailing bytes mean a different format or a damaged value. */
    void expectEnd() {
        if (pos != bytes.length) {
            throw corrupt("end", remaining() + " unread bytes after the value");
        }
    }

    SerializationException corrupt(String field, String problem) {
        return corrupt(field, pos, problem, null);
    }

    private SerializationException corrupt(String field, int at, String problem, Exception cause) {
        return new SerializationException("cannot read " + valueType + " from " + topic + ": corrupt " + field
                + " at byte " + at + " of " + bytes.length + ": " + problem, cause);
    }

    private int remaining() {
        return bytes.length - pos;
    }

    private String utf8(String field, int start, int n) {
        try {
            // a new decoder reports malformed input (a plain new String would replace it with U+FFFD)
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, start, n)).toString();
        } catch (CharacterCodingException e) {
            throw corrupt(field, start, n + " bytes of invalid UTF-8", e);
        }
    }

    private String utf16(String field, int start, int n) {
        if (n % 2 != 0) {
            throw corrupt(field, "UTF-16 string of an odd number of bytes (" + n + ")");
        }
        char[] chars = new char[n / 2];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = (char) ((bytes[start + 2 * i] & 0xFF) << 8 | bytes[start + 2 * i + 1] & 0xFF);
        }
        return new String(chars);
    }
}
