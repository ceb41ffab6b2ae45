package io.tlsrpt.tls;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * When a file read again on change is to be looked at: at most once per interval, by the one caller that is told
 * so. For files looked at by the requests that use them (query tokens, the HTTP server's certificate) rather than by
 * a thread of their own; the other callers meanwhile go on with what was read before.
 */
public final class RecheckInterval {

    private final InstantSource clock;
    private final Duration interval;
    private Instant lastLook;

    /** The first look is due one interval from now (the file has just been read). */
    public RecheckInterval(InstantSource clock, Duration interval) {
        this.clock = clock;
        this.interval = interval;
        this.lastLook = clock.instant();
    }

    /** Whether this caller is to look now: true to one caller per interval. */
    public synchronized boolean due() {
        Instant now = clock.instant();
        if (Duration.between(lastLook, now).compareTo(interval) < 0) {
            return false;
        }
        lastLook = now;
        return true;
    }
}
