package io.tlsrpt.processor.topology;

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

    /** A partition's sums, with the counts of {@link WindowChanges} and the time they were read at. */
    private record Summed(long updates, long assignments, long readAtNanos, Map<String, DomainSummaries.Summary> sums) {
    }

    private final WindowChanges changes;
    private final long maxAgeNanos;
    private final LongSupplier nanoTime;
    private final Map<Integer, Summed> byPartition = new ConcurrentHashMap<>();

    public SummedDomains(WindowChanges changes, Duration maxAge) {
        this(changes, maxAge, System::nanoTime);
    }

    SummedDomains(WindowChanges changes, Duration maxAge, LongSupplier nanoTime) {
        this.changes = changes;
        this.maxAgeNanos = maxAge.toNanos();
        this.nanoTime = nanoTime;
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
            return last.sums();
        }
        Map<String, DomainSummaries.Summary> sums = DomainSummaries.read(store.get(), Instant.EPOCH, domain -> true);
        byPartition.put(partition, new Summed(updates, assignments, now, sums));
        return sums;
    }
}
