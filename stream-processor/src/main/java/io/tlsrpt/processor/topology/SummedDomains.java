package io.tlsrpt.processor.topology;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * Each partition's domains summed over every window {@code domain-window-store} keeps ({@link DomainSummaries}), kept
 * for the domain list: while no window of this instance has changed since and its tasks have not moved the sums are
 * exact and read again only then; while windows change they are used until {@code maxAge} old. Summing a partition
 * reads every window of it (a second or more at 100,000 domains); a portal asking for the list every few seconds then
 * costs that once per change or per {@code maxAge}, not per request. Only the sums over every kept window are kept:
 * a list from a day on ({@code since}) reads the windows each time.
 */
public final class SummedDomains {

    /** {@code tlsrpt_domain_list_partition_sums_total}: each partition's sums a domain list used, by where from. */
    public static final String METRIC = "tlsrpt.domain.list.partition.sums";

    /** A partition's sums, with the counts of {@link WindowChanges} and the time they were read at. */
    private record Summed(long updates, long assignments, long readAtNanos, Map<String, DomainSummaries.Summary> sums) {
    }

    private final WindowChanges changes;
    private final long maxAgeNanos;
    private final LongSupplier nanoTime;
    private final Map<Integer, Summed> byPartition = new ConcurrentHashMap<>();
    private final Counter kept;
    private final Counter read;

    public SummedDomains(WindowChanges changes, Duration maxAge, MeterRegistry registry) {
        this(changes, maxAge, System::nanoTime, registry);
    }

    SummedDomains(WindowChanges changes, Duration maxAge, LongSupplier nanoTime, MeterRegistry registry) {
        this.changes = changes;
        this.maxAgeNanos = maxAge.toNanos();
        this.nanoTime = nanoTime;
        // read often while reports arrive: http.domains.list.max.age too short for how often the list is asked
        this.kept = counter(registry, "kept");
        this.read = counter(registry, "read");
    }

    private static Counter counter(MeterRegistry registry, String source) {
        return Counter.builder(METRIC).tag("source", source)
                .description("Partitions' domain sums the domain lists answered from, by source: kept from an earlier "
                        + "read, or read from every window the store keeps")
                .register(registry);
    }

    /** Every domain of {@code partition}, summed over all its kept windows, read from {@code store} when needed. */
    public Map<String, DomainSummaries.Summary> of(int partition,
                                                  Supplier<ReadOnlyWindowStore<String, DomainWindow>> store) {
        // counted before reading: a window changed while the store is read makes these sums stale, not exact
        long updates = changes.updates();
        long assignments = changes.assignments();
        long now = nanoTime.getAsLong();
        // a partition this instance may no longer work: its sums are dropped, not kept for a return
        byPartition.values().removeIf(summed -> summed.assignments() != assignments);
        Summed last = byPartition.get(partition);
        if (last != null && (last.updates() == updates || now - last.readAtNanos() < maxAgeNanos)) {
            kept.increment();
            return last.sums();
        }
        read.increment();
        Map<String, DomainSummaries.Summary> sums = DomainSummaries.read(store.get(), Instant.EPOCH, domain -> true);
        byPartition.put(partition, new Summed(updates, assignments, now, sums));
        return sums;
    }
}
