package io.tlsrpt.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A window sums as many reports as arrive, forged ones too: each report's counts are clamped when decoded (10^12),
 * and the sums stop at {@link Long#MAX_VALUE} instead of wrapping into negative totals that would break every rate.
 */
class WindowSumsTest {

    private static DomainWindow contribution(long sessions, long failed) {
        return new DomainWindow(1, sessions, Set.of("Forger"), Map.of("certificate-expired",
                new TypeCounts(failed, Set.of("Forger"), Map.of("192.0.2.1", failed), Map.of("mx.example", failed),
                        Map.of("Forger", failed))), Map.of("Forger", sessions), true, failed);
    }

    @Test
    void sumsStopAtTheLargestCountInsteadOfWrapping() {
        DomainWindow window = DomainWindow.empty();
        for (int i = 0; i < 20; i++) {
            window = window.merge(contribution(Long.MAX_VALUE / 10, Long.MAX_VALUE / 10));
        }
        assertThat(window.totalSessions()).isEqualTo(Long.MAX_VALUE);
        assertThat(window.failedSessions()).isEqualTo(Long.MAX_VALUE);
        assertThat(window.failed("certificate-expired")).isEqualTo(Long.MAX_VALUE);
        assertThat(window.sessionsBy("Forger")).isEqualTo(Long.MAX_VALUE);
        assertThat(window.failures().get("certificate-expired").sendingIps()).containsEntry("192.0.2.1",
                Long.MAX_VALUE);
        assertThat(window.reports()).isEqualTo(20);

        assertThat(Caps.add(3, 4)).isEqualTo(7);
        assertThat(Caps.add(Long.MAX_VALUE, 1)).isEqualTo(Long.MAX_VALUE);
    }
}
