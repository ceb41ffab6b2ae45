package io.tlsrpt.processor.topology;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Appends varints, zig-zag longs and length-prefixed strings to a growing array: the writing half of the
 * compact binary format {@link CompactBytesReader} reads. Not thread-safe: one per serialised value.
 */
final class CompactBytesWriter {

    /** String header bit: the bytes are UTF-16BE, for a string UTF-8 cannot carry (an unpaired surrogate). */
    static final int UTF16_STRING = 1;

    private byte[] buf;
    private int pos;

    CompactBytesWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    void writeByte(int b) {
        ensure(1);
        buf[pos++] = (byte) b;
    }

    /** Base-128 varint, least significant group first, 1 to 10 bytes. */
    void writeUnsigned(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
    }

    /** Zig-zag varint: small negative numbers stay short. */
    void writeSigned(long v) {
        writeUnsigned((v << 1) ^ (v >> 63));
    }

    /**
     * Header {@code byteLength << 1 | kind}, then the bytes: UTF-8 (kind 0), or UTF-16BE (kind 1) for a string with
     * an unpaired surrogate, which UTF-8 would turn into '?' (two such strings could then collide in a sorted set).
     */
    void writeString(String s) {
        // the common case (IPs, host names, result types) is ASCII: written as such in one pass over the chars,
        // the header being the char count; undone at the first other char
        int n = s.length();
        int start = pos;
        writeUnsigned((long) n << 1);
        ensure(n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                pos = start;
                writeBeyondAscii(s);
                return;
            }
            buf[pos++] = (byte) c;
        }
    }

    private void writeBeyondAscii(String s) {
        if (wellFormedUtf16(s)) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            writeUnsigned((long) utf8.length << 1);
            ensure(utf8.length);
            System.arraycopy(utf8, 0, buf, pos, utf8.length);
            pos += utf8.length;
        } else {
            int n = s.length();
            writeUnsigned(((long) n * 2) << 1 | UTF16_STRING);
            ensure(n * 2);
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                buf[pos++] = (byte) (c >>> 8);
                buf[pos++] = (byte) c;
            }
        }
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }

    private static boolean wellFormedUtf16(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private void ensure(int more) {
        if (buf.length - pos < more) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
        }
    }
}
