package io.tlsrpt.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReporterStopsTest {

    private static final long HOUR = Duration.ofHours(1).toMillis();

    @Test
    void countsEachDomainOnceWithinTheHorizon() {
        ReporterStops stops = new ReporterStops(Duration.ofHours(2));
        stops.found("Google", "a.example", 0);
        stops.found("Google", "b.example", HOUR);
        stops.found("Google", "a.example", HOUR);
        stops.found("Contoso", "a.example", HOUR);
        assertThat(stops.domains("Google", HOUR)).isEqualTo(2);
        assertThat(stops.domains("Contoso", HOUR)).isEqualTo(1);
        assertThat(stops.domains("Yahoo", HOUR)).isZero();
    }

    @Test
    void marksOlderThanTheHorizonNoLongerCount() {
        ReporterStops stops = new ReporterStops(Duration.ofHours(2));
        stops.found("Google", "a.example", 0);
        stops.found("Google", "b.example", HOUR);
        assertThat(stops.domains("Google", 2 * HOUR)).isEqualTo(2);
        assertThat(stops.domains("Google", 2 * HOUR + 1)).as("a.example's mark is older than two hours").isEqualTo(1);
        stops.expire(3 * HOUR + 1);
        assertThat(stops.domains("Google", 0)).as("expired marks are gone, whatever the time asked").isZero();
    }

    @Test
    void aClearedDomainNoLongerCounts() {
        ReporterStops stops = new ReporterStops(Duration.ofHours(2));
        stops.found("Google", "a.example", 0);
        stops.found("Google", "b.example", 0);
        stops.cleared("Google", "a.example");
        stops.cleared("Google", "c.example");
        stops.cleared("Yahoo", "a.example");
        assertThat(stops.domains("Google", 0)).isEqualTo(1);
        stops.cleared("Google", "b.example");
        assertThat(stops.domains("Google", 0)).isZero();
    }
}
