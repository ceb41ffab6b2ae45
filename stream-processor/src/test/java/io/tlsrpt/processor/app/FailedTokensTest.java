package io.tlsrpt.processor.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** How many wrong tokens an address may give, on a clock the test moves (DomainQueryIT: the 429 of a real instance). */
class FailedTokensTest {

    private long now = 1_000_000;

    private void advanceSeconds(double seconds) {
        now += (long) (seconds * TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    void aBurstThenOnePerIntervalAndOnlyForThatAddress() {
        FailedTokens failed = new FailedTokens(6, 3, 100, () -> now);   // one more every 10 s
        for (int i = 0; i < 3; i++) {
            assertThat(failed.blockedFor("192.0.2.1")).as("failure %d", i).isZero();
            failed.failed("192.0.2.1");
        }
        assertThat(failed.blockedFor("192.0.2.1")).isEqualTo(10);
        assertThat(failed.blockedFor("192.0.2.2")).as("another address").isZero();
        advanceSeconds(4);
        assertThat(failed.blockedFor("192.0.2.1")).isEqualTo(6);
        advanceSeconds(6);
        assertThat(failed.blockedFor("192.0.2.1")).as("10 s later: one more").isZero();
        failed.failed("192.0.2.1");
        assertThat(failed.blockedFor("192.0.2.1")).isEqualTo(10);
        advanceSeconds(3600);
        for (int i = 0; i < 3; i++) {
            assertThat(failed.blockedFor("192.0.2.1")).as("grown back to the burst, not beyond").isZero();
            failed.failed("192.0.2.1");
        }
        assertThat(failed.blockedFor("192.0.2.1")).isPositive();
    }

    @Test
    void addressesBeyondTheTableShareOneAllowanceAndFullOnesAreForgotten() {
        FailedTokens failed = new FailedTokens(60, 2, 2, () -> now);
        failed.failed("192.0.2.1");
        failed.failed("192.0.2.2");
        assertThat(failed.clients()).isEqualTo(2);
        failed.failed("192.0.2.3");
        failed.failed("192.0.2.4");
        assertThat(failed.blockedFor(FailedTokens.OVERFLOW)).as("the newcomers' shared allowance used up").isPositive();
        assertThat(failed.blockedFor("192.0.2.9")).as("another newcomer shares it").isPositive();
        assertThat(failed.blockedFor("192.0.2.1")).as("an address of the table has its own").isZero();
        assertThat(failed.clients()).isEqualTo(3);
        advanceSeconds(5);
        failed.failed("192.0.2.5");
        assertThat(failed.clients()).as("the full allowances forgotten, the newcomer kept").isEqualTo(1);
        assertThat(failed.blockedFor("192.0.2.5")).isZero();
    }

    @Test
    void noLimitAtZeroPerMinute() {
        FailedTokens failed = new FailedTokens(0, 1, 1, () -> now);
        for (int i = 0; i < 1000; i++) {
            failed.failed("192.0.2.1");
        }
        assertThat(failed.limiting()).isFalse();
        assertThat(failed.blockedFor("192.0.2.1")).isZero();
        assertThat(failed.clients()).isZero();
        assertThatThrownBy(() -> new FailedTokens(-1, 1, 1, () -> now)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FailedTokens(1, 0, 1, () -> now)).isInstanceOf(IllegalArgumentException.class);
    }
}
