package io.tlsrpt.processor.topology;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The domains on which this processor instance's silence checks found each reporter stopped (suspected at a first
 * check or confirmed at the second) within a horizon: so that a reporter stopping on many domains is seen as one
 * event across the instance's tasks, not counted per task (the default deployment, one instance over three
 * partitions, spreads a reporter's domains over all three). A task's check marks what it finds and unmarks what it
 * no longer suspects; every task checks once per interval, so with a horizon of two intervals an alert confirmed at
 * one task's check counts the suspicions and alerts the other tasks found at their last checks. Shared by the tasks'
 * processors, which run on any stream thread. Not stored: a task's start marks the suspicions of its restored store.
 */
final class ReporterStops {

    private final long horizonMillis;
    /** Reporter, then domain, then when a check last found it stopped (wall clock). */
    private final Map<String, Map<String, Long>> found = new ConcurrentHashMap<>();

    /** Marks older than {@code horizon} no longer count. */
    ReporterStops(Duration horizon) {
        this.horizonMillis = horizon.toMillis();
    }

    /** A check at {@code now} found {@code reporter} stopped on {@code domain}. */
    void found(String reporter, String domain, long now) {
        // compute, not computeIfAbsent then put: atomic against another task's expire removing an emptied map
        found.compute(reporter, (r, domains) -> {
            Map<String, Long> marked = domains == null ? new ConcurrentHashMap<>() : domains;
            marked.put(domain, now);
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

    /** The domains on which a check found {@code reporter} stopped within the horizon up to {@code now}. */
    int domains(String reporter, long now) {
        Map<String, Long> domains = found.get(reporter);
        if (domains == null) {
            return 0;
        }
        long since = now - horizonMillis;
        return (int) domains.values().stream().filter(at -> at >= since).count();
    }

    /** Forgets every mark older than the horizon (each check does, so that the map holds recent stops only). */
    void expire(long now) {
        long since = now - horizonMillis;
        for (String reporter : found.keySet()) {
            found.computeIfPresent(reporter, (r, domains) -> {
                domains.values().removeIf(at -> at < since);
                return domains.isEmpty() ? null : domains;
            });
        }
    }
}
