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

    static Map<String, Long> mergeCounts(Map<String, Long> a, Map<String, Long> b) {
        return mergeCounts(a, b, MAX_COUNTED_VALUES);
    }

    /** Sums by key, keeping the {@code max} largest. */
    static Map<String, Long> mergeCounts(Map<String, Long> a, Map<String, Long> b, int max) {
        if (b.isEmpty()) {
            return a;
        }
        Map<String, Long> merged = new TreeMap<>(a);
        b.forEach((k, v) -> merged.merge(k, v, Long::sum));
        if (merged.size() <= max) {
            return merged;
        }
        Map<String, Long> top = new TreeMap<>();
        for (Map.Entry<String, Long> e : top(merged, max)) {
            top.put(e.getKey(), e.getValue());
        }
        return top;
    }

    /**
     * Sums by key, keeping the {@code max} largest, but the keys in {@code first} before any other (the largest of
     * them when they alone are more than {@code max}).
     */
    static Map<String, Long> mergeCounts(Map<String, Long> a, Map<String, Long> b, int max, Set<String> first) {
        Map<String, Long> merged = mergeCounts(a, b, Integer.MAX_VALUE);
        if (merged.size() <= max) {
            return merged;
        }
        Map<String, Long> preferred = new TreeMap<>();
        Map<String, Long> others = new TreeMap<>();
        merged.forEach((k, v) -> (first.contains(k) ? preferred : others).put(k, v));
        Map<String, Long> kept = new TreeMap<>();
        for (Map.Entry<String, Long> e : top(preferred, max)) {
            kept.put(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, Long> e : top(others, max - kept.size())) {
            kept.put(e.getKey(), e.getValue());
        }
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
