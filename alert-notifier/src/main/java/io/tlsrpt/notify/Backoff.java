package io.tlsrpt.notify;

import java.time.Duration;
import java.util.random.RandomGenerator;

/** Exponential backoff with "equal jitter": half the delay is fixed, half random, so retries of many do not align. */
final class Backoff {

    private final long initialMs;
    private final long maxMs;
    private final RandomGenerator random;

    Backoff(Duration initial, Duration max, RandomGenerator random) {
        this.initialMs = initial.toMillis();
        this.maxMs = max.toMillis();
        this.random = random;
    }

    /** Delay before retry number {@code attempt} (1 = first retry). */
    Duration delay(int attempt) {
        int shift = Math.min(Math.max(attempt - 1, 0), 30);
        long ceiling = Math.min(maxMs, initialMs << shift);
        if (ceiling <= 0) {
            ceiling = maxMs;   // overflow guard
        }
        long half = ceiling / 2;
        return Duration.ofMillis(half + random.nextLong(ceiling - half + 1));
    }
}
