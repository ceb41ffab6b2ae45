package io.tlsrpt.processor.topology;

import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SortedSet;

/**
 * A read-only sorted set over strings already in ascending order and distinct (the binary window reader checks
 * this): {@code new TreeSet<>(view)} copies it in linear time without a comparison (TreeSet's fast path for a
 * SortedSet), where adding the strings one by one costs log n string comparisons each.
 */
final class SortedArraySet extends AbstractSet<String> implements SortedSet<String> {

    private final String[] values;
    private final int from;
    private final int to;

    SortedArraySet(String[] ascending) {
        this(ascending, 0, ascending.length);
    }

    private SortedArraySet(String[] values, int from, int to) {
        this.values = values;
        this.from = from;
        this.to = to;
    }

    @Override
    public Iterator<String> iterator() {
        return new Iterator<>() {
            private int next = from;

            @Override
            public boolean hasNext() {
                return next < to;
            }

            @Override
            public String next() {
                if (next >= to) {
                    throw new NoSuchElementException();
                }
                return values[next++];
            }
        };
    }

    @Override
    public int size() {
        return to - from;
    }

    @Override
    public boolean contains(Object o) {
        return o instanceof String s && indexOf(s) >= 0;
    }

    @Override
    public Comparator<? super String> comparator() {
        return null; // natural ordering, as the TreeSets of DomainWindow and TypeCounts
    }

    @Override
    public SortedSet<String> subSet(String fromElement, String toElement) {
        return new SortedArraySet(values, index(fromElement), Math.max(index(fromElement), index(toElement)));
    }

    @Override
    public SortedSet<String> headSet(String toElement) {
        return new SortedArraySet(values, from, index(toElement));
    }

    @Override
    public SortedSet<String> tailSet(String fromElement) {
        return new SortedArraySet(values, index(fromElement), to);
    }

    @Override
    public String first() {
        if (from == to) {
            throw new NoSuchElementException();
        }
        return values[from];
    }

    @Override
    public String last() {
        if (from == to) {
            throw new NoSuchElementException();
        }
        return values[to - 1];
    }

    /** Where {@code s} is or would be inserted in this range. */
    private int index(String s) {
        int i = indexOf(s);
        return i >= 0 ? i : -i - 1;
    }

    /** The index of {@code s} in the array if it is in this range, else (-(insertion point) - 1). */
    int indexOf(String s) {
        return Arrays.binarySearch(values, from, to, s);
    }

    /** The array range [{@link #from()}, {@link #to()}) this set shows, for a map keeping its values beside it. */
    int from() {
        return from;
    }

    int to() {
        return to;
    }

    String at(int index) {
        return values[index];
    }
}
