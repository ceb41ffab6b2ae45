package io.tlsrpt.processor.topology;

import io.tlsrpt.processor.detect.PolicyEnforcement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything about one policy domain in one window: the domain's total sessions (successful + failed over
 * all its policies), the reports and reporters, and the failures per result type. One report's contribution
 * has the same shape, so the windowed aggregate is a plain {@link #merge}. Keeping the total and every
 * result type in one value lets the detector see the domain's traffic even in windows without failures.
 *
 * @param sessionsByReporter the domain's sessions by reporter (organisation), the denominator of each reporter's own
 *                           failure rate; empty in windows written before it was kept
 * @param enforcementCounted whether every report in the window had its sessions under no enforced policy counted
 *                           ({@link io.tlsrpt.processor.detect.PolicyEnforcement}): false in windows written before,
 *                           which must not serve as that pseudo type's baseline (they would show none)
 * @param failedSessions     the domain's failed sessions by the reports' summaries (the failure types can overlap, so
 *                           their counts need not sum to it); null in windows an earlier version began, which did not
 *                           count them
 */
public record DomainWindow(long reports, long totalSessions, Set<String> reporters, Map<String, TypeCounts> failures,
                           Map<String, Long> sessionsByReporter, boolean enforcementCounted, Long failedSessions) {

    public DomainWindow {
        reporters = SortedViews.sortedSet(reporters);
        failures = SortedViews.sortedMap(failures);
        sessionsByReporter = SortedViews.sortedMap(sessionsByReporter);
    }

    /** As windows written before the failed sessions were counted. */
    public DomainWindow(long reports, long totalSessions, Set<String> reporters, Map<String, TypeCounts> failures,
                        Map<String, Long> sessionsByReporter, boolean enforcementCounted) {
        this(reports, totalSessions, reporters, failures, sessionsByReporter, enforcementCounted, null);
    }

    /** As windows written before the sessions under no enforced policy were counted. */
    public DomainWindow(long reports, long totalSessions, Set<String> reporters, Map<String, TypeCounts> failures,
                        Map<String, Long> sessionsByReporter) {
        this(reports, totalSessions, reporters, failures, sessionsByReporter, false);
    }

    /** Without sessions by reporter (as windows written before they were kept). */
    public DomainWindow(long reports, long totalSessions, Set<String> reporters, Map<String, TypeCounts> failures) {
        this(reports, totalSessions, reporters, failures, null);
    }

    /** The aggregate's start: nothing in it yet, so nothing left uncounted. */
    public static DomainWindow empty() {
        return new DomainWindow(0, 0, null, null, null, true, 0L);
    }

    public DomainWindow merge(DomainWindow other) {
        Set<String> r = new TreeSet<>(reporters);
        r.addAll(other.reporters);
        Map<String, TypeCounts> f = new TreeMap<>(failures);
        other.failures.forEach((type, counts) -> f.merge(type, counts, TypeCounts::merge));
        return new DomainWindow(Caps.add(reports, other.reports), Caps.add(totalSessions, other.totalSessions),
                Caps.capSet(r, Caps.MAX_REPORTERS), f, mergeSessionsByReporter(other, f),
                enforcementCounted && other.enforcementCounted,
                failedSessions == null || other.failedSessions == null ? null
                        : Caps.add(failedSessions, other.failedSessions));
    }

    /**
     * The sessions by reporter, capped. Reporters that saw failures in the window are kept before the largest
     * others: the detector judges a reporter by its sessions, so some 200 forged reports under other names, each
     * larger than a real reporter, must not push that reporter out of the window on the day it sees a failure.
     */
    private Map<String, Long> mergeSessionsByReporter(DomainWindow other, Map<String, TypeCounts> mergedFailures) {
        int reporters = sessionsByReporter.size() + other.sessionsByReporter.size();
        if (reporters <= Caps.MAX_REPORTERS) {
            return Caps.mergeCounts(sessionsByReporter, other.sessionsByReporter, Caps.MAX_REPORTERS);
        }
        Set<String> failing = new TreeSet<>();
        mergedFailures.values().forEach(c -> failing.addAll(c.failedByReporter().keySet()));
        return Caps.mergeCounts(sessionsByReporter, other.sessionsByReporter, Caps.MAX_REPORTERS, failing);
    }

    /** The sessions {@code reporter} reported for the domain (0: none, or a window written before they were kept). */
    public long sessionsBy(String reporter) {
        Long n = sessionsByReporter.get(reporter);
        return n == null ? 0 : n;
    }

    /**
     * Whether the window can serve as a baseline for {@code resultType}: any window for a failure type, only a window
     * that counted every report's sessions under no enforced policy for that pseudo type.
     */
    public boolean counts(String resultType) {
        return enforcementCounted || !PolicyEnforcement.NOT_ENFORCED.equals(resultType);
    }

    /**
     * The sessions delivered under no enforced policy; null in a window an earlier version began, which did not count
     * them all (unknown rather than too few).
     */
    public Long sessionsWithoutEnforcedPolicy() {
        return enforcementCounted ? failed(PolicyEnforcement.NOT_ENFORCED) : null;
    }

    public long failed(String resultType) {
        TypeCounts c = failures.get(resultType);
        return c == null ? 0 : c.failed();
    }

    /** The receiving MX hosts of {@code resultType}'s failures, the most failed sessions first (all it keeps). */
    public List<String> receivingMx(String resultType) {
        Map<String, Long> hosts = failures.getOrDefault(resultType, TypeCounts.empty()).receivingMx();
        return Caps.top(hosts, hosts.size()).stream().map(Map.Entry::getKey).toList();
    }
}
