package io.tlsrpt.processor.decode;

import jakarta.mail.internet.SharedInputStream;
import java.io.InputStream;

/**
 * jakarta.mail's {@code SharedByteArrayInputStream} without the locks: MIME parsing reads byte by
 * byte, and the synchronised {@code ByteArrayInputStream.read()} made a 10 MB mail cost half a
 * second. Parts share the mail's array instead of copying it. Used by one thread at a time.
 */
final class ByteArraySharedStream extends InputStream implements SharedInputStream {

    private final byte[] buffer;
    private final int start;
    private final int end;
    private int pos;
    private int mark;

    ByteArraySharedStream(byte[] buffer, int start, int end) {
        this.buffer = buffer;
        this.start = start;
        this.end = end;
        this.pos = start;
        this.mark = start;
    }

    @Override
    public int read() {
        return pos < end ? buffer[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        if (pos >= end) {
            return -1;
        }
        int n = Math.min(len, end - pos);
        System.arraycopy(buffer, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public long skip(long n) {
        long k = Math.max(0, Math.min(n, end - pos));
        pos += (int) k;
        return k;
    }

    @Override
    public int available() {
        return end - pos;
    }

    @Override
    public boolean markSupported() {
        return true;
    }

    @Override
    public void mark(int readLimit) {
        mark = pos;
    }

    @Override
    public void reset() {
        pos = mark;
    }

    @Override
    public long getPosition() {
        return pos - start;
    }

    @Override
    public InputStream newStream(long from, long to) {
        if (from < 0) {
            throw new IllegalArgumentException("start < 0");
        }
        int newStart = (int) Math.min(end, start + from);
        int newEnd = to < 0 ? end : (int) Math.min(end, start + to);
        return new ByteArraySharedStream(buffer, newStart, Math.max(newStart, newEnd));
    }
}
