package io.tlsrpt.processor.decode;

import java.util.zip.Inflater;

/**
 * One raw-deflate {@link Inflater} per thread, reset and reused from one input to the next. A new Inflater costs
 * a native zlib stream, a cleaner registration and, on its first inflate, zlib's 32 KB window: as much as
 * inflating a whole small report. The decoder is called by one stream thread at a time per instance, but stays
 * thread-safe: each thread has its own. A caller that finds its thread's Inflater lent out (a gzip inside a gzip)
 * gets a fresh one, which is ended when given back. Every borrowed Inflater must be given back, after a failure
 * too ({@code try/finally}); given back, it is reset, so that a bomb or corrupt data leaves nothing behind.
 */
final class ThreadInflaters {

    /** The thread's Inflater and whether it is lent out. */
    private static final class Slot {
        private final Inflater inflater = new Inflater(true);
        private boolean lent;
    }

    private static final ThreadLocal<Slot> SLOTS = ThreadLocal.withInitial(Slot::new);

    private ThreadInflaters() {
    }

    /** A reset raw-deflate (nowrap) Inflater for the calling thread; give it back with {@link #giveBack}. */
    static Inflater borrow() {
        Slot slot = SLOTS.get();
        if (slot.lent) {
            return new Inflater(true);
        }
        slot.lent = true;
        return slot.inflater;
    }

    /** Returns an Inflater from {@link #borrow} on the same thread: reset for the next input, or ended. */
    static void giveBack(Inflater inflater) {
        Slot slot = SLOTS.get();
        if (slot.lent && inflater == slot.inflater) {
            inflater.reset();
            slot.lent = false;
        } else {
            inflater.end();
        }
    }
}
