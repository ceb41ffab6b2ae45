package io.tlsrpt.processor.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** How many incident lists read an instance's stores at once (the endpoint answers {@link ReadPermits.Busy} 503). */
class ReadPermitsTest {

    @Test
    void oneReadMoreThanThePermitsWaitsThenIsRefusedAndAPermitFreedServesTheNext() throws Exception {
        ReadPermits permits = new ReadPermits(2, Duration.ofMillis(200));
        CountDownLatch reading = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<String> first = pool.submit(() -> permits.read(() -> hold(reading, release, "first")));
            Future<String> second = pool.submit(() -> permits.read(() -> hold(reading, release, "second")));
            assertThat(reading.await(5, TimeUnit.SECONDS)).as("both reading").isTrue();

            assertThatThrownBy(() -> permits.read(() -> "third")).isInstanceOf(ReadPermits.Busy.class)
                    .hasMessageContaining("2 reads").hasMessageContaining("ask again");

            release.countDown();
            assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("first");
            assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo("second");
            assertThat(permits.read(() -> "fourth")).as("the permits given back").isEqualTo("fourth");
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedReadGivesItsPermitBack() {
        ReadPermits permits = new ReadPermits(1, Duration.ofMillis(100));
        assertThatThrownBy(() -> permits.read(() -> {
            throw new IllegalStateException("a store moved away");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(permits.read(() -> "next")).isEqualTo("next");
    }

    private static String hold(CountDownLatch reading, CountDownLatch release, String result) {
        reading.countDown();
        try {
            if (!release.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return result;
    }
}
