package io.tlsrpt.processor.topology;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tlsrpt.processor.detect.AlertKind;
import io.tlsrpt.processor.detect.Incident;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The incidents firing now on this processor instance, by kind ({@code tlsrpt_incidents_open{kind,severity}}): each
 * task of the detector counts the open incidents of its {@code incident-store} when it starts here, then follows every
 * change it writes (fired, escalated to another kind, resolved, forgotten by the sweep); a task that leaves the
 * instance takes its count with it. Summed over the instances it is what {@code tlsrpt alerts --open} lists, without
 * reading a topic: a dashboard's "firing now", and a second path to on call beside the alert topic. The
 * {@code reports-stopped} alerts are the silence check's ({@code tlsrpt_reporters_stopped}).
 */
public final class IncidentMetrics {

    public static final String OPEN = "tlsrpt.incidents.open";

    /** Each task's open incidents by kind; written by its stream thread, read by the scrape. */
    private final Map<String, Map<AlertKind, Long>> byTask = new ConcurrentHashMap<>();

    IncidentMetrics(MeterRegistry registry) {
        for (AlertKind kind : AlertKind.values()) {
            if (!kind.detectedFromReports()) {
                continue;
            }
            // every series from the start, at 0: a rule or panel sees "none open", not "no data"
            Gauge.builder(OPEN, this, metrics -> metrics.open(kind))
                    .description("incidents firing now on this instance (its detector tasks' incident stores), by "
                            + "kind")
                    .tags("kind", kind.code(), "severity", kind.severity().code())
                    .register(registry);
        }
    }

    /** A task started here with these open incidents in its restored store. */
    void started(String task, Map<AlertKind, Long> open) {
        Map<AlertKind, Long> counts = new EnumMap<>(AlertKind.class);
        counts.putAll(open);
        byTask.put(task, counts);
    }

    /** The task stored {@code after} (null: deleted) in place of {@code before} (null: none). */
    void changed(String task, Incident before, Incident after) {
        counted(before).ifPresent(kind -> add(task, kind, -1));
        counted(after).ifPresent(kind -> add(task, kind, 1));
    }

    /**
     * The kind under which {@code incident} counts: none when it is absent, resolved, or of a kind this version does
     * not know (stored by another version).
     */
    static Optional<AlertKind> counted(Incident incident) {
        return incident == null || !incident.open() ? Optional.empty() : AlertKind.find(incident.kind());
    }

    /** The task closed on this instance: its incidents no longer count here. */
    void closed(String task) {
        byTask.remove(task);
    }

    /** Open incidents of {@code kind} over this instance's tasks. */
    long open(AlertKind kind) {
        return byTask.values().stream().mapToLong(counts -> {
            synchronized (counts) {
                return counts.getOrDefault(kind, 0L);
            }
        }).sum();
    }

    private void add(String task, AlertKind kind, long delta) {
        Map<AlertKind, Long> counts = byTask.computeIfAbsent(task, t -> new EnumMap<>(AlertKind.class));
        synchronized (counts) {
            // never below 0, should a count have missed the incident's opening (a store from another version)
            counts.put(kind, Math.max(0, counts.getOrDefault(kind, 0L) + delta));
        }
    }
}
