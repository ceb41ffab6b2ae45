package io.tlsrpt.processor.topology;

import static io.tlsrpt.processor.topology.ReportFixtures.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tlsrpt.processor.topology.DomainSummaries.Summary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The domain list's sums kept between requests: exact while no window of their partition changed (however old), at
 * most the maximum age old while windows change (read again behind a list from half that age on, and while lists wait
 * only once), read again after the tasks moved; the topology counts each window update by partition.
 */
class SummedDomainsTest {

    private final TopologyFixture f = new TopologyFixture();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    /** The reads behind the lists, run when the test says. */
    private final List<Runnable> behind = new ArrayList<>();
    private long nanos;
    private final AtomicInteger reads = new AtomicInteger();

    @AfterEach
    void close() {
        f.close();
    }

    private Supplier<ReadOnlyWindowStore<String, DomainWindow>> store() {
        return () -> {
            reads.incrementAndGet();
            return f.driver.getWindowStore(DomainStateReader.WINDOW_STORE);
        };
    }

    /** Sums kept up to 30 s old while windows change. */
    private SummedDomains thirtySeconds() {
        return new SummedDomains(f.windowChanges, Duration.ofSeconds(30), () -> nanos, behind::add, registry);
    }

    /** The sums of a first report (1,000 sessions), then a window changed (200 more). */
    private Map<String, Summary> readThenChanged(SummedDomains summed) {
        f.send(report("Google Inc.", "g-1", 1).policy("shop.example", 1000), 1);
        Map<String, Summary> first = summed.of(0, store());
        f.send(report("Yahoo", "y-1", 1).policy("shop.example", 200), 1);
        return first;
    }

    private long sessions(Map<String, Summary> sums) {
        return sums.get("shop.example").totalSessions();
    }

    @Test
    void sumsAreReadAgainOnlyOnceAWindowChangedAndTheyAreOlderThanTheMaximumAge() {
        SummedDomains summed = new SummedDomains(f.windowChanges, Duration.ofSeconds(30), () -> nanos, behind::add,
                registry);
        f.send(report("Google Inc.", "g-1", 1).policy("shop.example", 1000), 1);
        long counted = f.windowChanges.updates(0);
        assertThat(counted).as("the window's update counted").isPositive();
        Map<String, Summary> first = summed.of(0, store());
        assertThat(sessions(first)).isEqualTo(1000);

        nanos += Duration.ofHours(1).toNanos();
        assertThat(summed.of(0, store())).as("no window changed: the same sums, however old").isSameAs(first);
        assertThat(reads).hasValue(1);

        f.send(report("Yahoo", "y-1", 1).policy("shop.example", 200), 1);
        assertThat(f.windowChanges.updates(0)).isGreaterThan(counted);
        Map<String, Summary> second = summed.of(0, store());
        assertThat(sessions(second)).as("changed, and the sums an hour old: read again").isEqualTo(1200);

        f.send(report("Microsoft Corporation", "m-1", 1).policy("shop.example", 100), 1);
        nanos += Duration.ofSeconds(10).toNanos();
        assertThat(summed.of(0, store())).as("changed, but the sums 10 s old: kept").isSameAs(second);
        nanos += Duration.ofSeconds(21).toNanos();
        Map<String, Summary> third = summed.of(0, store());
        assertThat(sessions(third)).as("31 s old: read again").isEqualTo(1300);
        assertThat(reads).hasValue(3);

        f.windowChanges.reassigned();
        assertThat(summed.of(0, store())).as("the tasks may have moved: read again").isNotSameAs(third);
        assertThat(reads).hasValue(4);
        assertThat(registry.get(SummedDomains.METRIC).tag("source", "read").counter().count()).isEqualTo(4);
        assertThat(registry.get(SummedDomains.METRIC).tag("source", "kept").counter().count()).isEqualTo(2);
        assertThat(behind).as("no list came between half the maximum age and the maximum age").isEmpty();
    }

    @Test
    void aChangeOnAnotherPartitionLeavesThisOnesSumsExact() {
        SummedDomains summed = thirtySeconds();
        f.send(report("Google Inc.", "g-1", 1).policy("shop.example", 1000), 1);
        Map<String, Summary> first = summed.of(0, store());
        f.windowChanges.updated(1);   // a window of partition 1's task, on this instance
        nanos += Duration.ofHours(1).toNanos();
        assertThat(summed.of(0, store())).as("partition 0 unchanged: exact, however old").isSameAs(first);
        assertThat(behind).as("nothing to read again").isEmpty();
        assertThat(reads).hasValue(1);
        assertThat(f.windowChanges.updates(1)).isEqualTo(1);
    }

