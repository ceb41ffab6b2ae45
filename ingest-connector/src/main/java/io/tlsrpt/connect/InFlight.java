package io.tlsrpt.connect;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Records a source has handed to Connect and not yet seen acknowledged, by their monotonic position in the source
 * (HTTPS sequence, IMAP UID, spool sequence). Each entry is settled exactly once: by key (commitRecord) or by every
 * key up to a committed offset.
 */
public final class InFlight<T> {
    private final ConcurrentSkipListMap<Long, T> entries = new ConcurrentSkipListMap<>();

    public void put(long position, T entry) {
        entries.put(position, entry);
    }

    public T remove(long position) {
        return entries.remove(position);
    }

    /** Removes and returns every entry at or below the position, in order of position. */
    public Map<Long, T> removeUpTo(long position) {
        ConcurrentNavigableMap<Long, T> head = entries.headMap(position, true);
        Map<Long, T> out = new LinkedHashMap<>();
        for (Map.Entry<Long, T> e = head.pollFirstEntry(); e != null; e = head.pollFirstEntry()) {
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    public Map<Long, T> removeAll() {
        return removeUpTo(Long.MAX_VALUE);
    }

    public int size() {
        return entries.size();
    }

    /** Reads a long stored in a Connect offset map (JSON converters may give Integer or Long). */
    public static long position(Map<String, ?> offset, String key) {
        Object v = offset == null ? null : offset.get(key);
        if (v instanceof Number n) {
            return n.longValue();
        }
        if (v instanceof String s) {
            return Long.parseLong(s);
        }
        return -1L;
    }
}
