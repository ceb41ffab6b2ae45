package io.tlsrpt.processor.topology;

import io.tlsrpt.processor.detect.AlertKind;
import io.tlsrpt.processor.detect.IncidentLifecycle;
import io.tlsrpt.processor.detect.ReporterCadence;
import io.tlsrpt.processor.detect.ReporterRename;
import io.tlsrpt.processor.detect.SilenceSettings;
import io.tlsrpt.processor.served.ServedDomains;
import io.tlsrpt.schema.Alert;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage 5b: reporters that stop. The store {@code reporter-cadence-store} (key {@code domain|reporter}) keeps, per
 * policy domain and reporter, which report windows had a report from it ({@link ReporterCadence}), from every
 * contribution, late ones included (a late report still shows that the reporter sends). Every
 * {@code silence.check.interval} of wall-clock time, each task fires a {@code reports-stopped} alert for every
 * regular reporter of a domain (a report in {@code silence.min.windows} of the {@code silence.lookback.windows} up to
 * its last) that has sent none for {@code silence.after.windows} windows, counted back from the newest window this
 * processor instance has a report for (over all its tasks), at two checks in a row (a partition read behind the
 * others while reports are caught up is not silent; the first check's suspicion is stored with the cadence, so a
 * restart between the two does not start again). The silence is relative: other reports keep arriving,
 * this reporter's about this domain do not (the domain's {@code _smtp._tls} record or its {@code rua} broke, or the
 * reporter stopped sending it mail).
 *
 * <p>The check is skipped while the instance's newest window ended more than {@code silence.after.windows} windows
 * ago by the wall clock: an archive or a backlog being read (their reporters did not stop today), or no reports at all,
 * which is the intake's silence ({@code TlsRptReportsStoppedArriving}). An alert resolves with the reporter's next
 * report for a newer window, or once the reporter has been silent for {@code silence.forget.windows} windows, when
 * its entry is deleted (which bounds the store). A stop where a related name began in the reporter's place, on at
 * least {@code silence.rename.min.domains} domains of the instance at once, is a renamed organisation
 * ({@link ReporterRename}): no alert, and the old name's entry is deleted. A reporter that the instance's checks
 * (all its tasks') find stopped on {@code silence.wide.stop.domains} domains at once is said to have stopped widely
 * in each of those alerts' summaries. Both are counted over the instance's tasks ({@link ReporterStops}).
 */
final class SilenceStage {

    static final String PROCESSOR = "reporter-silence";
    static final String STORE = "reporter-cadence-store";
    /** A reports-stopped alert is about no RFC 8460 result type (the notifier would label an empty one unknown). */
    static final String RESULT_TYPE = "none";
    private static final StringSerializer KEY_SERIALIZER = new StringSerializer();

    private SilenceStage() {
    }

    /** The reports-stopped alerts, from the per-domain contributions (key: policy domain, timestamp: report start). */
    static KStream<String, Alert> apply(StreamsBuilder builder, KStream<String, DomainWindow> contributions,
                                        TopologySettings settings, PipelineMetrics metrics, Clock clock,
                                        OpenStops openStops) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE),
                Serdes.String(), ReporterCadenceSerde.serde()));
        // one for all of this instance's tasks: a domain alone on its partition is judged against the others, and a
        // reporter's stops on the domains of all its partitions are seen together
        Instance instance = new Instance(settings.silence(), clock, openStops, settings.servedDomains());
        return contributions.process(() -> new SilenceProcessor(settings.silence(), settings.windowSize(), instance,
                        metrics), Named.as(PROCESSOR), STORE);
    }

    /**
     * The newest report window this processor instance has had a report for, over all its tasks (not stored: each
     * task's start sets it from the task's store, then every report).
     * Shared by the tasks' processors, which run on any stream thread.
     */
    static final class NewestWindow {

        static final long NONE = Long.MIN_VALUE;

        private final AtomicLong newest = new AtomicLong(NONE);

        void saw(long window) {
            newest.accumulateAndGet(window, Math::max);
        }

        long get() {
            return newest.get();
        }
    }

    /**
     * What the tasks of one processor instance share: its newest window, the stops its checks found, and the wall
     * clock (a task's start marks its restored suspicions with it: Kafka Streams sets the context's system time only
     * for records and punctuations, so at a task's start it is 0 or stale).
     */
    static final class Instance {

        final NewestWindow newest = new NewestWindow();
        /** Two check intervals: every task checks once in each, so a check sees the others' latest findings. */
        final ReporterStops stops;
        final Clock clock;
        /** The open stops of the tasks' partitions, for the incident lists. */
        final OpenStops open;
        /** The served-domains list in force: a domain taken off it is no longer watched. */
        final Supplier<ServedDomains> served;

        Instance(SilenceSettings silence, Clock clock, OpenStops open, Supplier<ServedDomains> served) {
            this.stops = new ReporterStops(silence.checkInterval().multipliedBy(2));
            this.clock = clock;
            this.open = open;
            this.served = served;
        }

    }

    /**
     * The {@code alert_id} of a reporter's reports-stopped incident on a domain: made of the window of its last report
     * when the alert fired, so that the firing and its resolution share it and a later silence is another incident.
     */
    static String alertId(String domain, String reporter, long incidentWindowStart) {
        return IncidentLifecycle.alertId(domain, AlertKind.REPORTS_STOPPED.code() + "|" + reporter, incidentWindowStart);
    }

    /** The store key of a reporter's cadence on a domain (a domain name holds no {@code |}). */
    static String key(String domain, String reporter) {
        return domain + "|" + reporter;
    }

    /** A regular reporter found stopped at two checks in a row, with its store key and cadence. */
    private record Stop(Watched watched, String key, ReporterCadence cadence) {
    }

    /** A reporter's old and new organisation names. */
    private record Rename(String from, String to) {
    }

    /** A store key read back: the domain up to the first {@code |}, the reporter after it. */
    private record Watched(String domain, String reporter) {
        static Watched of(String key) {
            int bar = key.indexOf('|');
            return new Watched(key.substring(0, bar), key.substring(bar + 1));
        }
    }

    static final class SilenceProcessor implements Processor<String, DomainWindow, String, Alert> {

        private static final Logger LOG = LoggerFactory.getLogger(SilenceProcessor.class);

        private final SilenceSettings silence;
        private final long windowMillis;
        private final NewestWindow newest;
        private final ReporterStops stops;
        private final Clock clock;
        private final OpenStops open;
        private final Supplier<ServedDomains> served;
        private final PipelineMetrics metrics;
        private ProcessorContext<String, Alert> context;
        /** The task's id, as the metrics name it. */
        private String task;
        private int partition;
        private KeyValueStore<String, ReporterCadence> cadences;
        /**
         * The domains the last check found off the served-domains list: one is dropped when two checks in a row find
         * it so, so that a list read half-written for a moment drops nothing.
         */
        private Set<String> unservedAtLastCheck = Set.of();

        SilenceProcessor(SilenceSettings silence, Duration windowSize, Instance instance, PipelineMetrics metrics) {
            this.silence = silence;
            this.windowMillis = windowSize.toMillis();
            this.newest = instance.newest;
            this.stops = instance.stops;
            this.clock = instance.clock;
            this.open = instance.open;
            this.served = instance.served;
            this.metrics = metrics;
        }

        @Override
        public void init(ProcessorContext<String, Alert> context) {
            this.context = context;
            this.task = context.taskId().toString();
            this.partition = context.taskId().partition();
            this.cadences = context.getStateStore(STORE);
            open.started(partition);
            if (silence.enabled()) {
                readRestoredStore();
                context.schedule(silence.checkInterval(), PunctuationType.WALL_CLOCK_TIME, this::check);
            } else {
                // turned off with stops still open in the store: they are listed as they stand
                try (KeyValueIterator<String, ReporterCadence> all = cadences.all()) {
                    all.forEachRemaining(entry -> open.written(partition, entry.key, entry.value));
                }
            }
        }

        /** Writes the store, and the open stops beside it ({@code cadence} null: deleted). */
        private void write(String key, ReporterCadence cadence) {
            if (cadence == null) {
                cadences.delete(key);
            } else {
                cadences.put(key, cadence);
            }
            open.written(partition, key, cadence);
        }

        @Override
        public void process(Record<String, DomainWindow> record) {
            if (!silence.enabled() || record.value() == null) {
                return;
            }
            long window = Math.floorDiv(record.timestamp(), windowMillis);
            newest.saw(window);
            for (String reporter : record.value().reporters()) {
                String key = key(record.key(), reporter);
                ReporterCadence before = cadences.get(key);
                ReporterCadence after = before == null ? ReporterCadence.first(window) : before.seen(window);
                if (before == null) {
                    metrics.silence().firstSeen(task);
                } else if ((before.suspected() && !after.suspected()) || after.resumed()) {
                    stops.cleared(reporter, record.key());
                }
                if (after.resumed()) {
                    metrics.silence().resolvedByReport(task);
                    emit(record.key(), reporter, after.silentAfter(), window, true, String.format(
                            "Resolved: %s on %s: %s sent a report again (the window starting %s), its first since"
                                    + " the window starting %s.", AlertKind.REPORTS_STOPPED.code(), record.key(),
                            reporter, start(window), start(after.silentAfter())));
                    after = after.alertResolved();
                }
                if (!after.equals(before)) {
                    write(key, after);
                }
            }
        }

        /**
         * A reporter found stopped fires only if the next check finds it still stopped at the same last window: the
         * first check stores a suspicion in its cadence ({@link ReporterCadence#suspect()}). Partitions are read at
         * their own pace, so while reports are being caught up a reporter's partition can lag behind the instance's
         * newest window for a moment; a silence kept over a whole check interval is not that. A check that cannot
         * judge (the instance is not current) ends every suspicion, so that the catching up after an outage needs two
         * checks again. Silence is counted back from the instance's newest window, but never from one that has not
         * ended by the wall clock: a report dated ahead (a sender's clock, within {@code window.max.report.ahead})
         * would otherwise make every other reporter look a window or two more silent.
         */
        private void check(long now) {
            long newestWindow = Math.min(newest.get(), Math.floorDiv(now, windowMillis) - 1);
            if (newestWindow == NewestWindow.NONE) {
                return;
            }
            long sinceNewest = now - (newestWindow + 1) * windowMillis;
            boolean current = sinceNewest <= silence.afterWindows() * windowMillis;
            if (!current) {
                LOG.debug("reporter silence: this instance's newest report window ended {} ago: reading a backlog or "
                        + "an archive, or no reports arrive; not judging reporters", Duration.ofMillis(sinceNewest));
            }
            long started = System.nanoTime();
            stops.expire(now);
            List<KeyValue<String, ReporterCadence>> changes = new ArrayList<>();
            List<Stop> found = new ArrayList<>();
            List<Stop> stoppedNow = new ArrayList<>();
            long watched = 0;
            long stopped = 0;
            ServedDomains servedNow = served.get();
            Set<String> unserved = new HashSet<>();
            try (KeyValueIterator<String, ReporterCadence> all = cadences.all()) {
                while (all.hasNext()) {
                    KeyValue<String, ReporterCadence> entry = all.next();
                    ReporterCadence cadence = entry.value;
                    Watched pair = Watched.of(entry.key);
                    if (!servedNow.serves(pair.domain())) {
                        // taken off the served-domains list: its reports are dead letters now, so every reporter
                        // of it would look stopped. Not judged; dropped (an open alert about it ending) once two
                        // checks in a row find it so
                        unserved.add(pair.domain());
                        if (unservedAtLastCheck.contains(pair.domain())) {
                            changes.add(KeyValue.pair(entry.key, null));
                            if (cadence.suspected()) {
                                cleared(entry.key);
                            }
                            if (cadence.alerted()) {
                                emit(pair.domain(), pair.reporter(), cadence.silentAfter(), cadence.lastWindow(),
                                        true, String.format("Resolved: %s on %s: the domain is no longer served"
                                                + " (taken off the served-domains list); %s is no longer watched for"
                                                + " it.", AlertKind.REPORTS_STOPPED.code(), pair.domain(),
                                                pair.reporter()));
                            }
                        } else {
                            watched++;   // still watched until the next check
                            stopped += cadence.alerted() ? 1 : 0;
                        }
                        continue;
                    }
                    if (cadence.forgotten(newestWindow, silence)) {
                        changes.add(KeyValue.pair(entry.key, null));
                        if (cadence.suspected()) {
                            cleared(entry.key);
                        }
                        if (cadence.alerted()) {
                            resolveForgotten(pair, cadence, newestWindow);
                        }
                        continue;
                    }
                    watched++;
                    if (current && cadence.stopped(newestWindow, silence)) {
                        Stop stop = new Stop(pair, entry.key, cadence);
                        if (cadence.suspected()) {
                            found.add(stop);
                        } else {
                            changes.add(KeyValue.pair(entry.key, cadence.suspect()));
                        }
                        stoppedNow.add(stop);
                        continue;
                    }
                    if (cadence.suspected()) {
                        changes.add(KeyValue.pair(entry.key, cadence.unsuspected()));
                        cleared(entry.key);
                    }
                    if (cadence.alerted()) {
                        stopped++;
                    }
                }
            }
            unservedAtLastCheck = unserved;
            Map<String, Set<String>> successors = mark(stoppedNow, newestWindow, now);
            // a renamed pair's mark stays until the horizon: the other tasks' checks count its domain for the rename
            Set<String> renamed = renamed(found, successors, now);
            Map<String, Integer> stopsByReporter = new HashMap<>();
            for (Stop stop : found) {
                if (renamed.contains(stop.key())) {
                    changes.add(KeyValue.pair(stop.key(), null));
                    watched--;
                } else {
                    changes.add(KeyValue.pair(stop.key(), stop.cadence().alertFired()));
                    fire(stop.watched(), stop.cadence(), newestWindow, stopsByReporter.computeIfAbsent(
                            stop.watched().reporter(), r -> stops.domainsStopped(r, now, silence.renameMinDomains())));
                    stopped++;
                }
            }
            for (KeyValue<String, ReporterCadence> change : changes) {
                write(change.key, change.value);
            }
            long took = System.nanoTime() - started;
            metrics.silence().checked(task, watched, stopped, took);
            LOG.debug("reporter silence: task {} watches {} (domain, reporter) pairs, {} with an open alert; the "
                    + "check took {} ms", context.taskId(), watched, stopped, took / 1_000_000);
        }

        @Override
        public void close() {
            open.closed(partition);
            metrics.silence().closed(task);
        }

        /**
         * At the task's start (its store restored): the newest window the store has a report for, so that after a
         * restart, or a task moving here, the instance judges without waiting for a report (every task of the
         * instance does so, long before the first check, a check interval after the start); and the pairs it
         * watches and those with an open alert, for the gauges and the open stops.
         */
        private void readRestoredStore() {
            long watched = 0;
            long stopped = 0;
            List<Stop> suspected = new ArrayList<>();
            try (KeyValueIterator<String, ReporterCadence> all = cadences.all()) {
                while (all.hasNext()) {
                    KeyValue<String, ReporterCadence> entry = all.next();
                    ReporterCadence cadence = entry.value;
                    newest.saw(cadence.lastWindow());
                    open.written(partition, entry.key, cadence);
                    if (cadence.suspected()) {
                        suspected.add(new Stop(Watched.of(entry.key), entry.key, cadence));
                    }
                    watched++;
                    if (cadence.alerted()) {
                        stopped++;
                    }
                }
            }
            long now = clock.millis();
            mark(suspected, Math.min(newest.get(), Math.floorDiv(now, windowMillis) - 1), now);
            metrics.silence().started(task, watched, stopped);
        }

        /**
         * Marks the pairs found stopped, with their successors, for the instance's counts ({@link ReporterStops});
         * returns the successors by store key.
         */
        private Map<String, Set<String>> mark(List<Stop> stopped, long newestWindow, long now) {
            Map<String, Set<String>> successors = successors(stopped, newestWindow);
            for (Stop stop : stopped) {
                stops.found(stop.watched().reporter(), stop.watched().domain(), now,
                        successors.getOrDefault(stop.key(), Set.of()));
            }
            return successors;
        }

        /** A check no longer finds the pair of this store key stopped. */
        private void cleared(String key) {
            Watched pair = Watched.of(key);
            stops.cleared(pair.reporter(), pair.domain());
        }

        /**
         * The related newcomers that began in each stopped pair's place on its domain ({@link ReporterRename}), by
         * store key: the domain's other reporters read by key prefix, once per pair found stopped (a handful at most
         * checks; the pairs a reporter stopped on, when it stops widely).
         */
        private Map<String, Set<String>> successors(List<Stop> stopped, long newestWindow) {
            if (!silence.renameCheck()) {
                return Map.of();
            }
            Map<String, Set<String>> successors = new HashMap<>();
            for (Stop stop : stopped) {
                try (KeyValueIterator<String, ReporterCadence> others =
                             cadences.prefixScan(key(stop.watched().domain(), ""), KEY_SERIALIZER)) {
                    while (others.hasNext()) {
                        KeyValue<String, ReporterCadence> other = others.next();
                        String newcomer = Watched.of(other.key).reporter();
                        if (ReporterRename.succeeds(newcomer, other.value, stop.watched().reporter(), stop.cadence(),
                                newestWindow, silence)) {
                            successors.computeIfAbsent(stop.key(), k -> new HashSet<>()).add(newcomer);
                        }
                    }
                }
            }
            return successors;
        }

        /**
         * The store keys of the confirmed stops that are renames: the same related newcomer began in the reporter's
         * place on at least {@code silence.rename.min.domains} domains of the instance (its tasks' last checks).
         */
        private Set<String> renamed(List<Stop> found, Map<String, Set<String>> successors, long now) {
            Map<Rename, List<Stop>> byRename = new HashMap<>();
            Map<Rename, Integer> domains = new HashMap<>();
            for (Stop stop : found) {
                String from = stop.watched().reporter();
                for (String newcomer : successors.getOrDefault(stop.key(), Set.of())) {
                    Rename rename = new Rename(from, newcomer);
                    if (domains.computeIfAbsent(rename, r -> stops.domainsSucceededBy(r.from(), r.to(), now))
                            >= silence.renameMinDomains()) {
                        byRename.computeIfAbsent(rename, r -> new ArrayList<>()).add(stop);
                    }
                }
            }
            Set<String> renamed = new HashSet<>();
            byRename.forEach((rename, here) -> {
                here.forEach(stop -> renamed.add(stop.key()));
                LOG.warn("reporter silence: \"{}\" appears renamed to \"{}\": on {} domains of this instance \"{}\" "
                                + "began reporting in its place ({} of them on task {}, e.g. {}); no reports-stopped "
                                + "alert for them, and \"{}\" is no longer watched there "
                                + "(silence.rename.min.domains={})",
                        rename.from(), rename.to(), domains.get(rename), rename.to(), here.size(), task,
                        here.stream().limit(3).map(stop -> stop.watched().domain()).toList(), rename.from(),
                        silence.renameMinDomains());
            });
            metrics.silence().renamed(renamed.size());
            return renamed;
        }

        /**
         * A reports-stopped alert; {@code stopsOfReporter}: the domains the instance's checks (every task's, within two
         * check intervals) found the same reporter stopped on. From {@code silence.wide.stop.domains} on, the summary
         * says so: a reporter that stops on many domains at once more likely no longer reaches the intake than every
         * one of those domains broke its record, and the on-call looks there first.
         */
        private void fire(Watched watched, ReporterCadence cadence, long newestWindow, int stopsOfReporter) {
            AlertKind kind = AlertKind.REPORTS_STOPPED;
            String summary = String.format("%s on %s: no TLS-RPT report from %s since the one for the window starting"
                            + " %s: %d window(s) without one up to the newest with reports (starting %s), after reports"
                            + " in %d of the %d windows before; %s.", kind.code(), watched.domain(), watched.reporter(),
                    start(cadence.lastWindow()),
                    cadence.windowsMissing(newestWindow), start(newestWindow),
                    cadence.windowsWithReports(silence.lookbackWindows()), silence.lookbackWindows(),
                    kind.action());
            if (silence.wideStop(stopsOfReporter)) {
                summary += String.format(" %s stopped on %d domains at once (this processor instance's checks), not on"
                        + " this one alone: its reports more likely no longer reach the intake (refused, dead-lettered,"
                        + " failing DKIM) than each of those domains broke its record.", watched.reporter(),
                        stopsOfReporter);
            }
            emit(watched.domain(), watched.reporter(), cadence.lastWindow(), cadence.lastWindow(), false, summary);
        }

        private void resolveForgotten(Watched watched, ReporterCadence cadence, long newestWindow) {
            emit(watched.domain(), watched.reporter(), cadence.silentAfter(), cadence.lastWindow(), true,
                    String.format("Resolved: %s on %s: no report from %s for %d windows; it is no longer watched.",
                            AlertKind.REPORTS_STOPPED.code(), watched.domain(), watched.reporter(),
                            cadence.windowsMissing(newestWindow)));
        }

        /**
         * One alert record; {@code incidentWindow} (the reporter's last window when the alert fired) makes its id, so
         * that the firing and its resolution share it and a later silence of the same reporter is another incident.
         */
        private void emit(String domain, String reporter, long incidentWindow, long window, boolean resolved,
                          String summary) {
            AlertKind kind = AlertKind.REPORTS_STOPPED;
            long now = context.currentSystemTimeMs();
            Alert alert = Alert.newBuilder()
                    .setAlertId(alertId(domain, reporter, incidentWindow * windowMillis))
                    .setStatus(resolved ? "resolved" : "firing")
                    .setKind(kind.code())
                    .setSeverity(kind.severity().code())
                    .setPolicyDomain(domain)
                    .setResultType(RESULT_TYPE)
                    .setWindowStart(start(window))
                    .setWindowEnd(start(window + 1))
                    .setReporters(List.of(reporter))
                    .setSummary(summary)
                    .setDetectedAt(Instant.ofEpochMilli(now))
                    .build();
            LOG.info("alert {} {} {} on {} from {}: {}", alert.getStatus(), kind.code(), alert.getAlertId(), domain,
                    reporter, summary);
            // one key for an incident's records: the domain's partition, in order
            context.forward(new Record<>(domain + "|" + kind.code() + "|" + reporter, alert, now));
        }

        private Instant start(long window) {
            return Instant.ofEpochMilli(window * windowMillis);
        }
    }
}
