package io.tlsrpt.connect.imap;

import java.io.ByteArrayOutputStream;

/** A byte sink that refuses to grow past a cap, so one huge mail cannot exhaust memory. */
final class BoundedBytes extends ByteArrayOutputStream {
    private final int limit;
    private boolean exceeded;

    BoundedBytes(int limit) {
        super(Math.min(limit, 64 * 1024));
        this.limit = limit;
    }

    @Override
    public synchronized void write(int b) {
        if (count + 1 > limit) {
            exceeded = true;
            throw new IllegalStateException("more than " + limit + " bytes");
        }
        super.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        if (count + len > limit) {
            exceeded = true;
            throw new IllegalStateException("more than " + limit + " bytes");
        }
        super.write(b, off, len);
    }

    boolean exceeded() {
        return exceeded;
    }
}
