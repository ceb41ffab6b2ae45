package io.tlsrpt.cli.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/**
 * This JVM's garbage collections so far, pauses only: a collector bean named "... Concurrent ..." (G1's concurrent
 * cycle, ZGC's and Shenandoah's cycles) counts work done beside the application threads, not time they stood still.
 */
record GcTime(long collections, long pauseMillis) {

    static GcTime now() {
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc.getName().contains("Concurrent")) {
                continue;
            }
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        return new GcTime(count, millis);
    }

    GcTime since(GcTime earlier) {
        return new GcTime(collections - earlier.collections, pauseMillis - earlier.pauseMillis);
    }
}
