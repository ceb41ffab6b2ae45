package io.tlsrpt.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), new SplittableRandom(7));

    @Test
    void delaysDoubleWithJitterAndStayUnderTheCap() {
        for (int attempt = 1; attempt <= 40; attempt++) {
            long ceiling = Math.min(30_000, 500L << Math.min(attempt - 1, 30));
            for (int i = 0; i < 50; i++) {
                assertThat(backoff.delay(attempt).toMillis()).isBetween(ceiling / 2, ceiling);
            }
        }
    }

    @Test
    void jitterSpreadsRetries() {
        long distinct = java.util.stream.IntStream.range(0, 50).mapToLong(i -> backoff.delay(5).toMillis()).distinct().count();
        assertThat(distinct).isGreaterThan(10);
    }
}
