package io.tlsrpt.processor.topology;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.search.Search;
import io.tlsrpt.schema.Alert;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The processor's own counters. Micrometer names use dots; the Prometheus endpoint renders them as
 * {@code tlsrpt_raw_records_total}, {@code tlsrpt_reports_rejected_total{reason=...}} and so on.
 * Counters move when a record is processed, before its transaction commits: after a crash some of them
 * can count a record twice even though the topics hold it once (exactly-once covers data, not metrics).
 */
public final class PipelineMetrics {

    public static final String RAW_RECORDS = "tlsrpt.raw.records";
    /** From a raw record's timestamp (the intake's receipt) to the processor reading it. */
    public static final String RAW_READ_DELAY = "tlsrpt.raw.read.delay";
    /**
     * Its buckets: seconds when the processor keeps up (the Kafka Connect worker's batching, the commit interval),
     * minutes for a backlog an on-call team must hear of, hours and a day for a restart after an outage or a
     * reprocessing.
     */
    private static final Duration[] READ_DELAY_BUCKETS = {Duration.ofSeconds(1), Duration.ofSeconds(5),
        Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2),
        Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofHours(6), Duration.ofDays(1)};
    public static final String REPORTS_DECODED = "tlsrpt.reports.decoded";
    public static final String REPORTS_REJECTED = "tlsrpt.reports.rejected";
    public static final String DEVIATIONS = "tlsrpt.deviations";
    public static final String DUPLICATES_DROPPED = "tlsrpt.duplicates.dropped";
    public static final String REPORTS_DISTINCT = "tlsrpt.reports.distinct";
    public static final String CONFLICTING_REPORTS = "tlsrpt.reports.conflicting";
    public static final String LATE_REPORTS = "tlsrpt.late.reports";
    public static final String UNSERVED_CONTRIBUTIONS = "tlsrpt.unserved.contributions";
    public static final String ALERTS = "tlsrpt.alerts";
    public static final String DEAD_LETTERS = "tlsrpt.dead.letters";
    public static final String STREAM_THREAD_REPLACEMENTS = "tlsrpt.stream.thread.replacements";
    /** Late reason: received and processed after window end + grace. */
    public static final String LATE_WINDOW_CLOSED = "window-closed";
    /** Late reason: on time by arrival, but beyond the aggregate's close horizon (grace + max partition drift). */
    public static final String LATE_BEYOND_DRIFT = "beyond-drift";
    /**
     * The raw records' {@code tlsrpt.source} values, one {@code intake} label each on {@link #RAW_RECORDS} (not
     * {@code source}, which the alerting rules use for routing): the connector's three sources and the cli's. Any
     * other value, or none, counts as {@link #UNKNOWN_INTAKE}, so that a producer writing odd headers cannot grow the
     * metrics.
     */
    private static final List<String> INTAKES = List.of("https", "imap", "spool", "cli");
    private static final String UNKNOWN_INTAKE = "unknown";

    private final MeterRegistry registry;
    /** Per intake, all registered from the start: an intake that stops shows as a flat series, not a missing one. */
    private final Map<String, Counter> rawByIntake = new HashMap<>();
    private final Counter rawUnknownIntake;
    private final Timer rawReadDelay;
    private final Counter decoded;
    private final Counter duplicates;
    private final Counter distinct;
    private final Counter conflicting;
    private final Counter unservedContributions;
    private final Counter threadReplacements;
    /** One per deviation code: building and registering a counter per decoded report's deviation cost 1-2 %. */
    private final Map<String, Counter> deviations = new ConcurrentHashMap<>();
    private final SilenceCheckMetrics silence;
    private final IncidentMetrics incidents;

    /** Whether the alert and incident meters carry each alert's tenant, or {@code ""} for all. */
    private final boolean tenantLabels;

    public PipelineMetrics(MeterRegistry registry) {
        this(registry, true);
    }

    /**
     * @param tenantLabels whether {@code tlsrpt_alerts_total} and {@code tlsrpt_incidents_open} carry each alert's
     *                     tenant (one series per tenant and kind that occurred), or {@code tenant=""} for all
     */
    public PipelineMetrics(MeterRegistry registry, boolean tenantLabels) {
        this.registry = registry;
        this.tenantLabels = tenantLabels;
        INTAKES.forEach(intake -> rawByIntake.put(intake, rawCounter(intake)));
        rawUnknownIntake = rawCounter(UNKNOWN_INTAKE);
        rawReadDelay = Timer.builder(RAW_READ_DELAY)
                .description("from a raw record's timestamp (when the intake received it, as the connector stamps "
                        + "it) to the processor reading it: how far behind the processor is")
                .serviceLevelObjectives(READ_DELAY_BUCKETS).register(registry);
        decoded = Counter.builder(REPORTS_DECODED).description("reports decoded (one raw record can hold several)")
                .register(registry);
        duplicates = Counter.builder(DUPLICATES_DROPPED).description("decoded reports dropped as duplicates")
                .register(registry);
        distinct = Counter.builder(REPORTS_DISTINCT).description("distinct reports written to the reports topic")
                .register(registry);
        conflicting = Counter.builder(CONFLICTING_REPORTS)
                .description("distinct reports with the organisation, report-id and date range of an earlier, "
                        + "different report (a forgery sent first, or a reissue): both count")
                .register(registry);
        unservedContributions = Counter.builder(UNSERVED_CONTRIBUTIONS)
                .description("(report, policy domain) contributions left out of the statistics because the domain is "
                        + "not served, in a report that names a served one too")
                .register(registry);
        threadReplacements = Counter.builder(STREAM_THREAD_REPLACEMENTS)
                .description("stream threads that died of an error no record handler took and were replaced")
                .register(registry);
        // both reasons exist from the start, so dashboards see 0 rather than no series
        lateCounter(LATE_WINDOW_CLOSED);
        lateCounter(LATE_BEYOND_DRIFT);
        silence = new SilenceCheckMetrics(registry);
        incidents = new IncidentMetrics(registry, tenantLabels);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The incidents firing now, by kind. */
    public IncidentMetrics incidents() {
        return incidents;
    }

    /** The reporter-silence check's figures. */
    public SilenceCheckMetrics silence() {
        return silence;
    }

    /** A raw record was consumed; {@code source} is its {@code tlsrpt.source} header (null when it has none). */
    public void rawRecord(String source) {
        rawByIntake.getOrDefault(source, rawUnknownIntake).increment();
    }

    /**
     * The same, read at {@code nowMillis}, with its timestamp {@code appendedAtMillis}: how long after its receipt
     * the processor read it (none for a timestamp ahead of the clock).
     */
    public void rawRecord(String source, long appendedAtMillis, long nowMillis) {
        rawRecord(source);
        rawReadDelay.record(Math.max(0, nowMillis - appendedAtMillis), TimeUnit.MILLISECONDS);
    }

    private Counter rawCounter(String intake) {
        return Counter.builder(RAW_RECORDS)
                .description("raw records consumed from the raw topic, by intake (their tlsrpt.source header)")
                .tag("intake", intake).register(registry);
    }

    public void decoded() {
        decoded.increment();
    }

    public void rejected(String reason) {
        Counter.builder(REPORTS_REJECTED).description("raw records rejected by the decoder")
                .tag("reason", reason).register(registry).increment();
    }

    public void deviation(String code) {
        deviations.computeIfAbsent(code, c -> Counter.builder(DEVIATIONS)
                .description("deviations from RFC 8460 repaired or tolerated while decoding")
                .tag("code", c).register(registry)).increment();
    }

    /** A stream thread died of an error no record handler took and was replaced. */
    public void streamThreadReplaced() {
        threadReplacements.increment();
    }

    public long streamThreadReplacements() {
        return (long) threadReplacements.count();
    }

    public void duplicate() {
        duplicates.increment();
    }

    public void distinct() {
        distinct.increment();
    }

    public void conflictingReport() {
        conflicting.increment();
    }

    /** A (report, policy domain) contribution left out because {@code served.domains} does not list the domain. */
    public void unservedContribution() {
        unservedContributions.increment();
    }

    long unservedContributions() {
        return (long) unservedContributions.count();
    }

    /** A (report, policy domain) contribution left out of the statistics; reason: a {@code LATE_*} constant. */
    public void late(String reason) {
        lateCounter(reason).increment();
    }

    private Counter lateCounter(String reason) {
        return Counter.builder(LATE_REPORTS)
                .description("(report, policy domain) contributions left out of the statistics as late")
                .tag("reason", reason).register(registry);
    }

    /** An alert written, by kind, severity, status and tenant ({@code ""} when its domain has none). */
    void alert(Alert alert) {
        alert(alert.getKind(), alert.getSeverity(), alert.getStatus(),
                alert.getTenant() == null ? IncidentMetrics.NO_TENANT : alert.getTenant());
    }

    public void alert(String kind, String severity, String status, String tenant) {
        Counter.builder(ALERTS).description("alerts emitted")
                .tag("kind", kind).tag("severity", severity).tag("status", status)
                .tag("tenant", tenantLabels ? tenant : IncidentMetrics.NO_TENANT)
                .register(registry).increment();
    }

    public void deadLetter(String stage, String reason) {
        Counter.builder(DEAD_LETTERS).description("records written to the dead-letter topic")
                .tag("stage", stage).tag("reason", reason).register(registry).increment();
    }

    /** Sum of a counter over all its tags (0 when it was never incremented). */
    public long total(String name) {
        return (long) Search.in(registry).name(name).counters().stream().mapToDouble(Counter::count).sum();
    }

    /** The counters the embedded run uses to know when all its input has been processed. */
    public Snapshot snapshot() {
        return new Snapshot(total(RAW_RECORDS), total(REPORTS_DECODED), total(REPORTS_REJECTED),
                total(DUPLICATES_DROPPED), total(REPORTS_DISTINCT), total(LATE_REPORTS), total(ALERTS),
                total(DEAD_LETTERS));
    }

    /** Point-in-time totals. */
    public record Snapshot(long rawRecords, long reportsDecoded, long rejected, long duplicatesDropped,
                           long distinctReports, long lateReports, long alerts, long deadLetters) {

        /** The counts since {@code earlier}, a snapshot of the same counters. */
        public Snapshot since(Snapshot earlier) {
            return new Snapshot(rawRecords - earlier.rawRecords, reportsDecoded - earlier.reportsDecoded,
                    rejected - earlier.rejected, duplicatesDropped - earlier.duplicatesDropped,
                    distinctReports - earlier.distinctReports, lateReports - earlier.lateReports,
                    alerts - earlier.alerts, deadLetters - earlier.deadLetters);
        }
    }
}
