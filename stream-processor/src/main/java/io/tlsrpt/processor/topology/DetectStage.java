package io.tlsrpt.processor.topology;

import io.tlsrpt.processor.detect.AlertKind;
import io.tlsrpt.processor.detect.DetectorSettings;
import io.tlsrpt.processor.detect.Evaluation;
import io.tlsrpt.processor.detect.Incident;
import io.tlsrpt.processor.detect.IncidentLifecycle;
import io.tlsrpt.processor.detect.PolicyEnforcement;
import io.tlsrpt.processor.detect.SpikeDetector;
import io.tlsrpt.processor.detect.WindowCounts;
import io.tlsrpt.processor.served.ServedDomains;
import io.tlsrpt.schema.Alert;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage 5: on every update of a (domain, window), for each result type failing in it (and each with an open
 * incident on the domain), read the previous windows of the same domain from the aggregate's window store,
 * run the spike rule and step the incident's lifecycle. Fires on the running value, not at window close.
 * The incident store {@code incident-store} (key {@code domain|result-type}) holds one small record per
 * incident and is swept once its last anomalous window is older than the window store's retention, counted back
 * from the newest window the task has judged (checked as stream time passes each window size).
 */
final class DetectStage {

    static final String PROCESSOR = "detect";
    static final String INCIDENT_STORE = "incident-store";

    private DetectStage() {
    }

