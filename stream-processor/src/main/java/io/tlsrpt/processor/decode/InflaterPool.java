package io.tlsrpt.processor.decode;

import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.Inflater;

/**
 * Keeps one raw-deflate {@link Inflater} of a decoder for its next input. A new Inflater costs a native zlib
 * stream, a cleaner registration and, on its first inflate, zlib's 32 KB window: as much as inflating a whole
 * small report. A decoder serves one stream thread, so the kept Inflater is nearly always free; when it is lent
 * out (another thread, or a gzip inside a gzip) the caller gets a fresh one, and whichever is given back when
 * the pool is full again is ended. Thread-safe without locks or thread-locals (a thread-local lookup cost more
 * than the reuse saved). Every borrowed Inflater must be given back, after a failure too ({@code try/finally});
 * given back it is reset, so that a bomb or corrupt data leaves nothing behind.
 */
final class InflaterPool {

    private final AtomicReference<Inflater> kept = new AtomicReference<>();

    /** A reset raw-deflate (nowrap) Inflater; give it back with {@link #giveBack}. */
    Inflater borrow() {
        Inflater inflater = kept.getAndSet(null);
        return inflater != null ? inflater : new Inflater(true);
    }

    /** Resets the Inflater and keeps it for the next borrower, or ends it when one is kept already. */
    void giveBack(Inflater inflater) {
        inflater.reset();
        if (!kept.compareAndSet(null, inflater)) {
            inflater.end();
        }
    }
}
