package io.tlsrpt.processor.topology;

import io.tlsrpt.processor.detect.ReporterCadence;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open {@code reports-stopped} incidents of this instance's tasks, by partition, kept beside
 * {@code reporter-cadence-store} as its tasks write it: {@code GET /v1/incidents} lists them without reading every
 * (domain, reporter) pair of the store (about three per domain: 498,396 at 100,000 domains, a fifth of a second per
 * request). Each task fills its partition from its restored store when it starts and drops it when it closes; the
 * silence processor passes every write of the store through ({@link #written}). What it holds is what
 * {@link StoppedReporters#read} would find in the store, nothing more (ReporterSilenceTest compares the two).
 * Written by the stream threads, read by the HTTP server's.
 */
public final class OpenStops {

    private final StoppedReporters stopped;
    private final Map<Integer, Map<String, StoppedReporters.Stopped>> byPartition = new ConcurrentHashMap<>();

    public OpenStops(Duration windowSize) {
        this.stopped = new StoppedReporters(windowSize);
    }

    /**
     * The open ones of {@code partition}, or empty when no task of that partition runs on this instance now (the
     * store is then to be asked, which says why it cannot answer).
     */
    public Optional<List<StoppedReporters.Stopped>> of(int partition) {
        Map<String, StoppedReporters.Stopped> open = byPartition.get(partition);
        return open == null ? Optional.empty() : Optional.of(List.copyOf(open.values()));
    }

    /** A task of {@code partition} starts: nothing known of it until its store is read ({@link #written}). */
    void started(int partition) {
        byPartition.put(partition, new ConcurrentHashMap<>());
    }

    /** {@code key} of {@code partition}'s store now holds {@code cadence} (null: deleted). */
    void written(int partition, String key, ReporterCadence cadence) {
        Map<String, StoppedReporters.Stopped> open = byPartition.get(partition);
        if (open == null) {
            return;   // not started: the task's start reads the store
        }
        Optional<StoppedReporters.Stopped> stop = cadence == null ? Optional.empty() : stopped.of(key, cadence);
        if (stop.isPresent()) {
            open.put(key, stop.get());
        } else {
            open.remove(key);
        }
    }

    /** The task of {@code partition} closes (moved away, or the instance stops). */
    void closed(int partition) {
        byPartition.remove(partition);
    }
}
