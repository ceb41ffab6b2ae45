package io.tlsrpt.processor.app;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/** The parameters the lists of the whole application share ({@link IncidentQuery}, {@link DomainListQuery}). */
final class ListQueries {

    /** The most a {@code limit} may ask: a page a portal or a terminal shows, not a way round the whole list. */
    static final int MAX_LIMIT = 10_000;

    private ListQueries() {
    }

    /**
     * The parameters of a request URI's raw query (null: none), decoded, by name (a name given twice: the last).
     *
     * @throws IllegalArgumentException for a name not {@code known}
     */
    static Map<String, String> parameters(String rawQuery, Set<String> known) {
        Map<String, String> given = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return given;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown parameter '" + name + "': " + known.stream().sorted()
                        .toList() + " are known");
            }
            given.put(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return given;
    }

    static String nonEmpty(String name, String value) {
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " is empty");
        }
        return value;
    }

    static int limit(String value) {
        String wrong = "limit must be a number from 1 to " + MAX_LIMIT + ", not '" + value + "'";
        int limit;
        try {
            limit = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(wrong, e);
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException(wrong);
        }
        return limit;
    }

    static SortedSet<Integer> partitions(String value) {
        SortedSet<Integer> partitions = new TreeSet<>();
        for (String p : value.split(",")) {
            try {
                int partition = Integer.parseInt(p.trim());
                if (partition < 0) {
                    throw new NumberFormatException();
                }
                partitions.add(partition);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("partitions must list partition numbers, not '" + value + "'", e);
            }
        }
        return partitions;
    }

    /**
     * The query string that asks another instance the same of its partitions {@code theirs}: the list's own
     * {@code parameters} (name to value, null values left out), encoded, then {@code partitions}.
     */
    static String forPeer(Map<String, Object> parameters, SortedSet<Integer> theirs) {
        List<String> pairs = new ArrayList<>();
        parameters.forEach((name, value) -> {
            if (value != null) {
                pairs.add(name + "=" + URLEncoder.encode(value.toString(), StandardCharsets.UTF_8));
            }
        });
        pairs.add("partitions=" + String.join(",", theirs.stream().map(String::valueOf).toList()));
        return String.join("&", pairs);
    }
}
