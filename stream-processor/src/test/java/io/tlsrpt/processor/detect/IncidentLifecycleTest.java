package io.tlsrpt.processor.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsrpt.processor.detect.IncidentLifecycle.Action;
import io.tlsrpt.processor.detect.IncidentLifecycle.Step;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class IncidentLifecycleTest {

    private static final long DAY = 86_400_000L;
    private final IncidentLifecycle lifecycle = new IncidentLifecycle(DetectorSettings.defaults(), Duration.ofDays(1));

    private static Evaluation verdict(boolean anomalous) {
        // not anomalous: the failure is over
        return new Evaluation(anomalous, 1.0, 0.0001, anomalous ? 20 : 0, AlertKind.CERTIFICATE_EXPIRED, "test",
                !anomalous);
    }

    @Test
    void firesOnceThenUpdatesOnlyOnMaterialGrowthThenResolves() {
        Step fire = lifecycle.step(null, "example.com", "certificate-expired", 8 * DAY, new WindowCounts(20, 1000), verdict(true));
        assertThat(fire.action()).isEqualTo(Action.FIRE);
        String id = fire.incident().alertId();

        Step same = lifecycle.step(fire.incident(), "example.com", "certificate-expired", 8 * DAY, new WindowCounts(30, 1500), verdict(true));
        assertThat(same.action()).isEqualTo(Action.NONE);

        Step grown = lifecycle.step(same.incident(), "example.com", "certificate-expired", 8 * DAY, new WindowCounts(45, 2000), verdict(true));
        assertThat(grown.action()).isEqualTo(Action.UPDATE);
        assertThat(grown.incident().alertId()).isEqualTo(id);

        Step earlyNextDay = lifecycle.step(grown.incident(), "example.com", "certificate-expired", 9 * DAY, new WindowCounts(0, 100), verdict(false));
        assertThat(earlyNextDay.action()).as("too little traffic to call it normal").isEqualTo(Action.NONE);

        Step resolved = lifecycle.step(earlyNextDay.incident(), "example.com", "certificate-expired", 9 * DAY, new WindowCounts(0, 1200), verdict(false));
        assertThat(resolved.action()).isEqualTo(Action.RESOLVE);
        assertThat(resolved.incident().open()).isFalse();
        assertThat(resolved.incident().alertId()).isEqualTo(id);

        Step late = lifecycle.step(resolved.incident(), "example.com", "certificate-expired", 8 * DAY, new WindowCounts(90, 3000), verdict(true));
        assertThat(late.action()).as("late data of a handled window does not refire").isEqualTo(Action.NONE);
    }

    /** A verdict that does not fire but does not say the failure is over (too few failed sessions to fire on, too
     * few baseline windows left) keeps the incident open, however much traffic. */
    @Test
    void onlyAVerdictThatSaysTheFailureIsOverResolves() {
        Step fire = lifecycle.step(null, "example.com", "certificate-expired", 8 * DAY, new WindowCounts(12, 12),
                verdict(true));
        Evaluation tooFew = verdict(false).notJudged("failed 9 < minimum 10");
        Step kept = lifecycle.step(fire.incident(), "example.com", "certificate-expired", 9 * DAY,
                new WindowCounts(9, 9), tooFew);
        assertThat(kept.action()).isEqualTo(Action.NONE);
        assertThat(kept.incident().open()).isTrue();
        Step over = lifecycle.step(kept.incident(), "example.com", "certificate-expired", 10 * DAY,
                new WindowCounts(0, 12), verdict(false));
        assertThat(over.action()).isEqualTo(Action.RESOLVE);
        assertThat(over.incident().alertId()).isEqualTo(fire.incident().alertId());
    }

    @Test
    void lateDataUpToTheResolvingWindowDoesNotOpenANewIncidentButALaterWindowDoes() {
        // a backlog read from several partitions: day 8 fires, day 11 (read early, from a faster partition) resolves
        Step fire = lifecycle.step(null, "example.com", "certificate-expired", 8 * DAY, new WindowCounts(20, 1000), verdict(true));
        Step resolved = lifecycle.step(fire.incident(), "example.com", "certificate-expired", 11 * DAY, new WindowCounts(0, 1000), verdict(false));
        assertThat(resolved.action()).isEqualTo(Action.RESOLVE);
        assertThat(resolved.incident().resolvedWindowStart()).isEqualTo(11 * DAY);

        // then days 9 and 10 arrive, as bad as day 8: the same episode, already resolved
        for (long day = 9; day <= 11; day++) {
            Step late = lifecycle.step(resolved.incident(), "example.com", "certificate-expired", day * DAY, new WindowCounts(40, 1000), verdict(true));
            assertThat(late.action()).as("day %d", day).isEqualTo(Action.NONE);
            assertThat(late.incident()).isEqualTo(resolved.incident());
        }
        // a window after the resolution is a new incident
        Step again = lifecycle.step(resolved.incident(), "example.com", "certificate-expired", 12 * DAY, new WindowCounts(40, 1000), verdict(true));
        assertThat(again.action()).isEqualTo(Action.FIRE);
        assertThat(again.incident().alertId()).isNotEqualTo(fire.incident().alertId());
        assertThat(again.incident().resolvedWindowStart()).isZero();
    }

    private static Evaluation starttls(AlertKind kind) {
        return new Evaluation(true, 2.0, 0.0005, 30, kind, "test", false);
    }

    @Test
    void anEarlierWindowThatTurnsAnomalousMovesTheStartBackAndEscalatesTheKind() {
        // day 9 fired first, judged against a baseline that already held day 8: a plain loss of STARTTLS
        Step fire = lifecycle.step(null, "example.com", "starttls-not-supported", 9 * DAY, new WindowCounts(120, 1000),
                starttls(AlertKind.STARTTLS_UNAVAILABLE));
        assertThat(fire.action()).isEqualTo(Action.FIRE);
        assertThat(fire.incident().kind()).isEqualTo("starttls-unavailable");

        // then day 8's own update, against the clean days before it: a suspected downgrade
        Step earlier = lifecycle.step(fire.incident(), "example.com", "starttls-not-supported", 8 * DAY,
                new WindowCounts(80, 1000), starttls(AlertKind.STARTTLS_DOWNGRADE_SUSPECTED));
        assertThat(earlier.action()).as("announced: the page is now critical").isEqualTo(Action.UPDATE);
        assertThat(earlier.incident().kind()).isEqualTo("starttls-downgrade-suspected");
        assertThat(earlier.incident().alertId()).isEqualTo(fire.incident().alertId());
        assertThat(earlier.incident().firstWindowStart()).as("the baseline now ends before day 8").isEqualTo(8 * DAY);
        assertThat(earlier.incident().lastAnomalousWindowStart()).isEqualTo(9 * DAY);
        assertThat(earlier.incident().lastAnomalousTotal()).isEqualTo(1000);
        assertThat(earlier.incident().announcedFailed()).isEqualTo(120);
        assertThat(fire.incident().alertKey()).isEqualTo("example.com|starttls-not-supported");
        assertThat(earlier.incident().alertKey()).as("its alerts keep their key").isEqualTo(
                "example.com|starttls-not-supported");

        // a later verdict of the lesser kind does not turn the page back into a warning
        Step later = lifecycle.step(earlier.incident(), "example.com", "starttls-not-supported", 10 * DAY,
                new WindowCounts(130, 1000), starttls(AlertKind.STARTTLS_UNAVAILABLE));
        assertThat(later.action()).isEqualTo(Action.NONE);
        assertThat(later.incident().kind()).isEqualTo("starttls-downgrade-suspected");
        assertThat(later.incident().firstWindowStart()).isEqualTo(8 * DAY);
    }

    @Test
    void anEarlierAnomalousWindowOfTheSameKindMovesTheStartBackSilently() {
        Step fire = lifecycle.step(null, "example.com", "certificate-expired", 9 * DAY, new WindowCounts(20, 1000),
                verdict(true));
        Step earlier = lifecycle.step(fire.incident(), "example.com", "certificate-expired", 7 * DAY,
                new WindowCounts(90, 1000), verdict(true));
        assertThat(earlier.action()).isEqualTo(Action.NONE);
        assertThat(earlier.incident().firstWindowStart()).isEqualTo(7 * DAY);
        assertThat(earlier.incident()).isEqualTo(new Incident(fire.incident().alertId(), "certificate-expired", true,
                7 * DAY, 9 * DAY, 1000, 20, 0, null, "example.com|certificate-expired", null));

        Step normalEarlier = lifecycle.step(earlier.incident(), "example.com", "certificate-expired", 6 * DAY,
                new WindowCounts(0, 1000), verdict(false));
        assertThat(normalEarlier.action()).as("a normal earlier window resolves nothing").isEqualTo(Action.NONE);
        assertThat(normalEarlier.incident()).isEqualTo(earlier.incident());
    }

    @Test
    void anAnomalousWindowBeyondTheIncidentsBaselineIsAnotherEpisodeAndChangesNothing() {
        Step fire = lifecycle.step(null, "example.com", "starttls-not-supported", 20 * DAY, new WindowCounts(120, 1000),
                starttls(AlertKind.STARTTLS_UNAVAILABLE));
        // the baseline of day 20 is days 13 to 19: day 12 never weighed on it
        Step farBack = lifecycle.step(fire.incident(), "example.com", "starttls-not-supported", 12 * DAY,
                new WindowCounts(80, 1000), starttls(AlertKind.STARTTLS_DOWNGRADE_SUSPECTED));
        assertThat(farBack.action()).isEqualTo(Action.NONE);
        assertThat(farBack.incident()).isEqualTo(fire.incident());

        Step edge = lifecycle.step(fire.incident(), "example.com", "starttls-not-supported", 13 * DAY,
                new WindowCounts(80, 1000), starttls(AlertKind.STARTTLS_DOWNGRADE_SUSPECTED));
        assertThat(edge.action()).as("day 13 is in it").isEqualTo(Action.UPDATE);
        assertThat(edge.incident().firstWindowStart()).isEqualTo(13 * DAY);
    }

    @Test
    void onlyAMoreSevereKindWins() {
        assertThat(IncidentLifecycle.escalated("starttls-unavailable", AlertKind.STARTTLS_DOWNGRADE_SUSPECTED))
                .isEqualTo("starttls-downgrade-suspected");
        assertThat(IncidentLifecycle.escalated("starttls-downgrade-suspected", AlertKind.STARTTLS_UNAVAILABLE))
                .isEqualTo("starttls-downgrade-suspected");
        assertThat(IncidentLifecycle.escalated("certificate-expired", AlertKind.CERTIFICATE_EXPIRED))
                .isEqualTo("certificate-expired");
    }

    @Test
    void normalSameWindowDoesNotResolve() {
        Step fire = lifecycle.step(null, "example.com", "certificate-expired", 8 * DAY, new WindowCounts(20, 1000), verdict(true));
        Step diluted = lifecycle.step(fire.incident(), "example.com", "certificate-expired", 8 * DAY, new WindowCounts(20, 9000), verdict(false));
        assertThat(diluted.action()).isEqualTo(Action.NONE);
        assertThat(diluted.incident().open()).isTrue();
    }

    @Test
    void alertIdIsStableAndDistinct() {
        assertThat(IncidentLifecycle.alertId("a.example", "x", 1)).isEqualTo(IncidentLifecycle.alertId("a.example", "x", 1))
                .hasSize(32).isNotEqualTo(IncidentLifecycle.alertId("a.example", "x", 2));
    }
}
