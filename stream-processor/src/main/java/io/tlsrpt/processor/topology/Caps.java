package io.tlsrpt.processor.topology;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Bounds on the per-window state: a flood of distinct IPs must not grow a window without limit. */
final class Caps {

    static final int MAX_REPORTERS = 200;
    /** Kept per result type; the top of these is what is published (an approximate heavy-hitter list). */
    static final int MAX_COUNTED_VALUES = 100;

    private Caps() {
    }

    static Set<String> capSet(Set<String> values, int max) {
        if (values.size() <= max) {
            return values;
        }
        return new TreeSet<>(values.stream().sorted().limit(max).toList());
    }

    /**
     * Two session counts summed, at most {@link Long#MAX_VALUE}: each report's counts are clamped (10^12), but a
     * window sums as many reports as arrive, forged ones too, and must never wrap into a negative total.
     */
    static long add(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : sum;
    }

    static Map<String, Long> mergeCounts(Map<String, Long> a, Map<String, Long> b) {
        return mergeCounts(a, b, MAX_COUNTED_VALUES);
    }

    /** Sums by key, keeping the {@code max} largest. */
    static Map<String, Long> mergeCounts(Map<String, Long> a, Map<String, Long> b, int max) {
        return mergeCounts(a, b, max, Set.of());
    }

    /**
     * Sums by key, keeping the {@code max} largest, but the keys in {@code first} before any other (the largest of
     * them when they alone are more than {@code max}).
     */
    static Map<String, Long> mergeCounts(Map<String, Long> a, Map<String, Long> b, int max, Set<String> first) {
        if (b.isEmpty() && a.size() <= max) {
            return a;
        }
        Map<String, Long> merged = new TreeMap<>(a);
        b.forEach((k, v) -> merged.merge(k, v, Caps::add));
        if (merged.size() <= max) {
            return merged;
        }
        Map<String, Long> others = merged;
        Map<String, Long> kept = new TreeMap<>();
        if (!first.isEmpty()) {
            others = new TreeMap<>();
            Map<String, Long> preferred = new TreeMap<>();
            for (Map.Entry<String, Long> e : merged.entrySet()) {
                (first.contains(e.getKey()) ? preferred : others).put(e.getKey(), e.getValue());
            }
            top(preferred, max).forEach(e -> kept.put(e.getKey(), e.getValue()));
        }
        top(others, max - kept.size()).forEach(e -> kept.put(e.getKey(), e.getValue()));
        return kept;
    }

    /** Entries by count descending, then value, at most {@code n}. */
    static List<Map.Entry<String, Long>> top(Map<String, Long> counts, int n) {
        return counts.entrySet().stream()
                .sorted(Comparator.<Map.Entry<String, Long>>comparingLong(Map.Entry::getValue).reversed()
                        .thenComparing(Map.Entry::getKey))
                .limit(n)
                .map(e -> Map.entry(e.getKey(), e.getValue()))
                .toList();
    }

    static Map<String, Long> ordered(List<Map.Entry<String, Long>> entries) {
        Map<String, Long> m = new LinkedHashMap<>();
        entries.forEach(e -> m.put(e.getKey(), e.getValue()));
        return m;
    }
}
