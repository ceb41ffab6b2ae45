package io.tlsrpt.processor.topology;

import io.tlsrpt.processor.detect.AlertKind;
import io.tlsrpt.processor.detect.ReporterCadence;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The open {@code reports-stopped} incidents, read from the silence check's {@code reporter-cadence-store} (Kafka
 * Streams' interactive queries): they live there, not in {@code incident-store}, one per (domain, reporter) whose
 * alert fired and no report has resolved yet. A resolved one is not kept.
 */
public final class StoppedReporters {

    /** The silence check's store, keyed {@code policy_domain|reporter}; same partitions as the incident store. */
    public static final String STORE = SilenceStage.STORE;
    /** The pseudo result type of a reports-stopped alert. */
    public static final String RESULT_TYPE = SilenceStage.RESULT_TYPE;

    private final long windowMillis;

    public StoppedReporters(Duration windowSize) {
        this.windowMillis = windowSize.toMillis();
    }

    /**
     * One reporter stopped on one domain, with the {@code alert_id} of its alerts.
     *
     * @param lastReportWindowStart the window of its last report before it stopped
     */
    public record Stopped(String policyDomain, String reporter, String alertId, Instant lastReportWindowStart) {

        public String kind() {
            return AlertKind.REPORTS_STOPPED.code();
        }
    }

    /** Every open one in {@code store}. */
    public List<Stopped> read(ReadOnlyKeyValueStore<String, ReporterCadence> store) {
        try (KeyValueIterator<String, ReporterCadence> all = store.all()) {
            return open(all);
        }
    }

    /** The open ones of one policy domain (as the reports name it) in {@code store}. */
    public List<Stopped> read(ReadOnlyKeyValueStore<String, ReporterCadence> store, String policyDomain) {
        try (KeyValueIterator<String, ReporterCadence> ofDomain = store.prefixScan(policyDomain + "|",
                new StringSerializer())) {
            return open(ofDomain);
        }
    }

    private List<Stopped> open(KeyValueIterator<String, ReporterCadence> cadences) {
        List<Stopped> stopped = new ArrayList<>();
        while (cadences.hasNext()) {
            KeyValue<String, ReporterCadence> e = cadences.next();
            of(e.key, e.value).ifPresent(stopped::add);
        }
        return stopped;
    }

    /** The open incident a cadence of the store (key {@code domain|reporter}) stands for, if any. */
    Optional<Stopped> of(String key, ReporterCadence cadence) {
        int bar = key.indexOf('|');
        if (bar < 0 || cadence == null || cadence.silentAfter() == ReporterCadence.NOT_SILENT) {
            return Optional.empty();
        }
        String domain = key.substring(0, bar);
        String reporter = key.substring(bar + 1);
        long windowStart = cadence.silentAfter() * windowMillis;
        return Optional.of(new Stopped(domain, reporter, SilenceStage.alertId(domain, reporter, windowStart),
                Instant.ofEpochMilli(windowStart)));
    }
}
