package io.tlsrpt.processor.app;

import static org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
import static org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

/** Replacements are granted while they stay within the bound of the sliding window. */
class StreamThreadRecoveryTest {

    private static final Instant T0 = Instant.parse("2026-11-29T12:00:00Z");
    private static final Throwable PASSING = new StreamsException("Error encountered trying to commit a transaction",
            new InvalidTxnStateException("The producer attempted a transactional operation in an invalid state."));

    @Test
    void replacesUpToTheBoundWithinTheWindowThenShutsDownAndCountsAgainOnceOldDeathsLeaveIt() {
        StreamThreadRecovery recovery = new StreamThreadRecovery(2, Duration.ofMinutes(10));
        assertThat(recovery.onThreadDeath(PASSING, T0).response()).isEqualTo(REPLACE_THREAD);
        assertThat(recovery.onThreadDeath(PASSING, T0.plusSeconds(60)).response()).isEqualTo(REPLACE_THREAD);
        assertThat(recovery.onThreadDeath(PASSING, T0.plusSeconds(120)).response()).isEqualTo(SHUTDOWN_CLIENT);
        assertThat(recovery.recentReplacements()).isEqualTo(2);
        // ten minutes after the first, it has left the window: one more is allowed, not two
        assertThat(recovery.onThreadDeath(PASSING, T0.plusSeconds(600)).response()).isEqualTo(REPLACE_THREAD);
        assertThat(recovery.onThreadDeath(PASSING, T0.plusSeconds(601)).response()).isEqualTo(SHUTDOWN_CLIENT);
    }

    @Test
    void credentialsAclsAndSettingsStopAtOnceWithoutUsingAReplacement() {
        StreamThreadRecovery recovery = new StreamThreadRecovery(3, Duration.ofMinutes(10));
        for (Throwable permanent : new Throwable[] {
            new StreamsException(new SslAuthenticationException("SSL handshake failed")),
            new StreamsException(new TopicAuthorizationException("Not authorized to access topics: [tlsrpt.raw]")),
            new ConfigException("bad value")}) {
            assertThat(recovery.onThreadDeath(permanent, T0).response()).as(permanent.toString())
                    .isEqualTo(SHUTDOWN_CLIENT);
        }
        assertThat(recovery.recentReplacements()).isZero();
        assertThat(recovery.onThreadDeath(PASSING, T0).response()).isEqualTo(REPLACE_THREAD);
    }

    @Test
    void zeroShutsDownAtTheFirstDeathAndANegativeBoundIsRefused() {
        assertThat(new StreamThreadRecovery(0, Duration.ofMinutes(10)).onThreadDeath(PASSING, T0).response())
                .isEqualTo(SHUTDOWN_CLIENT);
        assertThatThrownBy(() -> new StreamThreadRecovery(-1, Duration.ofMinutes(10)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
