package io.tlsrpt.processor.topology;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SortedMap;

/**
 * A read-only sorted map over keys already in ascending order and distinct (the binary window reader checks this),
 * with their non-null values beside them in an array: {@code new TreeMap<>(view)} copies it in linear time without a
 * comparison (TreeMap's fast path for a SortedMap), where putting the entries one by one costs log n key
 * comparisons each. The keys and the ranges are a {@link SortedArraySet}'s.
 */
final class SortedArrayMap<V> extends AbstractMap<String, V> implements SortedMap<String, V> {

    private final SortedArraySet keys;
    private final V[] values;

    SortedArrayMap(String[] ascendingKeys, V[] values) {
        this(new SortedArraySet(ascendingKeys), values);
    }

    private SortedArrayMap(SortedArraySet keys, V[] values) {
        this.keys = keys;
        this.values = values;
    }

    @Override
    public Set<Entry<String, V>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, V>> iterator() {
                return new Iterator<>() {
                    private int next = keys.from();

                    @Override
                    public boolean hasNext() {
                        return next < keys.to();
                    }

                    @Override
                    public Entry<String, V> next() {
                        if (next >= keys.to()) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return Map.entry(keys.at(i), values[i]);
                    }
                };
            }

            @Override
            public int size() {
                return keys.size();
            }
        };
    }

    @Override
    public Set<String> keySet() {
        return keys;
    }

    @Override
    public int size() {
        return keys.size();
    }

    @Override
    public V get(Object key) {
        int i = key instanceof String s ? keys.indexOf(s) : -1;
        return i >= 0 ? values[i] : null;
    }

    @Override
    public boolean containsKey(Object key) {
        return keys.contains(key);
    }

    @Override
    public Comparator<? super String> comparator() {
        return null; // natural ordering, as the TreeMaps of DomainWindow and TypeCounts
    }

    @Override
    public SortedMap<String, V> subMap(String fromKey, String toKey) {
        return new SortedArrayMap<>((SortedArraySet) keys.subSet(fromKey, toKey), values);
    }

    @Override
    public SortedMap<String, V> headMap(String toKey) {
        return new SortedArrayMap<>((SortedArraySet) keys.headSet(toKey), values);
    }

    @Override
    public SortedMap<String, V> tailMap(String fromKey) {
        return new SortedArrayMap<>((SortedArraySet) keys.tailSet(fromKey), values);
    }

    @Override
    public String firstKey() {
        return keys.first();
    }

    @Override
    public String lastKey() {
        return keys.last();
    }
}
