package io.tlsrpt.processor.topology;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tlsrpt.processor.detect.AlertKind;
import io.tlsrpt.processor.detect.Incident;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The incidents firing now on this processor instance, by kind and tenant
 * ({@code tlsrpt_incidents_open{kind,severity,tenant}}): each task of the detector hands over the open incidents of
 * its {@code incident-store} when it starts here, then every change it writes (fired, escalated to another kind,
 * resolved, forgotten by the sweep); a task that leaves the instance takes its incidents with it. Summed over the
 * instances it is what {@code tlsrpt alerts --open} lists, without reading a topic: a dashboard's "firing now", per
 * tenant for a provider, and a second path to on call beside the alert topic. The {@code reports-stopped} alerts are
 * the silence check's ({@code tlsrpt_reporters_stopped}).
 *
 * <p>An incident counts under the tenant its domain had when the incident was last written (as its alert names it),
 * and {@code tenant=""} when the served-domains list names none. Each open incident is kept by its store key, so a
 * resolution removes exactly what its firing added, whatever the list says meanwhile. The series of every kind
 * without a tenant exist from the start, at 0; a tenant's appear with its first incident and stay.
 */
public final class IncidentMetrics {

    public static final String OPEN = "tlsrpt.incidents.open";
    /** The tag value of incidents whose domain has no tenant: Prometheus reads an empty label as no label. */
    static final String NO_TENANT = "";

    private final MeterRegistry registry;
    /** Each task's open incidents by store key; written by its stream thread, read by the scrape. */
    private final Map<String, Map<String, Series>> byTask = new ConcurrentHashMap<>();
    private final Set<Series> registered = ConcurrentHashMap.newKeySet();
    /** A scrape reads every series: they share one count, made again only after a change. */
    private Map<Series, Long> counted = Map.of();
    private volatile boolean changedSinceCount;

    /** One gauge's labels. */
    record Series(AlertKind kind, String tenant) {
    }

    private final boolean tenantLabels;

    /** @param tenantLabels whether the series carry their tenant, or {@code ""} for all */
    IncidentMetrics(MeterRegistry registry, boolean tenantLabels) {
        this.registry = registry;
        this.tenantLabels = tenantLabels;
        for (AlertKind kind : AlertKind.values()) {
            if (kind.detectedFromReports()) {
                // every series from the start, at 0: a rule or panel sees "none open", not "no data"
                register(new Series(kind, NO_TENANT));
            }
        }
    }

    /** A task started here with these open incidents (by store key) in its restored store. */
    void started(String task, Map<String, Series> open) {
        Map<String, Series> incidents = new ConcurrentHashMap<>();
        open.forEach((key, series) -> {
            Series labelled = labelled(series);
            register(labelled);
            incidents.put(key, labelled);
        });
        byTask.put(task, incidents);
        changedSinceCount = true;
    }

    /**
     * The task stored {@code incident} (null: deleted) under {@code key}, its domain belonging to {@code tenant}
     * (null: none).
     */
    void changed(String task, String key, Incident incident, String tenant) {
        Map<String, Series> incidents = byTask.computeIfAbsent(task, t -> new ConcurrentHashMap<>());
        Optional<Series> series = series(incident, tenant).map(this::labelled);
        if (series.isPresent()) {
            register(series.get());
            incidents.put(key, series.get());
        } else {
            incidents.remove(key);
        }
        changedSinceCount = true;
    }

    /**
     * The series under which {@code incident} counts: none when it is absent, resolved, or of a kind this version
     * does not know (stored by another version).
     */
    static Optional<Series> series(Incident incident, String tenant) {
        if (incident == null || !incident.open()) {
            return Optional.empty();
        }
        return AlertKind.find(incident.kind()).map(kind -> new Series(kind, tenant == null ? NO_TENANT : tenant));
    }

    private Series labelled(Series series) {
        return tenantLabels ? series : new Series(series.kind(), NO_TENANT);
    }

    /** The task closed on this instance: its incidents no longer count here. */
    void closed(String task) {
        byTask.remove(task);
        changedSinceCount = true;
    }

    /** Open incidents of {@code kind} over this instance's tasks and every tenant. */
    long open(AlertKind kind) {
        return byTask.values().stream().flatMap(incidents -> incidents.values().stream())
                .filter(series -> series.kind() == kind).count();
    }

    private void register(Series series) {
        if (registered.add(series)) {
            Gauge.builder(OPEN, this, metrics -> metrics.count(series))
                    .description("incidents firing now on this instance (its detector tasks' incident stores), by "
                            + "kind and tenant")
                    .tags("kind", series.kind().code(), "severity", series.kind().severity().code(),
                            "tenant", series.tenant())
                    .register(registry);
        }
    }

    private synchronized long count(Series series) {
        if (changedSinceCount) {
            changedSinceCount = false;
            Map<Series, Long> counts = new HashMap<>();
            for (Map<String, Series> incidents : byTask.values()) {
                for (Series s : incidents.values()) {
                    counts.merge(s, 1L, Long::sum);
                }
            }
            counted = counts;
        }
        return counted.getOrDefault(series, 0L);
    }
}
