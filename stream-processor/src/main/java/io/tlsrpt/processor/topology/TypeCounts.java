package io.tlsrpt.processor.topology;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Failed sessions of one result type on one domain (one report's contribution, or a window's sum), with
 * who saw them and where. The sets and maps are capped (see {@link Caps}) so a window's state stays small.
 *
 * @param failedByReporter failed sessions by reporter (organisation), so that the detector can judge each reporter
 *                         against its own baseline; empty in windows written before it was kept
 */
public record TypeCounts(long failed, Set<String> reporters, Map<String, Long> sendingIps,
                         Map<String, Long> receivingMx, Map<String, Long> failedByReporter) {

    public TypeCounts {
        reporters = SortedViews.sortedSet(reporters);
        sendingIps = SortedViews.sortedMap(sendingIps);
        receivingMx = SortedViews.sortedMap(receivingMx);
        failedByReporter = SortedViews.sortedMap(failedByReporter);
    }

    /** Without counts by reporter (as windows written before they were kept). */
    public TypeCounts(long failed, Set<String> reporters, Map<String, Long> sendingIps,
                      Map<String, Long> receivingMx) {
        this(failed, reporters, sendingIps, receivingMx, null);
    }

    public static TypeCounts empty() {
        return new TypeCounts(0, null, null, null, null);
    }

    public TypeCounts merge(TypeCounts other) {
        Set<String> r = new TreeSet<>(reporters);
        r.addAll(other.reporters);
        return new TypeCounts(Caps.add(failed, other.failed), Caps.capSet(r, Caps.MAX_REPORTERS),
                Caps.mergeCounts(sendingIps, other.sendingIps), Caps.mergeCounts(receivingMx, other.receivingMx),
                Caps.mergeCounts(failedByReporter, other.failedByReporter, Caps.MAX_REPORTERS));
    }

    /** The failed sessions {@code reporter} saw. */
    public long failedBy(String reporter) {
        Long n = failedByReporter.get(reporter);
        return n == null ? 0 : n;
    }
}
