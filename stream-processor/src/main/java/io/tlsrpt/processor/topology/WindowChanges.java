package io.tlsrpt.processor.topology;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What changed in this instance's {@code domain-window-store} since a reader last read it whole: the window updates
 * each partition's task published (each window the aggregate changed, as the record cache flushes it) and the moves
 * of its tasks (a rebalance gives it other partitions, or the same ones restored). The domain list reads every window
 * of a partition to sum its domains (a second at 100,000 domains); with these counts unchanged it answers from that
 * sum. Counted by partition, so that a report on one partition leaves the others' sums exact.
 */
public final class WindowChanges {

    private final Map<Integer, AtomicLong> updates = new ConcurrentHashMap<>();
    private final AtomicLong assignments = new AtomicLong();

    /** A window of {@code partition}'s task got a new value, published. */
    void updated(int partition) {
        AtomicLong count = updates.get(partition);
        if (count == null) {
            count = updates.computeIfAbsent(partition, p -> new AtomicLong());
        }
        count.incrementAndGet();
    }

    /** The instance's tasks may have moved (Kafka Streams changed state: a rebalance, a start, a stop). */
    public void reassigned() {
        assignments.incrementAndGet();
    }

    /** How many window updates {@code partition}'s tasks published here so far: equal counts, equal windows. */
    public long updates(int partition) {
        AtomicLong count = updates.get(partition);
        return count == null ? 0 : count.get();
    }

    /** How many times the tasks may have moved: a sum read under an earlier count may be of a partition gone. */
    public long assignments() {
        return assignments.get();
    }
}
