package io.tlsrpt.processor.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReporterCadenceTest {

    private static final SilenceSettings DEFAULTS = SilenceSettings.defaults();

    /** A reporter with a report in every window from {@code from} to {@code to}. */
    static ReporterCadence daily(long from, long to) {
        ReporterCadence cadence = ReporterCadence.first(from);
        for (long w = from + 1; w <= to; w++) {
            cadence = cadence.seen(w);
        }
        return cadence;
    }

    @Test
    void theCadenceKnowsItsFirstWindowWithinItsHistory() {
        ReporterCadence cadence = daily(26, 29);
        assertThat(cadence.firstKnownWindow()).isEqualTo(26);
        assertThat(cadence.beganWithinHistory()).isTrue();
        assertThat(ReporterCadence.first(7).firstKnownWindow()).isEqualTo(7);
        assertThat(cadence.seen(29 - 62).firstKnownWindow()).isEqualTo(29 - 62);
        assertThat(cadence.seen(29 - 62).beganWithinHistory()).isTrue();
        assertThat(cadence.seen(29 - 63).beganWithinHistory()).as("a report in the oldest window kept").isFalse();
    }

    @Test
    void aNewerWindowMovesTheNewestAndKeepsTheEarlierOnesAsBits() {
        ReporterCadence cadence = ReporterCadence.first(100).seen(101).seen(103);
        assertThat(cadence.lastWindow()).isEqualTo(103);
        assertThat(cadence.windows()).isEqualTo(0b1101L);
        assertThat(cadence.windowsWithReports(7)).isEqualTo(3);
        assertThat(cadence.windowsWithReports(2)).isEqualTo(1);
    }

    @Test
    void anOlderWindowIsRememberedWithoutMovingTheNewest() {
        ReporterCadence cadence = ReporterCadence.first(100).seen(98);
        assertThat(cadence.lastWindow()).isEqualTo(100);
        assertThat(cadence.windows()).isEqualTo(0b101L);
        assertThat(cadence.seen(98)).isSameAs(cadence);
        // older than the 64 windows kept: nothing to remember
        assertThat(cadence.seen(100 - 64)).isSameAs(cadence);
    }

    @Test
    void aJumpOfSixtyFourWindowsOrMoreForgetsTheEarlierOnes() {
        ReporterCadence cadence = daily(0, 6).seen(6 + 64);
        assertThat(cadence.windows()).isEqualTo(1L);
        assertThat(daily(0, 6).seen(6 + 63).windows()).isEqualTo(1L | (1L << 63));
    }

    @Test
    void aRegularReporterStopsAfterTheConfiguredWindowsWithoutReports() {
        ReporterCadence cadence = daily(10, 16);
        assertThat(cadence.regular(DEFAULTS)).isTrue();
        assertThat(cadence.stopped(16, DEFAULTS)).isFalse();
        assertThat(cadence.stopped(18, DEFAULTS)).isFalse();
        assertThat(cadence.windowsMissing(19)).isEqualTo(3);
        assertThat(cadence.stopped(19, DEFAULTS)).isTrue();
        // five of the seven windows up to its last are enough, four are not
        ReporterCadence fiveOfSeven = ReporterCadence.first(10).seen(11).seen(13).seen(14).seen(16);
        assertThat(fiveOfSeven.windowsWithReports(7)).isEqualTo(5);
        assertThat(fiveOfSeven.stopped(19, DEFAULTS)).isTrue();
        ReporterCadence fourOfSeven = ReporterCadence.first(10).seen(13).seen(14).seen(16);
        assertThat(fourOfSeven.regular(DEFAULTS)).isFalse();
        assertThat(fourOfSeven.stopped(40, DEFAULTS)).isFalse();
    }

    @Test
    void anAlertFiresOnceAndResolvesWithANewerReportOnly() {
        ReporterCadence fired = daily(10, 16).alertFired();
        assertThat(fired.alerted()).isTrue();
        assertThat(fired.silentAfter()).isEqualTo(16);
        assertThat(fired.stopped(25, DEFAULTS)).as("already announced").isFalse();
        assertThat(fired.seen(15).resumed()).as("a late report of a window before the silence").isFalse();
        ReporterCadence back = fired.seen(17);
        assertThat(back.resumed()).isTrue();
        assertThat(back.alertResolved().alerted()).isFalse();
        assertThat(back.alertResolved().stopped(20, DEFAULTS)).as("a new silence is a new incident").isTrue();
        // back after a long silence: not regular again until it has reported for five of seven windows
        assertThat(fired.seen(20).alertResolved().stopped(40, DEFAULTS)).isFalse();
    }

    @Test
    void aSuspicionHoldsUntilTheNextNewerReportOrTheAlertItConfirms() {
        ReporterCadence stopped = daily(19, 25);
        assertThat(stopped.suspected()).isFalse();
        ReporterCadence suspected = stopped.suspect();
        assertThat(suspected.suspected()).isTrue();
        assertThat(suspected.suspectedAt()).isEqualTo(25);
        assertThat(suspected.seen(24).suspected()).as("a late report of an earlier window").isTrue();
        assertThat(suspected.seen(26).suspected()).as("a newer report").isFalse();
        assertThat(suspected.unsuspected()).isEqualTo(stopped);
        ReporterCadence fired = suspected.alertFired();
        assertThat(fired.suspected()).isFalse();
        assertThat(fired.alerted()).isTrue();
        assertThat(fired.seen(30).alertResolved().suspected()).isFalse();
    }

    @Test
    void aReporterSilentForTheForgetWindowsIsForgotten() {
        ReporterCadence cadence = daily(10, 16);
        assertThat(cadence.forgotten(16 + 29, DEFAULTS)).isFalse();
        assertThat(cadence.forgotten(16 + 30, DEFAULTS)).isTrue();
    }

    @Test
    void zeroAfterWindowsTurnsTheCheckOff() {
        SilenceSettings off = new SilenceSettings(0, 7, 5, Duration.ofHours(1), 30);
        assertThat(off.enabled()).isFalse();
        assertThat(daily(10, 16).stopped(40, off)).isFalse();
    }

    @Test
    void settingsOutOfRangeAreRefused() {
        Duration hour = Duration.ofHours(1);
        assertThatThrownBy(() -> new SilenceSettings(-1, 7, 5, hour, 30)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SilenceSettings(3, 0, 1, hour, 30)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SilenceSettings(3, 63, 5, hour, 30)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SilenceSettings(3, 7, 8, hour, 30)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SilenceSettings(3, 7, 0, hour, 30)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SilenceSettings(3, 7, 5, Duration.ZERO, 30))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SilenceSettings(3, 7, 5, hour, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new SilenceSettings(3, 62, 62, hour, 4).lookbackWindows()).isEqualTo(62);
    }
}
