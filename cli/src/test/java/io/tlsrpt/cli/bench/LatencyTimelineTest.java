package io.tlsrpt.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class LatencyTimelineTest {

    private static final long ORIGIN = 1_700_000_000_000L;

    @Test
    void slicesGroupLatenciesByWhenTheirInputWasSentAndShowAStallTheWholeRunsPercentilesHide() {
        LatencyTimeline timeline = new LatencyTimeline();
        for (int i = 0; i < 100; i++) {
            timeline.add(ORIGIN + i * 10, 200 + i % 10);            // 0-1 s: quick
            timeline.add(ORIGIN + 1_000 + i * 10, 1_500 + i);       // 1-2 s: a stall
            timeline.add(ORIGIN + 2_000 + i * 10, 300);             // 2-3 s: caught up
        }

        List<LatencyTimeline.Slice> slices = timeline.slices(ORIGIN, 1_000);

        assertThat(slices).containsExactly(
                new LatencyTimeline.Slice(0, 100, 204, 209, 209),
                new LatencyTimeline.Slice(1_000, 100, 1_549, 1_598, 1_599),
                new LatencyTimeline.Slice(2_000, 100, 300, 300, 300));
        assertThat(timeline.size()).isEqualTo(300);
        assertThat(timeline.sorted()).hasSize(300).isSorted().startsWith(200L).endsWith(1_599L);
    }

    @Test
    void aSliceWithoutSamplesIsLeftOutAndSamplesBeforeTheOriginGetASliceOfTheirOwn() {
        LatencyTimeline timeline = new LatencyTimeline();
        timeline.add(ORIGIN - 1, 50);
        timeline.add(ORIGIN + 5_500, 70);

        assertThat(timeline.slices(ORIGIN, 3_000)).containsExactly(
                new LatencyTimeline.Slice(-3_000, 1, 50, 50, 50),
                new LatencyTimeline.Slice(3_000, 1, 70, 70, 70));
    }

    @Test
    void percentileIsTheNearestRank() {
        List<Long> sorted = List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);

        assertThat(LatencyTimeline.percentile(sorted, 50)).isEqualTo(5);
        assertThat(LatencyTimeline.percentile(sorted, 90)).isEqualTo(9);
        assertThat(LatencyTimeline.percentile(sorted, 99)).isEqualTo(10);
        assertThat(LatencyTimeline.percentile(List.of(42L), 99)).isEqualTo(42);
    }

    @Test
    void aSliceShorterThanAMillisecondIsRefused() {
        assertThatThrownBy(() -> new LatencyTimeline().slices(ORIGIN, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
