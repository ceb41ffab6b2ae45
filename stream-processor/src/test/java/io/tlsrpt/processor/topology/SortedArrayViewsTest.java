package io.tlsrpt.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The read-only sorted views behave as the TreeSet and TreeMap they are copied into. */
class SortedArrayViewsTest {

    private static final String[] KEYS = {"10.0.0.1", "10.0.0.2", "2001:db8::1", "mx1.example", "mx2.example"};
    private static final List<String> PROBES = List.of("", "10.0.0.1", "10.0.0.15", "2001:db8::1", "mx", "mx2.example",
            "zz");

    @Test
    void theSetAnswersAsATreeSet() {
        SortedSet<String> view = new SortedArraySet(KEYS.clone());
        TreeSet<String> tree = new TreeSet<>(List.of(KEYS));

        assertThat(new TreeSet<>(view)).isEqualTo(tree).containsExactly(KEYS);
        assertThat(view).isEqualTo(tree).hasSameHashCodeAs(tree);
        assertThat(view.first()).isEqualTo(tree.first());
        assertThat(view.last()).isEqualTo(tree.last());
        assertThat(view.comparator()).isNull();
        for (String a : PROBES) {
            assertThat(view.contains(a)).as(a).isEqualTo(tree.contains(a));
            assertThat(view.headSet(a)).as("head " + a).containsExactlyElementsOf(tree.headSet(a));
            assertThat(view.tailSet(a)).as("tail " + a).containsExactlyElementsOf(tree.tailSet(a));
            for (String b : PROBES) {
                if (a.compareTo(b) <= 0) {
                    assertThat(view.subSet(a, b)).as(a + ".." + b).containsExactlyElementsOf(tree.subSet(a, b));
                }
            }
        }
        SortedSet<String> empty = new SortedArraySet(new String[0]);
        assertThatThrownBy(empty::first).isInstanceOf(NoSuchElementException.class);
        assertThatThrownBy(empty::last).isInstanceOf(NoSuchElementException.class);
        assertThatThrownBy(() -> empty.iterator().next()).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void theMapAnswersAsATreeMap() {
        Long[] counts = {5L, 4L, 3L, 2L, 1L};
        SortedMap<String, Long> view = new SortedArrayMap<>(KEYS.clone(), counts);
        TreeMap<String, Long> tree = new TreeMap<>();
        for (int i = 0; i < KEYS.length; i++) {
            tree.put(KEYS[i], counts[i]);
        }

        assertThat(new TreeMap<>(view)).isEqualTo(tree).containsExactlyEntriesOf(tree);
        assertThat(view).isEqualTo(tree).hasSameHashCodeAs(tree);
        assertThat(view.firstKey()).isEqualTo(tree.firstKey());
        assertThat(view.lastKey()).isEqualTo(tree.lastKey());
        assertThat(view.comparator()).isNull();
        for (String a : PROBES) {
            assertThat(view.get(a)).as(a).isEqualTo(tree.get(a));
            assertThat(view.containsKey(a)).as(a).isEqualTo(tree.containsKey(a));
            assertThat(view.headMap(a)).as("head " + a).containsExactlyEntriesOf(tree.headMap(a));
            assertThat(view.tailMap(a)).as("tail " + a).containsExactlyEntriesOf(tree.tailMap(a));
            for (String b : PROBES) {
                if (a.compareTo(b) <= 0) {
                    assertThat(view.subMap(a, b)).as(a + ".." + b).containsExactlyEntriesOf(tree.subMap(a, b));
                }
            }
        }
        SortedMap<String, Long> empty = new SortedArrayMap<>(new String[0], new Long[0]);
        assertThatThrownBy(empty::firstKey).isInstanceOf(NoSuchElementException.class);
        assertThatThrownBy(empty::lastKey).isInstanceOf(NoSuchElementException.class);
        assertThatThrownBy(() -> empty.entrySet().iterator().next()).isInstanceOf(NoSuchElementException.class);
    }
}