    static KStream<String, Alert> apply(StreamsBuilder builder, KStream<Windowed<String>, DomainWindow> windows,
                                        TopologySettings settings, PipelineMetrics metrics, Clock clock) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(INCIDENT_STORE),
                Serdes.String(), JsonSerde.of(Incident.class)));
        Duration retention = AggregateStage.storeRetention(settings);
        return windows.process(() -> new DetectProcessor(settings, retention, metrics, clock), Named.as(PROCESSOR),
                AggregateStage.STORE, INCIDENT_STORE);
    }

    static final class DetectProcessor implements Processor<Windowed<String>, DomainWindow, String, Alert> {

        private static final Logger LOG = LoggerFactory.getLogger(DetectProcessor.class);

        private final TopologySettings settings;
        private final Duration retention;
        private final PipelineMetrics metrics;
        private final Clock clock;
        private final SpikeDetector detector;
        private final IncidentLifecycle lifecycle;
        private ProcessorContext<String, Alert> context;
        private ReadOnlyWindowStore<String, ValueAndTimestamp<DomainWindow>> windowStore;
        private KeyValueStore<String, Incident> incidents;
        private String task;
        /**
         * The newest window start this task has judged since it started here (-1: none yet): the time the sweep
         * counts the retention back from, as the window store counts its own, so that an incident is kept as long as
         * the windows it accounts for. The task's stream time is the reports' arrival, which for an archive imported
         * late lies weeks after their windows.
         */
        private long newestWindowStart = -1;
        /**
         * The domains the last sweep found off the served-domains list: their incidents end when two sweeps in a row
         * find them so, so that a list read half-written for a moment ends nothing.
         */
        private Set<String> unservedAtLastSweep = Set.of();

        DetectProcessor(TopologySettings settings, Duration retention, PipelineMetrics metrics, Clock clock) {
            this.settings = settings;
            this.retention = retention;
            this.metrics = metrics;
            this.clock = clock;
            this.detector = new SpikeDetector(settings.detector());
            this.lifecycle = new IncidentLifecycle(settings.detector(), settings.windowSize());
        }

        @Override
        public void init(ProcessorContext<String, Alert> context) {
            this.context = context;
            this.task = context.taskId().toString();
            this.windowStore = context.getStateStore(AggregateStage.STORE);
            this.incidents = context.getStateStore(INCIDENT_STORE);
            context.schedule(settings.windowSize(), PunctuationType.STREAM_TIME, this::sweep);
            // the restored store's open incidents: tlsrpt_incidents_open follows each change from here on
            Map<String, IncidentMetrics.Series> open = new HashMap<>();
            try (KeyValueIterator<String, Incident> all = incidents.all()) {
                while (all.hasNext()) {
                    KeyValue<String, Incident> e = all.next();
                    if (e.value.open()) {
                        int bar = e.key.indexOf('|');   // domain|result-type
                        String domain = bar < 0 ? e.key : e.key.substring(0, bar);
                        IncidentMetrics.series(e.value, tenantOf(domain)).ifPresent(series -> open.put(e.key, series));
                    }
                }
            }
            metrics.incidents().started(task, open);
        }

        @Override
        public void close() {
            metrics.incidents().closed(task);
        }

        @Override
        public void process(Record<Windowed<String>, DomainWindow> record) {
            if (record.value() == null) {
                return;
            }
            String domain = record.key().key();
            long windowStart = record.key().window().start();
            newestWindowStart = Math.max(newestWindowStart, windowStart);
            long windowEnd = record.key().window().end();
            DomainWindow window = record.value();

            Set<String> resultTypes = new TreeSet<>(window.failures().keySet());
            // the domain's incidents, open or not, by result type: read once here, not once more per type below
            Map<String, Incident> stored = new HashMap<>();
            try (KeyValueIterator<String, Incident> all = incidents.prefixScan(domain + "|", new StringSerializer())) {
                while (all.hasNext()) {
                    KeyValue<String, Incident> e = all.next();
                    String resultType = e.key.substring(domain.length() + 1);
                    stored.put(resultType, e.value);
                    if (e.value.open()) {
                        resultTypes.add(resultType);
                    }
                }
            }
            // one window store fetch per baseline anchor, not per result type: each stored window holds every type
            Map<Long, List<DomainWindow>> baselines = new HashMap<>();
            for (String resultType : resultTypes) {
                evaluate(domain, resultType, windowStart, windowEnd, window, baselines, stored.get(resultType));
            }
        }

        private void evaluate(String domain, String resultType, long windowStart, long windowEnd, DomainWindow window,
                              Map<Long, List<DomainWindow>> baselines, Incident stored) {
            String incidentKey = domain + "|" + resultType;
            Incident previous = stored == null ? null : stored.keyedFor(domain);
            // an open incident is judged against the windows before it began, so a lasting failure does not
            // become its own baseline
            long baselineAnchor = previous != null && previous.open() && windowStart >= previous.firstWindowStart()
                    ? previous.firstWindowStart() : windowStart;
            WindowCounts current = new WindowCounts(window.failed(resultType), window.totalSessions());
            List<DomainWindow> baseline = baselines.computeIfAbsent(baselineAnchor, anchor -> baseline(domain, anchor));
            List<WindowCounts> history = new ArrayList<>(baseline.size());
            for (DomainWindow w : baseline) {
                if (w.counts(resultType)) {
                    history.add(new WindowCounts(w.failed(resultType), w.totalSessions()));
                }
            }
            Evaluation evaluation = detector.evaluate(resultType, current, history);
            boolean perReporterOnly = PolicyEnforcement.NOT_ENFORCED.equals(resultType);
            if (perReporterOnly && evaluation.anomalous()) {
                // a domain's share of sessions without an enforced policy is its reporters' mix (Google applies
                // MTA-STS, Microsoft also DANE, some Postfix neither): a day whose window holds only some of them
                // would fire; each reporter's own share does not depend on the others
                evaluation = evaluation.notJudged("judged per reporter only (" + evaluation.reason()
                        + " for the domain)");
            }
            // the domain as a whole first (as before); failing that, each reporter against its own baseline
            ReporterVerdict byReporter = evaluation.anomalous() || !(settings.detector().perReporter()
                    || perReporterOnly) ? null : ReporterVerdict.mostSurprising(detector, resultType, window, baseline);
            if (byReporter != null) {
                current = byReporter.counts();
                evaluation = byReporter.named();
            }
            ReporterVerdict recovery = null;
            if (!evaluation.anomalous() && previous != null && previous.open() && previous.judgedReporter() != null) {
                // an incident of one reporter's sessions is over when that reporter's own sessions say so, not
                // when another reporter's clean report outweighs them
                String reporter = previous.judgedReporter();
                recovery = ReporterVerdict.of(detector, resultType, window, baseline, reporter);
                current = recovery == null ? new WindowCounts(0, 0) : recovery.counts();
                evaluation = recovery == null ? evaluation.notJudged("no session reported by " + reporter
                        + ", whose failures the incident is, in this window") : recovery.named();
            }
            IncidentLifecycle.Step step = withLastAnomalousWindow(lifecycle.step(previous, domain, resultType,
                    windowStart, current, evaluation), windowStart, window, resultType, evaluation,
                    byReporter != null ? byReporter : recovery);
            if (step.incident() != null && !step.incident().equals(stored)) {
                incidents.put(incidentKey, step.incident());
                metrics.incidents().changed(task, incidentKey, step.incident(),
                        step.incident().open() ? tenantOf(domain) : null);
            }
            if (step.action() == IncidentLifecycle.Action.NONE) {
                return;
            }
            String escalatedFrom = previous != null && !step.incident().kind().equals(previous.kind())
                    ? previous.kind() : null;
            Alert alert = alert(step, domain, resultType, windowStart, windowEnd, window, current, evaluation,
                    escalatedFrom, byReporter != null ? byReporter : recovery);
            LOG.info("alert {} ({}) {} {} on {} ({}): {}", alert.getStatus(),
                    step.action().name().toLowerCase(Locale.ROOT), alert.getKind(), alert.getAlertId(), domain,
                    resultType, evaluation.reason());
            // one key for all of an incident's records, whatever its kind becomes: they stay on one partition, in order
            context.forward(new Record<>(step.incident().alertKey(), alert,
                    Math.max(context.currentStreamTimeMs(), windowStart)));
        }

        /**
         * The step with its incident holding, if the window is (still) its last anomalous one, the receiving MX hosts
         * of the window (kept in the incident, the hosts outlive the window and are listed without reading it) and
         * the reporter it was judged on (null: the domain as a whole), which its resolution is judged on.
         */
        private static IncidentLifecycle.Step withLastAnomalousWindow(IncidentLifecycle.Step step, long windowStart,
                                                                      DomainWindow window, String resultType,
                                                                      Evaluation evaluation,
                                                                      ReporterVerdict byReporter) {
            Incident incident = step.incident();
            if (incident == null || !evaluation.anomalous() || incident.lastAnomalousWindowStart() != windowStart) {
                return step;
            }
            Incident withHosts = incident.withReceivingMx(window.receivingMx(resultType));
            return new IncidentLifecycle.Step(step.action(), byReporter == null ? withHosts.judgedOnDomain()
                    : withHosts.judgedOn(byReporter.reporter(), byReporter.counts().total()));
        }

        /** The tenant the served-domains list in force names for {@code domain} (null: none), as its alerts name it. */
        private String tenantOf(String domain) {
            return settings.servedDomains().get().tenantOf(domain);
        }

        /** The domain's stored windows among the {@code baselineWindows} before {@code anchor}, oldest first. */
        private List<DomainWindow> baseline(String domain, long anchor) {
            DetectorSettings d = settings.detector();
            long size = settings.windowSize().toMillis();
            long from = anchor - d.baselineWindows() * size;
            long to = anchor - size;
            List<DomainWindow> windows = new ArrayList<>();
            if (to < 0) {
                return windows;
            }
            try (WindowStoreIterator<ValueAndTimestamp<DomainWindow>> it = windowStore.fetch(domain,
                    Instant.ofEpochMilli(Math.max(0, from)), Instant.ofEpochMilli(to))) {
                while (it.hasNext()) {
                    ValueAndTimestamp<DomainWindow> v = it.next().value;
                    if (v != null && v.value() != null) {
                        windows.add(v.value());
                    }
                }
            }
            return windows;
        }

        private Alert alert(IncidentLifecycle.Step step, String domain, String resultType, long windowStart,
                            long windowEnd, DomainWindow window, WindowCounts current, Evaluation evaluation,
                            String escalatedFrom, ReporterVerdict byReporter) {
            Incident incident = step.incident();
            String reporter = byReporter == null ? null : byReporter.reporter();
            // the alert names one reporter; the others whose own windows trip the rule too are said in the summary
            String others = byReporter == null || byReporter.others().isEmpty() ? ""
                    : "; also anomalous on their own earlier reports: " + String.join(", ", byReporter.others());
            AlertKind kind = AlertKind.fromCode(incident.kind());
            boolean resolved = step.action() == IncidentLifecycle.Action.RESOLVE;
            TypeCounts counts = window.failures().getOrDefault(resultType, TypeCounts.empty());
            List<String> ips = Caps.top(counts.sendingIps(), settings.topN()).stream().map(e -> e.getKey()).toList();
            List<String> mx = Caps.top(counts.receivingMx(), settings.topN()).stream().map(e -> e.getKey()).toList();
            Instant start = Instant.ofEpochMilli(windowStart);
            String outcome = kind.outcome(resultType);
            String summary = resolved
                    ? String.format("Resolved: %s on %s is back to normal: %d of %d sessions%s %s in the"
                            + " window starting %s (expected %.2f).", kind.code(), domain, current.failed(),
                            current.total(), reporter == null ? "" : " reported by " + reporter, outcome, start,
                            evaluation.expected())
                    : reporter != null
                    ? String.format("%s on %s: %d of the %d sessions reported by %s %s in the window"
                            + " starting %s (expected %.2f from its earlier reports; all reporters: %d of %d%s)%s; %s.",
                            kind.code(), domain, current.failed(), current.total(), reporter, outcome, start,
                            evaluation.expected(), window.failed(resultType), window.totalSessions(), others,
                            counts.sendingIps().isEmpty() ? "" : ", seen from " + counts.sendingIps().size()
                                    + " sending IP(s)", kind.action())
                    : String.format("%s on %s: %d of %d sessions %s in the window starting %s"
                            + " (expected %.2f), seen by %d reporter(s)%s; %s.", kind.code(), domain,
                            current.failed(), current.total(), outcome, start, evaluation.expected(),
                            counts.reporters().size(), counts.sendingIps().isEmpty() ? "" : " from "
                                    + counts.sendingIps().size() + " sending IP(s)", kind.action())
                    + (escalatedFrom == null ? "" : " Escalated from " + escalatedFrom + ": judged against the windows"
                            + " before the incident began, the failures rose from a baseline without them.");
            return Alert.newBuilder()
                    .setAlertId(incident.alertId())
                    .setStatus(resolved ? "resolved" : "firing")
                    .setKind(kind.code())
                    .setSeverity(kind.severity().code())
                    .setPolicyDomain(domain)
                    .setResultType(resultType)
                    .setWindowStart(start)
                    .setWindowEnd(Instant.ofEpochMilli(windowEnd))
                    .setFailedSessions(current.failed())
                    .setTotalSessions(current.total())
                    .setBaseline(evaluation.expected())
                    .setScore(Math.min(evaluation.score(), 1000.0))
                    .setReporters(List.copyOf(counts.reporters()))
                    .setTopSendingIps(ips)
                    .setTopReceivingMx(mx)
                    .setSummary(summary)
                    .setDetectedAt(clock.instant())
                    .setJudgedReporter(resolved ? null : reporter)
                    .build();
        }

        /**
         * The resolution of an open incident the window store no longer keeps a window of: since its last anomalous
         * window, no window said it was over (the domain's reports stopped, its traffic stayed too low, or its
         * baseline expired), so it is closed without a verdict, and says so.
         */
        private Alert closedWithoutVerdict(String incidentKey, Incident incident, boolean unserved) {
            int bar = incidentKey.indexOf('|');   // domain|result-type
            String domain = incidentKey.substring(0, bar);
            String resultType = incidentKey.substring(bar + 1);
            AlertKind kind = AlertKind.fromCode(incident.kind());
            Instant last = Instant.ofEpochMilli(incident.lastAnomalousWindowStart());
            String summary = unserved
                    ? String.format("Closed without a verdict: %s on %s was last seen in the window starting %s; the"
                            + " domain is no longer served (taken off the served-domains list), so its reports are"
                            + " no longer read.", kind.code(), domain, last)
                    : String.format("Closed without a verdict: %s on %s was last seen in the window starting"
                    + " %s, and no window since said it was over (no reports of the domain, too few sessions, or"
                    + " too few earlier windows left to judge by); its windows are no longer kept (%s). The failures"
                    + " may go on: check the domain.", kind.code(), domain, last, retention);
            return Alert.newBuilder()
                    .setAlertId(incident.alertId())
                    .setStatus("resolved")
                    .setKind(kind.code())
                    .setSeverity(kind.severity().code())
                    .setPolicyDomain(domain)
                    .setResultType(resultType)
                    .setWindowStart(last)
                    .setWindowEnd(last.plus(settings.windowSize()))
                    .setFailedSessions(0)
                    .setTotalSessions(0)
                    .setBaseline(0.0)
                    .setScore(0.0)
                    .setReporters(List.of())
                    .setTopSendingIps(List.of())
                    .setTopReceivingMx(List.of())
                    .setSummary(summary)
                    .setDetectedAt(clock.instant())
                    .setJudgedReporter(null)
                    .build();
        }

        /**
         * Forgets the incidents whose windows the window store no longer keeps, and those of domains taken off the
         * served-domains list, ending those still open with a resolution that says it has no verdict; triggered by
         * stream time.
         */
        private void sweep(long streamTime) {
            if (newestWindowStart < 0) {
                return;   // nothing judged since the task started here: its store's age is unknown yet
            }
            long cutoff = newestWindowStart - retention.toMillis();
            ServedDomains served = settings.servedDomains().get();
            Set<String> unservedNow = new HashSet<>();
            try (KeyValueIterator<String, Incident> all = incidents.all()) {
                while (all.hasNext()) {
                    KeyValue<String, Incident> e = all.next();
                    String domain = e.key.substring(0, e.key.indexOf('|'));   // domain|result-type
                    if (!served.serves(domain)) {
                        unservedNow.add(domain);
                    }
                    boolean unserved = unservedNow.contains(domain) && unservedAtLastSweep.contains(domain);
                    if (e.value.lastAnomalousWindowStart() < cutoff || unserved) {
                        if (e.value.open()) {
                            // its page must end too: the notifier re-sends a firing alert until it reads its end
                            Alert closed = closedWithoutVerdict(e.key, e.value, unserved);
                            LOG.warn("incident {} ({}) {}: closed without a verdict", e.value.alertId(), e.key,
                                    unserved ? "of a domain no longer served"
                                            : "judged neither anomalous nor over for " + retention);
                            context.forward(new Record<>(e.value.keyedFor(domain).alertKey(), closed, streamTime));
                        }
                        incidents.delete(e.key);
                        metrics.incidents().changed(task, e.key, null, null);
                    }
                }
            }
            unservedAtLastSweep = unservedNow;
        }
    }
}
