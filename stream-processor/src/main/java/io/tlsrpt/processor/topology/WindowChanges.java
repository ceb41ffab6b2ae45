package io.tlsrpt.processor.topology;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What changed in this instance's {@code domain-window-store} since a reader last read it whole: the window updates
 * its tasks published (each window the aggregate changed, as the record cache flushes it) and the moves of its tasks
 * (a rebalance gives it other partitions, or the same ones restored). The domain list reads every window of a
 * partition to sum its domains (a second at 100,000 domains); with these counts unchanged it answers from that sum.
 */
public final class WindowChanges {

    private final AtomicLong updates = new AtomicLong();
    private final AtomicLong assignments = new AtomicLong();

    /** A window's new value was published. */
    void updated() {
        updates.incrementAndGet();
    }

    /** The instance's tasks may have moved (Kafka Streams changed state: a rebalance, a start, a stop). */
    public void reassigned() {
        assignments.incrementAndGet();
        updates.incrementAndGet();
    }

    /** How many window updates and task moves so far: equal counts, an equal window store. */
    public long updates() {
        return updates.get();
    }

    /** How many times the tasks may have moved: a sum read under an earlier count may be of a partition gone. */
    public long assignments() {
        return assignments.get();
    }
}
