package io.tlsrpt.processor.topology;

import static io.tlsrpt.processor.topology.ReportFixtures.report;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tlsrpt.processor.topology.DomainSummaries.Summary;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The domain list's sums kept between requests: exact while no window changed (however old), at most the maximum age
 * old while windows change, read again after the tasks moved; the topology counts each window update.
 */
class SummedDomainsTest {

    private final TopologyFixture f = new TopologyFixture();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private long nanos;
    private int reads;

    @AfterEach
    void close() {
        f.close();
    }

    private Supplier<ReadOnlyWindowStore<String, DomainWindow>> store() {
        return () -> {
            reads++;
            return f.driver.getWindowStore(DomainStateReader.WINDOW_STORE);
        };
    }

    private long sessions(Map<String, Summary> sums) {
        return sums.get("shop.example").totalSessions();
    }

    @Test
    void sumsAreReadAgainOnlyOnceAWindowChangedAndTheyAreOlderThanTheMaximumAge() {
        SummedDomains summed = new SummedDomains(f.windowChanges, Duration.ofSeconds(30), () -> nanos, registry);
        f.send(report("Google Inc.", "g-1", 1).policy("shop.example", 1000), 1);
        long counted = f.windowChanges.updates();
        assertThat(counted).as("the window's update counted").isPositive();
        Map<String, Summary> first = summed.of(0, store());
        assertThat(sessions(first)).isEqualTo(1000);

        nanos += Duration.ofHours(1).toNanos();
        assertThat(summed.of(0, store())).as("no window changed: the same sums, however old").isSameAs(first);
        assertThat(reads).isEqualTo(1);

        f.send(report("Yahoo", "y-1", 1).policy("shop.example", 200), 1);
        assertThat(f.windowChanges.updates()).isGreaterThan(counted);
        Map<String, Summary> second = summed.of(0, store());
        assertThat(sessions(second)).as("changed, and the sums an hour old: read again").isEqualTo(1200);

        f.send(report("Microsoft Corporation", "m-1", 1).policy("shop.example", 100), 1);
        nanos += Duration.ofSeconds(10).toNanos();
        assertThat(summed.of(0, store())).as("changed, but the sums 10 s old: kept").isSameAs(second);
        nanos += Duration.ofSeconds(21).toNanos();
        Map<String, Summary> third = summed.of(0, store());
        assertThat(sessions(third)).as("31 s old: read again").isEqualTo(1300);
        assertThat(reads).isEqualTo(3);

        f.windowChanges.reassigned();
        assertThat(summed.of(0, store())).as("the tasks may have moved: read again").isNotSameAs(third);
        assertThat(reads).isEqualTo(4);
        assertThat(registry.get(SummedDomains.METRIC).tag("source", "read").counter().count()).isEqualTo(4);
        assertThat(registry.get(SummedDomains.METRIC).tag("source", "kept").counter().count()).isEqualTo(2);
    }

    @Test
    void withoutAMaximumAgeEveryChangeIsReadAtTheNextRequest() {
        SummedDomains summed = new SummedDomains(f.windowChanges, Duration.ZERO, () -> nanos, registry);
        f.send(report("Google Inc.", "g-1", 1).policy("shop.example", 1000), 1);
        Map<String, Summary> first = summed.of(0, store());
        assertThat(summed.of(0, store())).isSameAs(first);
        f.send(report("Yahoo", "y-1", 1).policy("shop.example", 200), 1);
        assertThat(sessions(summed.of(0, store()))).isEqualTo(1200);
        assertThat(reads).isEqualTo(2);
    }
}