    @Test
    void aListAfterHalfTheMaximumAgeGetsTheSumsKeptAndTheyAreReadAgainBehindIt() {
        SummedDomains summed = thirtySeconds();
        Map<String, Summary> first = readThenChanged(summed);
        nanos += Duration.ofSeconds(14).toNanos();
        assertThat(summed.of(0, store())).as("14 s old: kept, nothing read").isSameAs(first);
        assertThat(behind).isEmpty();
        nanos += Duration.ofSeconds(2).toNanos();
        assertThat(summed.of(0, store())).as("16 s old: kept, and read again behind the list").isSameAs(first);
        assertThat(summed.of(0, store())).as("one read behind at a time").isSameAs(first);
        assertThat(behind).hasSize(1);
        assertThat(reads).hasValue(1);

        behind.remove(0).run();
        assertThat(reads).hasValue(2);
        Map<String, Summary> second = summed.of(0, store());
        assertThat(sessions(second)).as("the sums read behind, exact: no change since").isEqualTo(1200);
        nanos += Duration.ofMinutes(5).toNanos();
        assertThat(summed.of(0, store())).isSameAs(second);
        assertThat(behind).isEmpty();
        assertThat(registry.get(SummedDomains.METRIC).tag("source", "read").counter().count())
                .as("no list waited for a read but the first").isEqualTo(1);
        assertThat(registry.get(SummedDomains.METRIC).tag("source", "kept").counter().count()).isEqualTo(5);
    }

    @Test
    void listsThatFindTheSumsTooOldWaitForOneRead() throws Exception {
        SummedDomains summed = thirtySeconds();
        readThenChanged(summed);
        nanos += Duration.ofMinutes(1).toNanos();
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Supplier<ReadOnlyWindowStore<String, DomainWindow>> slow = () -> {
            reading.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return store().get();
        };
        ExecutorService lists = Executors.newFixedThreadPool(2);
        try {
            Future<Map<String, Summary>> one = lists.submit(() -> summed.of(0, slow));
            assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();
            Future<Map<String, Summary>> two = lists.submit(() -> summed.of(0, slow));
            // the second list waits for the first's read (it would count a read of its own in reads)
            await().atMost(Duration.ofSeconds(10)).until(() -> registry.get(SummedDomains.METRIC)
                    .tag("source", "read").counter().count() == 3);
            release.countDown();
            assertThat(sessions(one.get(10, TimeUnit.SECONDS))).isEqualTo(1200);
            assertThat(two.get(10, TimeUnit.SECONDS)).isSameAs(one.get());
            assertThat(reads).as("the first read and one for both lists").hasValue(2);
        } finally {
            release.countDown();
            lists.shutdownNow();
        }
    }

    @Test
    void aReadBehindThatFailsLeavesTheNextListToRead() {
        SummedDomains summed = thirtySeconds();
        Map<String, Summary> first = readThenChanged(summed);
        nanos += Duration.ofSeconds(20).toNanos();
        assertThat(summed.of(0, () -> {
            throw new InvalidStateStoreException("the task is moving");
        })).isSameAs(first);
        behind.remove(0).run();
        assertThat(summed.of(0, store())).as("20 s old still, kept; read behind again").isSameAs(first);
        assertThat(behind).hasSize(1);
        behind.remove(0).run();
        assertThat(sessions(summed.of(0, store()))).isEqualTo(1200);
        assertThat(reads).hasValue(2);
    }

    @Test
    void withoutAMaximumAgeEveryChangeIsReadAtTheNextRequest() {
        SummedDomains summed = new SummedDomains(f.windowChanges, Duration.ZERO, () -> nanos, behind::add,
                registry);
        f.send(report("Google Inc.", "g-1", 1).policy("shop.example", 1000), 1);
        Map<String, Summary> first = summed.of(0, store());
        assertThat(summed.of(0, store())).isSameAs(first);
        f.send(report("Yahoo", "y-1", 1).policy("shop.example", 200), 1);
        assertThat(sessions(summed.of(0, store()))).isEqualTo(1200);
        assertThat(reads).hasValue(2);
    }
}
