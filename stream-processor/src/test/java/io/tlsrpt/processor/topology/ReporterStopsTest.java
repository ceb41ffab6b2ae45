package io.tlsrpt.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReporterStopsTest {

    private static final long HOUR = Duration.ofHours(1).toMillis();
    private static final int RENAME_MIN = 2;

    @Test
    void countsEachDomainOnceWithinTheHorizon() {
        ReporterStops stops = new ReporterStops(Duration.ofHours(2));
        stops.found("Google", "a.example", 0, Set.of());
        stops.found("Google", "b.example", HOUR, Set.of());
        stops.found("Google", "a.example", HOUR, Set.of());
        stops.found("Contoso", "a.example", HOUR, Set.of());
        assertThat(stops.domainsStopped("Google", HOUR, RENAME_MIN)).isEqualTo(2);
        assertThat(stops.domainsStopped("Contoso", HOUR, RENAME_MIN)).isEqualTo(1);
        assertThat(stops.domainsStopped("Yahoo", HOUR, RENAME_MIN)).isZero();
    }

    @Test
    void marksOlderThanTheHorizonNoLongerCount() {
        ReporterStops stops = new ReporterStops(Duration.ofHours(2));
        stops.found("Google", "a.example", 0, Set.of());
        stops.found("Google", "b.example", HOUR, Set.of());
        assertThat(stops.domainsStopped("Google", 2 * HOUR, RENAME_MIN)).isEqualTo(2);
        assertThat(stops.domainsStopped("Google", 2 * HOUR + 1, RENAME_MIN))
                .as("a.example's mark is older than two hours").isEqualTo(1);
        stops.expire(3 * HOUR + 1);
        assertThat(stops.domainsStopped("Google", 0, RENAME_MIN))
                .as("expired marks are gone, whatever the time asked").isZero();
    }

    @Test
    void aClearedDomainNoLongerCounts() {
        ReporterStops stops = new ReporterStops(Duration.ofHours(2));
        stops.found("Google", "a.example", 0, Set.of("Google LLC"));
        stops.found("Google", "b.example", 0, Set.of("Google LLC"));
        stops.cleared("Google", "a.example");
        stops.cleared("Google", "c.example");
        stops.cleared("Yahoo", "a.example");
        assertThat(stops.domainsStopped("Google", 0, 0)).isEqualTo(1);
        assertThat(stops.domainsSucceededBy("Google", "Google LLC", 0)).isEqualTo(1);
        stops.cleared("Google", "b.example");
        assertThat(stops.domainsStopped("Google", 0, 0)).isZero();
    }

    @Test
    void successorsAreCountedByNameAndRenamedDomainsAreNotStops() {
        ReporterStops stops = new ReporterStops(Duration.ofHours(2));
        stops.found("Google Inc.", "a.example", 0, Set.of("Google LLC"));
        stops.found("Google Inc.", "b.example", HOUR, Set.of("Google LLC", "Google Mail"));
        stops.found("Google Inc.", "c.example", HOUR, Set.of("Google Mail"));
        stops.found("Google Inc.", "d.example", HOUR, Set.of());
        assertThat(stops.domainsSucceededBy("Google Inc.", "Google LLC", HOUR)).isEqualTo(2);
        assertThat(stops.domainsSucceededBy("Google Inc.", "Google Mail", HOUR)).isEqualTo(2);
        assertThat(stops.domainsSucceededBy("Google Inc.", "Yahoo", HOUR)).isZero();
        assertThat(stops.domainsStopped("Google Inc.", HOUR, 3)).as("no successor on three domains: all stopped")
                .isEqualTo(4);
        assertThat(stops.domainsStopped("Google Inc.", HOUR, 2)).as("renamed on a, b and c: d alone stopped")
                .isEqualTo(1);
        assertThat(stops.domainsStopped("Google Inc.", HOUR, 0)).as("no rename check").isEqualTo(4);
    }
}
