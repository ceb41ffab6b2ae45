package io.tlsrpt.processor.topology;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SortedMap;

/**
 * A read-only sorted map over keys already in ascending order and distinct (the binary window reader checks this),
 * with their non-null values: {@code new TreeMap<>(view)} copies it in linear time without a comparison (TreeMap's
 * fast path for a SortedMap), where putting the entries one by one costs log n key comparisons each.
 */
final class SortedArrayMap<V> extends AbstractMap<String, V> implements SortedMap<String, V> {

    private final String[] keys;
    private final V[] values;
    private final int from;
    private final int to;

    SortedArrayMap(String[] ascendingKeys, V[] values) {
        this(ascendingKeys, values, 0, ascendingKeys.length);
    }

    private SortedArrayMap(String[] keys, V[] values, int from, int to) {
        this.keys = keys;
        this.values = values;
        this.from = from;
        this.to = to;
    }

    @Override
    public Set<Entry<String, V>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, V>> iterator() {
                return new Iterator<>() {
                    private int next = from;

                    @Override
                    public boolean hasNext() {
                        return next < to;
                    }

                    @Override
                    public Entry<String, V> next() {
                        if (next >= to) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return Map.entry(keys[i], values[i]);
                    }
                };
            }

            @Override
            public int size() {
                return to - from;
            }
        };
    }

    @Override
    public int size() {
        return to - from;
    }

    @Override
    public V get(Object key) {
        int i = key instanceof String s ? Arrays.binarySearch(keys, from, to, s) : -1;
        return i >= 0 ? values[i] : null;
    }

    @Override
    public boolean containsKey(Object key) {
        return key instanceof String s && Arrays.binarySearch(keys, from, to, s) >= 0;
    }

    @Override
    public Comparator<? super String> comparator() {
        return null; // natural ordering, as the TreeMaps of DomainWindow and TypeCounts
    }

    @Override
    public SortedMap<String, V> subMap(String fromKey, String toKey) {
        return new SortedArrayMap<>(keys, values, index(fromKey), Math.max(index(fromKey), index(toKey)));
    }

    @Override
    public SortedMap<String, V> headMap(String toKey) {
        return new SortedArrayMap<>(keys, values, from, index(toKey));
    }

    @Override
    public SortedMap<String, V> tailMap(String fromKey) {
        return new SortedArrayMap<>(keys, values, index(fromKey), to);
    }

    @Override
    public String firstKey() {
        if (from == to) {
            throw new NoSuchElementException();
        }
        return keys[from];
    }

    @Override
    public String lastKey() {
        if (from == to) {
            throw new NoSuchElementException();
        }
        return keys[to - 1];
    }

    /** Where {@code key} is or would be inserted in this range. */
    private int index(String key) {
        int i = Arrays.binarySearch(keys, from, to, key);
        return i >= 0 ? i : -i - 1;
    }
}
