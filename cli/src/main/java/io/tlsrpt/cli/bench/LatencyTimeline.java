package io.tlsrpt.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Latencies by when their input was sent, in slices of the run: a p99 over the whole run cannot tell a start-up
 * transient, a stall of a second or two, and a processor falling behind for good from one another; the slices can.
 * Thread-safe: the watcher adds while the sender runs.
 */
final class LatencyTimeline {

    /** One slice of the run: the outputs whose input was sent in it. */
    record Slice(long fromMillis, int count, long p50, long p99, long max) {
    }

    private record Sample(long sentMillis, long latencyMillis) {
    }

    private final List<Sample> samples = new ArrayList<>();

    synchronized void add(long sentMillis, long latencyMillis) {
        samples.add(new Sample(sentMillis, latencyMillis));
    }

    synchronized int size() {
        return samples.size();
    }

    /** Every latency, sorted. */
    synchronized List<Long> sorted() {
        List<Long> all = new ArrayList<>(samples.size());
        samples.forEach(s -> all.add(s.latencyMillis()));
        all.sort(null);
        return all;
    }

    /**
     * The slices of {@code sliceMillis} from {@code originMillis} (the first send) that hold a sample, in order; a
     * slice's start is counted from the origin.
     */
    synchronized List<Slice> slices(long originMillis, long sliceMillis) {
        if (sliceMillis < 1) {
            throw new IllegalArgumentException("slice must be at least 1 ms: " + sliceMillis);
        }
        Map<Long, List<Long>> bySlice = new TreeMap<>();
        for (Sample s : samples) {
            long slice = Math.floorDiv(s.sentMillis() - originMillis, sliceMillis);
            bySlice.computeIfAbsent(slice, k -> new ArrayList<>()).add(s.latencyMillis());
        }
        List<Slice> slices = new ArrayList<>(bySlice.size());
        bySlice.forEach((slice, latencies) -> {
            latencies.sort(null);
            slices.add(new Slice(slice * sliceMillis, latencies.size(), percentile(latencies, 50),
                    percentile(latencies, 99), latencies.get(latencies.size() - 1)));
        });
        return slices;
    }

    /** The nearest-rank percentile of a sorted, non-empty list. */
    static long percentile(List<Long> sorted, double p) {
        int i = (int) Math.ceil(p / 100 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }
}
