package io.tlsrpt.processor.topology;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Failed sessions of one result type on one domain (one report's contribution, or a window's sum), with
 * who saw them and where. The sets and maps are capped (see {@link Caps}) so a window's state stays small.
 */
public record TypeCounts(long failed, Set<String> reporters, Map<String, Long> sendingIps,
                         Map<String, Long> receivingMx) {

    public TypeCounts {
        reporters = reporters == null ? new TreeSet<>() : new TreeSet<>(reporters);
        sendingIps = sendingIps == null ? new TreeMap<>() : new TreeMap<>(sendingIps);
        receivingMx = receivingMx == null ? new TreeMap<>() : new TreeMap<>(receivingMx);
    }

    public static TypeCounts empty() {
        return new TypeCounts(0, null, null, null);
    }

    public TypeCounts merge(TypeCounts other) {
        Set<String> r = new TreeSet<>(reporters);
        r.addAll(other.reporters);
        return new TypeCounts(failed + other.failed, Caps.capSet(r, Caps.MAX_REPORTERS),
                Caps.mergeCounts(sendingIps, other.sendingIps), Caps.mergeCounts(receivingMx, other.receivingMx));
    }
}
