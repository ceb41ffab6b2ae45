package io.tlsrpt.cli.watch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tlsrpt.processor.detect.AlertKind;
import io.tlsrpt.processor.served.ServedDomains;
import io.tlsrpt.schema.Alert;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The watch's meters (Prometheus names after Micrometer's conversion): {@code tlsrpt_watch_rounds_total{outcome}}
 * (published or failed), {@code tlsrpt_watch_last_published_round_timestamp_seconds},
 * {@code tlsrpt_watch_interval_seconds}, {@code tlsrpt_watch_round_duration_seconds},
 * {@code tlsrpt_watch_domains}, {@code tlsrpt_watch_checks_total{outcome}} (complete; lookup-failure: some part
 * could not be told, a DNS failure or a policy fetch not judged in a wide outage; failed: the check itself failed),
 * {@code tlsrpt_watch_alerts_total{kind,severity,status,tenant}} (the tenant the domains file names, empty for
 * none, as for the processor's alerts) and {@code tlsrpt_watch_incidents_open{kind,severity,tenant}} (every kind's
 * series without a tenant from the start, at 0; a tenant's from its first open incident on, and kept at 0 after).
 * Such failures neither fire nor resolve an incident; the {@code lookup-failure} count is how an outage of the
 * watch's resolver or network is seen (rule {@code TlsRptPolicyWatchLookupsFailing}).
 */
public final class WatchMetrics {

    static final String ROUNDS = "tlsrpt.watch.rounds";
    static final String LAST_PUBLISHED = "tlsrpt.watch.last.published.round.timestamp";
    static final String INTERVAL = "tlsrpt.watch.interval";
    static final String ROUND_DURATION = "tlsrpt.watch.round.duration";
    static final String DOMAINS = "tlsrpt.watch.domains";
    static final String CHECKS = "tlsrpt.watch.checks";
    static final String ALERTS = "tlsrpt.watch.alerts";
    static final String OPEN = "tlsrpt.watch.incidents.open";

    private final MeterRegistry registry;
    private final Clock clock;
    private final Duration interval;
    private final Instant started;
    private final Counter published;
    private final Counter failed;
    private final Timer roundDuration;
    private final Counter checksComplete;
    private final Counter checksLookupFailure;
    private final Counter checksFailed;
    private final AtomicReference<Instant> lastPublished = new AtomicReference<>();
    private volatile int domains;
    /** Open incidents by kind and tenant ("" for none), as of the last published round. */
    private volatile Map<OpenSeries, Long> open = Map.of();
    /** The series registered so far: a tenant's stays at 0 once its incidents are resolved. */
    private final Set<OpenSeries> registered = new HashSet<>();

    private record OpenSeries(AlertKind kind, String tenant) {
    }

    /** Registers every meter (each at 0; the alert counters when their first alert is published). */
    public WatchMetrics(MeterRegistry registry, Duration interval, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        this.interval = interval;
        this.started = clock.instant();
        published = Counter.builder(ROUNDS).tag("outcome", "published")
            .description("rounds of checks, by whether their alerts and postures were published").register(registry);
        failed = Counter.builder(ROUNDS).tag("outcome", "failed")
            .description("rounds of checks, by whether their alerts and postures were published").register(registry);
        Gauge.builder(LAST_PUBLISHED, this, m -> m.lastPublished.get() == null ? 0
                : m.lastPublished.get().toEpochMilli() / 1000.0)
            .description("when the last round was published (epoch seconds; 0 before the first)").baseUnit("seconds")
            .register(registry);
        Gauge.builder(INTERVAL, () -> interval.toMillis() / 1000.0).baseUnit("seconds")
            .description("the configured time from one round's start to the next").register(registry);
        roundDuration = Timer.builder(ROUND_DURATION).description("time to check every domain and publish")
            .register(registry);
        Gauge.builder(DOMAINS, this, m -> m.domains).description("domains on the watch list").register(registry);
        checksComplete = check("complete");
        checksLookupFailure = check("lookup-failure");
        checksFailed = check("failed");
        for (AlertKind kind : PolicyRules.KINDS) {
            register(new OpenSeries(kind, ""));
        }
    }

    private void register(OpenSeries series) {
        if (registered.add(series)) {
            Gauge.builder(OPEN, this, m -> m.open.getOrDefault(series, 0L))
                .description("incidents the watch has open now, by kind and tenant")
                .tags("kind", series.kind().code(), "severity", series.kind().severity().code(), "tenant",
                    series.tenant())
                .register(registry);
        }
    }

    private Counter check(String outcome) {
        return Counter.builder(CHECKS).tag("outcome", outcome)
            .description("domain checks: complete, lookup-failure (a part not looked up), failed (the check itself)")
            .register(registry);
    }

    void checked(WatchStep step) {
        (step.unknownParts().isEmpty() ? checksComplete : checksLookupFailure).increment();
    }

    void checkFailed() {
        checksFailed.increment();
    }

    /**
     * @param state   every watched domain's state after the round
     * @param tenants the tenants the domains file names, as read for the round
     */
    void published(Collection<WatchStep> steps, Collection<WatchedDomain> state, ServedDomains tenants, int watched,
                   Duration took) {
        for (WatchStep step : steps) {
            for (Alert alert : step.alerts()) {
                Counter.builder(ALERTS).description("alerts the watch published")
                    .tags("kind", alert.getKind(), "severity", alert.getSeverity(), "status", alert.getStatus(),
                        "tenant", alert.getTenant() == null ? "" : alert.getTenant())
                    .register(registry).increment();
            }
        }
        Map<OpenSeries, Long> counts = new HashMap<>();
        for (WatchedDomain d : state) {
            String tenant = Objects.requireNonNullElse(tenants.tenantOf(d.domain()), "");
            d.open().keySet().forEach(kind -> counts.merge(new OpenSeries(kind, tenant), 1L, Long::sum));
        }
        open = Map.copyOf(counts);
        counts.keySet().forEach(this::register);
        domains = watched;
        roundDuration.record(took);
        lastPublished.set(clock.instant());
        published.increment();
    }

    void failed() {
        failed.increment();
    }

    /**
     * Healthy while rounds get published: the last within three intervals (or, before the first, since the start),
     * so that a watch stuck on its cluster is restarted by its liveness probe.
     */
    boolean healthy() {
        Instant last = lastPublished.get();
        Instant since = last == null ? started : last;
        return Duration.between(since, clock.instant()).compareTo(interval.multipliedBy(3)) <= 0;
    }
}
