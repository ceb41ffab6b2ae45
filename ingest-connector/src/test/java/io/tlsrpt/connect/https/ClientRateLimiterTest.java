package io.tlsrpt.connect.https;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientRateLimiterTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    private void advanceMillis(long millis) {
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    @Test
    void aClientMaySendItsBurstThenItsRate() {
        ClientRateLimiter limiter = new ClientRateLimiter(2.0, 3, 10, nanos::get);

        assertThat(limiter.admit("a")).isZero();
        assertThat(limiter.admit("a")).isZero();
        assertThat(limiter.admit("a")).isZero();
        assertThat(limiter.admit("a")).as("seconds until the next token, rounded up").isEqualTo(1);
        advanceMillis(500);
        assertThat(limiter.admit("a")).isZero();
        assertThat(limiter.admit("a")).isEqualTo(1);
        // idle for long: the bucket refills to the burst, not beyond
        advanceMillis(60_000);
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.admit("a")).isZero();
        }
        assertThat(limiter.admit("a")).isEqualTo(1);
    }

    @Test
    void retryAfterCoversTheWholeWaitAtASlowRate() {
        ClientRateLimiter limiter = new ClientRateLimiter(0.1, 1, 10, nanos::get);

        assertThat(limiter.admit("a")).isZero();
        assertThat(limiter.admit("a")).isEqualTo(10);
        advanceMillis(7_000);
        assertThat(limiter.admit("a")).isEqualTo(3);
    }

    @Test
    void clientsHaveTheirOwnBuckets() {
        ClientRateLimiter limiter = new ClientRateLimiter(1.0, 1, 10, nanos::get);

        assertThat(limiter.admit("a")).isZero();
        assertThat(limiter.admit("a")).isPositive();
        assertThat(limiter.admit("b")).isZero();
    }

    @Test
    void theTableIsBoundedAndRefilledBucketsAreForgotten() {
        ClientRateLimiter limiter = new ClientRateLimiter(1.0, 1, 3, nanos::get);
        for (String client : new String[] {"a", "b", "c"}) {
            assertThat(limiter.admit(client)).isZero();
        }
        // the table is full and nothing has refilled: a new client shares the overflow bucket with the next one
        assertThat(limiter.admit("d")).isZero();
        assertThat(limiter.admit("e")).isPositive();
        assertThat(limiter.clients()).isEqualTo(4);

        // a few seconds on, every bucket is full again: the sweep forgets them and a new client gets its own
        advanceMillis(5_000);
        assertThat(limiter.admit("f")).isZero();
        assertThat(limiter.clients()).isEqualTo(1);
        assertThat(limiter.admit("f")).isPositive();
    }

    @Test
    void aRateOrBurstThatMeansNoLimitIsRefused() {
        assertThatThrownBy(() -> new ClientRateLimiter(0, 1, 1, nanos::get)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ClientRateLimiter(1, 0, 1, nanos::get)).isInstanceOf(IllegalArgumentException.class);
    }
}
