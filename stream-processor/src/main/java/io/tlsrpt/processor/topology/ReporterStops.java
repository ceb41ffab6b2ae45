package io.tlsrpt.processor.topology;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The domains on which this processor instance's silence checks found each reporter stopped (suspected at a first
 * check or confirmed at the second) within a horizon, with the related newcomers that began there in its place: so
 * that a reporter stopping on many domains, or renamed on many, is seen as one event across the instance's tasks, not
 * counted per task (the default deployment, one instance over three partitions, spreads a reporter's domains over
 * all three). A task's check marks what it finds and unmarks what it no longer finds stopped; every task checks once
 * per interval, so with a horizon of two intervals a confirmation at one task's check counts the suspicions and
 * alerts the other tasks found at their last checks. Shared by the tasks' processors, which run on any stream thread.
 * Not stored: a task's start marks the suspicions of its restored store.
 */
final class ReporterStops {

    /** When a check last found the reporter stopped on the domain, and the related newcomers there. */
    private record Mark(long at, Set<String> successors) {
    }

    private final long horizonMillis;
    /** Reporter, then domain. */
    private final Map<String, Map<String, Mark>> found = new ConcurrentHashMap<>();

    /** Marks older than {@code horizon} no longer count. */
    ReporterStops(Duration horizon) {
        this.horizonMillis = horizon.toMillis();
    }

    /**
     * A check at {@code now} found {@code reporter} stopped on {@code domain}, and {@code successors} (related names,
     * see {@link io.tlsrpt.processor.detect.ReporterRename}) began there in its place.
     */
    void found(String reporter, String domain, long now, Set<String> successors) {
        Mark mark = new Mark(now, Set.copyOf(successors));
        // compute, not computeIfAbsent then put: atomic against another task's expire removing an emptied map
        found.compute(reporter, (r, domains) -> {
            Map<String, Mark> marked = domains == null ? new ConcurrentHashMap<>() : domains;
            marked.put(domain, mark);
            return marked;
        });
    }

    /** A check no longer finds {@code reporter} stopped on {@code domain} (a report came, a rename, forgotten). */
    void cleared(String reporter, String domain) {
        found.computeIfPresent(reporter, (r, domains) -> {
            domains.remove(domain);
            return domains.isEmpty() ? null : domains;
        });
    }

    /** The domains on which {@code successor} began where {@code reporter} stopped, within the horizon. */
    int domainsSucceededBy(String reporter, String successor, long now) {
        long since = now - horizonMillis;
        return (int) marks(reporter).values().stream()
                .filter(mark -> mark.at() >= since && mark.successors().contains(successor)).count();
    }

    /**
     * The domains on which a check found {@code reporter} stopped within the horizon, those where it was renamed left
     * out: a successor there began on at least {@code renameMinDomains} of its domains (0: no rename check).
     */
    int domainsStopped(String reporter, long now, int renameMinDomains) {
        long since = now - horizonMillis;
        List<Mark> recent = marks(reporter).values().stream().filter(mark -> mark.at() >= since).toList();
        // one pass for the successors' counts: a reporter may have stopped on thousands of domains
        Map<String, Integer> bySuccessor = new HashMap<>();
        recent.forEach(mark -> mark.successors().forEach(s -> bySuccessor.merge(s, 1, Integer::sum)));
        return (int) recent.stream()
                .filter(mark -> renameMinDomains == 0 || mark.successors().stream()
                        .noneMatch(successor -> bySuccessor.get(successor) >= renameMinDomains))
                .count();
    }

    /** Forgets every mark older than the horizon (each check does, so that the map holds recent stops only). */
    void expire(long now) {
        long since = now - horizonMillis;
        for (String reporter : found.keySet()) {
            found.computeIfPresent(reporter, (r, domains) -> {
                domains.values().removeIf(mark -> mark.at() < since);
                return domains.isEmpty() ? null : domains;
            });
        }
    }

    private Map<String, Mark> marks(String reporter) {
        return found.getOrDefault(reporter, Map.of());
    }
}
