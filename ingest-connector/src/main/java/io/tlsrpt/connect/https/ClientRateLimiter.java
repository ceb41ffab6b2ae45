package io.tlsrpt.connect.https;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A token bucket per client ({@link io.tlsrpt.net.ClientAddresses#rateKey}): each client may POST {@code burst}
 * reports at once and {@code perSecond} on average. Reports are not authenticated, so this is what keeps one address
 * from filling the raw and reports topics with forged reports. Buckets that have refilled are forgotten when the map
 * reaches {@code maxClients}; clients beyond it (a very wide attack) share one bucket until a sweep makes room.
 */
final class ClientRateLimiter {

    private static final Logger LOG = LoggerFactory.getLogger(ClientRateLimiter.class);
    /** The key of the bucket that clients beyond {@code maxClients} share. */
    static final String OVERFLOW = "(clients beyond the limit's table)";
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final long SWEEP_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final double perSecond;
    private final int burst;
    private final int maxClients;
    private final LongSupplier nanoClock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private volatile long lastSweep;

    ClientRateLimiter(double perSecond, int burst, int maxClients, LongSupplier nanoClock) {
        if (!(perSecond > 0) || burst < 1 || maxClients < 1) {
            throw new IllegalArgumentException("rate " + perSecond + ", burst " + burst + ", clients " + maxClients);
        }
        this.perSecond = perSecond;
        this.burst = burst;
        this.maxClients = maxClients;
        this.nanoClock = nanoClock;
        this.lastSweep = nanoClock.getAsLong();
    }

    /** 0 when {@code client} may send this report now; otherwise the whole seconds until it may (Retry-After). */
    long admit(String client) {
        long now = nanoClock.getAsLong();
        Bucket bucket = buckets.get(client);
        if (bucket == null) {
            bucket = buckets.computeIfAbsent(room(now) ? client : OVERFLOW, k -> new Bucket(burst, now));
        }
        return bucket.take(client, now);
    }

    /** Buckets held (the overflow bucket included). */
    int clients() {
        return buckets.size();
    }

    /** Whether a new client gets a bucket of its own: after forgetting full buckets, at most once a second. */
    private boolean room(long now) {
        if (buckets.size() < maxClients) {
            return true;
        }
        if (now - lastSweep >= SWEEP_EVERY_NANOS) {
            lastSweep = now;
            buckets.entrySet().removeIf(e -> e.getValue().fullAt(now));
        }
        return buckets.size() < maxClients;
    }

    private final class Bucket {
        private double tokens;
        private long updated;
        private long lastWarning;
        private long refusedSinceWarning;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updated = now;
            this.lastWarning = now - WARN_EVERY_NANOS;
        }

        synchronized long take(String client, long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            refusedSinceWarning++;
            if (now - lastWarning >= WARN_EVERY_NANOS) {
                LOG.warn("client {} sends reports faster than https.rate.limit.per.client ({}/s, burst {}): "
                        + "answered 429 to {} request(s) since the last warning", client, perSecond, burst,
                        refusedSinceWarning);
                lastWarning = now;
                refusedSinceWarning = 0;
            }
            return Math.max(1, (long) Math.ceil((1 - tokens) / perSecond));
        }

        synchronized boolean fullAt(long now) {
            refill(now);
            return tokens >= burst;
        }

        private void refill(long now) {
            if (now > updated) {
                tokens = Math.min(burst, tokens + (now - updated) / 1e9 * perSecond);
                updated = now;
            }
        }
    }
}
