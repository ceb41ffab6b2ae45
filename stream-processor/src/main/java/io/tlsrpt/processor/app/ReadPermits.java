package io.tlsrpt.processor.app;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * At most so many reads of the stores at once (each an incident list holding up to its limit in memory, and a core
 * the stream threads would otherwise have): one more waits for a permit, up to a while, then is refused
 * ({@link Busy}: a 503, worth asking again).
 */
final class ReadPermits {

    /** No permit within the wait. */
    static final class Busy extends RuntimeException {
        Busy(String message) {
            super(message, null, false, false);
        }
    }

    private final int permits;
    private final Duration wait;
    private final Semaphore semaphore;

    ReadPermits(int permits, Duration wait) {
        this.permits = permits;
        this.wait = wait;
        this.semaphore = new Semaphore(permits);
    }

    /** {@code read}'s result, read with a permit; {@link Busy} when none came within the wait (or on interrupt). */
    <T> T read(Supplier<T> read) {
        boolean permitted;
        try {
            permitted = semaphore.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Busy("interrupted while waiting to read the stores");
        }
        if (!permitted) {
            throw new Busy(permits + " reads of this instance's stores are under way and none ended within "
                    + wait.toSeconds() + " s: ask again");
        }
        try {
            return read.get();
        } finally {
            semaphore.release();
        }
    }
}
