package io.tlsrpt.processor.app;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requests with a wrong or no token that each client address may make to the queries: {@code burst} at once, then
 * {@code perMinute}. Beyond that the address is answered 429 without its token being looked at, until its allowance
 * has grown back by one: a client guessing tokens gets a few dozen guesses an hour, not thousands a second, and one
 * with an expired token stops flooding the log. Requests with a right token never use the allowance. Addresses are
 * remembered while their allowance is not full again; beyond {@code maxClients} at once the newcomers share one.
 */
final class FailedTokens {

    private static final Logger LOG = LoggerFactory.getLogger(FailedTokens.class);
    /** The allowance that addresses beyond {@code maxClients} share. */
    static final String OVERFLOW = "(addresses beyond the limit's table)";
    /** Addresses remembered at once at most (a wide attack's newcomers then share one allowance). */
    static final int MAX_CLIENTS = 10_000;
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final long SWEEP_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** An allowance grown back by fractions counts as whole within this (the sum of many small steps). */
    private static final double ROUNDING = 1e-9;

    private final double perNano;
    private final int burst;
    private final int maxClients;
    private final LongSupplier nanoClock;
    private final Map<String, Allowance> clients = new ConcurrentHashMap<>();
    private volatile long lastSweep;

    /** @param perMinute failed requests an address may make per minute after its burst; 0: no limit */
    FailedTokens(double perMinute, int burst, int maxClients, LongSupplier nanoClock) {
        if (perMinute < 0 || burst < 1 || maxClients < 1) {
            throw new IllegalArgumentException("per minute " + perMinute + ", burst " + burst + ", clients "
                    + maxClients);
        }
        this.perNano = perMinute / TimeUnit.MINUTES.toNanos(1);
        this.burst = burst;
        this.maxClients = maxClients;
        this.nanoClock = nanoClock;
        this.lastSweep = nanoClock.getAsLong();
    }

    /** Whether addresses are limited at all. */
    boolean limiting() {
        return perNano > 0;
    }

    /** 0 when {@code client} may try a token now; otherwise the whole seconds until it may (Retry-After). */
    long blockedFor(String client) {
        if (!limiting()) {
            return 0;
        }
        Allowance allowance = clients.get(client);
        if (allowance == null && clients.size() >= maxClients) {
            allowance = clients.get(OVERFLOW);
        }
        return allowance == null ? 0 : allowance.waitSeconds(client, nanoClock.getAsLong());
    }

    /** {@code client} asked with a wrong token, or none where one is needed. */
    void failed(String client) {
        if (!limiting()) {
            return;
        }
        long now = nanoClock.getAsLong();
        Allowance allowance = clients.get(client);
        if (allowance == null) {
            allowance = clients.computeIfAbsent(room(now) ? client : OVERFLOW, k -> new Allowance(now));
        }
        allowance.use(now);
    }

    /** Addresses remembered (the overflow's included). */
    int clients() {
        return clients.size();
    }

    /** Whether a new address gets an allowance of its own: after forgetting the full ones, at most once a second. */
    private boolean room(long now) {
        if (clients.size() < maxClients) {
            return true;
        }
        if (now - lastSweep >= SWEEP_EVERY_NANOS) {
            lastSweep = now;
            clients.entrySet().removeIf(e -> e.getValue().fullAt(now));
        }
        return clients.size() < maxClients;
    }

    private final class Allowance {
        private double left = burst;
        private long updated;
        private long lastWarning;
        private long refusedSinceWarning;

        Allowance(long now) {
            this.updated = now;
            this.lastWarning = now - WARN_EVERY_NANOS;
        }

        synchronized void use(long now) {
            grow(now);
            left = Math.max(0, left - 1);
        }

        synchronized long waitSeconds(String client, long now) {
            grow(now);
            if (left >= 1 - ROUNDING) {
                return 0;
            }
            refusedSinceWarning++;
            if (now - lastWarning >= WARN_EVERY_NANOS) {
                LOG.warn("{} asked the queries with a wrong or no token more than {} times at once and {} a minute "
                        + "since ({}): answered 429 to {} request(s) since the last warning", client, burst,
                        perNano * TimeUnit.MINUTES.toNanos(1), ProcessorConfig.HTTP_DOMAINS_FAILED_TOKENS_PER_MINUTE,
                        refusedSinceWarning);
                lastWarning = now;
                refusedSinceWarning = 0;
            }
            return Math.max(1, (long) Math.ceil((1 - left) / perNano / TimeUnit.SECONDS.toNanos(1)));
        }

        synchronized boolean fullAt(long now) {
            grow(now);
            return left >= burst - ROUNDING;
        }

        private void grow(long now) {
            if (now > updated) {
                left = Math.min(burst, left + (now - updated) * perNano);
                updated = now;
            }
        }
    }
}
