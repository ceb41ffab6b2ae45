package io.tlsrpt.processor.topology;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The sets and maps of {@link DomainWindow} and {@link TypeCounts}: sorted by name, so that equal windows are equal
 * bytes. What the binary window reader gives ({@link SortedArraySet}, {@link SortedArrayMap}: read-only, already
 * sorted and distinct) is kept as it is; anything else is copied into a {@link TreeSet} or {@link TreeMap}. A window
 * read from the store is only read (the detector reads seven per failing result type, the domain list every one):
 * copying each of its sets and maps into a tree built objects nothing needed (5 % of a domain list's samples). The
 * pipeline's rate did not change with it (docs/benchmarks-log.md, "The domain list from kept sums").
 */
final class SortedViews {

    private SortedViews() {
    }

    static Set<String> sortedSet(Set<String> values) {
        if (values instanceof SortedArraySet readOnly) {
            return readOnly;
        }
        return values == null ? new TreeSet<>() : new TreeSet<>(values);
    }

    static <V> Map<String, V> sortedMap(Map<String, V> entries) {
        if (entries instanceof SortedArrayMap<V> readOnly) {
            return readOnly;
        }
        return entries == null ? new TreeMap<>() : new TreeMap<>(entries);
    }
}
