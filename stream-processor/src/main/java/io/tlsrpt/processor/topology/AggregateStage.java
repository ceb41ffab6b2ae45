package io.tlsrpt.processor.topology;

import io.tlsrpt.processor.detect.PolicyEnforcement;
import io.tlsrpt.processor.served.ServedDomains;
import io.tlsrpt.schema.CountedValue;
import io.tlsrpt.schema.FailureStats;
import io.tlsrpt.schema.TlsReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Stage 4: per policy domain, event-time tumbling windows on the report's start. The window store
 * {@code domain-window-store} holds a {@link DomainWindow} per (domain, window) and keeps
 * {@code (baselineWindows + 1) * size + grace + maxPartitionDrift} of history: the detector reads its baseline
 * (the {@code baselineWindows} windows before the one updated) from it, and a window can be updated until
 * {@code grace + maxPartitionDrift} after its end.
 * Every update is also published as one {@link FailureStats} per result type failing in the window.
 */
final class AggregateStage {

    static final String REPARTITION = "by-other-domain";
    static final String MERGE = "contributions-by-domain";
    static final String GROUPED = "by-domain-grouped";
    static final String STORE = "domain-window-store";
    static final String AGGREGATE = "domain-window-aggregate";

    static final String STAMP = "stamp-window-start";

    /**
     * The window store's changelog counts its retention from when a window was written, not from the window's
     * event time. Kafka Streams gives a windowed changelog {@code cleanup.policy=compact,delete} with
     * {@code retention.ms} = store retention + 1 day, and the broker applies it to record timestamps: with the
     * event-time timestamps Kafka Streams writes by default, the windows of a backlog or an archive (dated more
     * than that back) were deleted as soon as their segment rolled, and a restore (a take-over, a new machine)
     * came back without them. With the broker's append time they stay for the retention after their last update.
     */
    static final Map<String, String> CHANGELOG_CONFIG =
            Map.of(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, TimestampType.LOG_APPEND_TIME.name);

    /** Binary; still reads the JSON windows of earlier versions (see {@link DomainWindowSerde}). */
    static final Serde<DomainWindow> WINDOW_SERDE = DomainWindowSerde.serde();

    private AggregateStage() {
    }

    /**
     * Each distinct report's contribution per policy domain, keyed by the domain and timestamped with the report's
     * start. The input is the distinct reports keyed by primary domain, as encoded bytes: the primary domain's
     * contribution stays on its partition, only the other domains of a multi-domain report cross the repartition
     * topic {@code <app>-by-other-domain-repartition}. Both repartition topics are keyed by the domain with the
     * default partitioner and have the same number of partitions, so a domain's contributions meet in one task
     * either way.
     */
    static KStream<String, DomainWindow> contributions(KStream<String, byte[]> distinctReports,
                                                       Topic<String, TlsReport> reportsTopic,
                                                       Supplier<ServedDomains> servedDomains,
                                                       PipelineMetrics metrics) {
        Deserializer<TlsReport> deserializer = reportsTopic.valueSerde().deserializer();
        KStream<String, ReportExplode.Exploded> exploded = distinctReports.processValues(
                () -> new ReportExplode(deserializer, reportsTopic.name(), servedDomains, metrics),
                Named.as(ReportExplode.PROCESSOR));
        // processValues keeps the key, so the DSL adds no repartition for the primary domain's contribution
        KStream<String, DomainWindow> primary = exploded.processValues(ReportExplode.Primary::new,
                Named.as(ReportExplode.PRIMARY));
        KStream<String, DomainWindow> others = exploded.process(ReportExplode.Others::new,
                        Named.as(ReportExplode.OTHERS))
                .repartition(Repartitioned.<String, DomainWindow>as(REPARTITION)
                        .withKeySerde(Serdes.String()).withValueSerde(WINDOW_SERDE));
        return primary.merge(others, Named.as(MERGE));
    }

    /** The windowed aggregate's change stream: (domain, window) -> the window's running value. */
    static KStream<Windowed<String>, DomainWindow> apply(KStream<String, DomainWindow> contributions,
                                                         TopologySettings settings, PipelineMetrics metrics) {
        // the aggregate closes windows at grace + max partition drift, not at grace: LateReportFilter applies the
        // grace by two clocks (arrival, stream time) and lets through reports on time by arrival that the stream
        // time, driven by the fastest input partition, would call late
        TimeWindows windows = TimeWindows.ofSizeAndGrace(settings.windowSize(), settings.windowCloseHorizon());
        return contributions
                .processValues(() -> new LateReportFilter(settings.windowSize(), settings.grace(),
                                settings.windowCloseHorizon(), metrics),
                        Named.as(LateReportFilter.PROCESSOR))
                .groupByKey(Grouped.with(GROUPED, Serdes.String(), WINDOW_SERDE))
                .windowedBy(windows)
                .aggregate(DomainWindow::empty, (domain, contribution, window) -> window.merge(contribution),
                        Named.as(AGGREGATE),
                        Materialized.<String, DomainWindow, WindowStore<Bytes, byte[]>>as(STORE)
                                .withKeySerde(Serdes.String()).withValueSerde(WINDOW_SERDE)
                                .withRetention(storeRetention(settings))
                                .withLoggingEnabled(CHANGELOG_CONFIG)
                                // no record cache: a cache flush forwards the windows to the detector, which reads
                                // this store while holding the cache's lock, and a query of the HTTP threads reads
                                // it holding the store's lock, then wants the cache's: the two deadlocked (seen in
                                // DomainQueryIT, the stream thread stopped for good)
                                .withCachingDisabled())
                .toStream(Named.as("domain-window-updates"))
                .processValues(WindowStartTimestamp::new, Named.as(STAMP));
    }

    /** The window store's changelog topic. */
    static String changelogTopic(String applicationId) {
        return applicationId + "-" + STORE + "-changelog";
    }

    /**
     * Timestamps a window update with its window's start. Kafka Streams stamps it with the newest timestamp of the
     * window's stored value and the contribution, and a window restored from its changelog carries the broker's
     * append time (see {@link #CHANGELOG_CONFIG}); the statistics keep their event time either way.
     */
    static final class WindowStartTimestamp
            implements FixedKeyProcessor<Windowed<String>, DomainWindow, DomainWindow> {

        private FixedKeyProcessorContext<Windowed<String>, DomainWindow> context;

        @Override
        public void init(FixedKeyProcessorContext<Windowed<String>, DomainWindow> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<Windowed<String>, DomainWindow> record) {
            context.forward(record.withTimestamp(record.key().window().start()));
        }
    }

    static Duration storeRetention(TopologySettings settings) {
        return settings.windowSize().multipliedBy(settings.detector().baselineWindows() + 1L)
                .plus(settings.windowCloseHorizon());
    }

    /**
     * One FailureStats per result type failing in the window.
     *
     * @param tenant the domain's tenant as the served-domains list in force names it; null for none
     */
    static List<KeyValue<String, FailureStats>> stats(Windowed<String> key, DomainWindow window, int topN,
                                                      String tenant, Clock clock) {
        List<KeyValue<String, FailureStats>> out = new ArrayList<>();
        if (window == null) {
            return out;
        }
        Instant updated = clock.instant();
        for (Map.Entry<String, TypeCounts> e : window.failures().entrySet()) {
            if (e.getKey().equals(PolicyEnforcement.NOT_ENFORCED)) {
                continue; // sessions that did not fail: the statistics are of failures
            }
            TypeCounts counts = e.getValue();
            FailureStats stats = FailureStats.newBuilder()
                    .setPolicyDomain(key.key())
                    .setResultType(e.getKey())
                    .setWindowStart(key.window().startTime())
                    .setWindowEnd(key.window().endTime())
                    .setFailedSessions(counts.failed())
                    .setTotalSessions(Math.max(window.totalSessions(), counts.failed()))
                    .setReports(window.reports())
                    .setReporters(List.copyOf(counts.reporters()))
                    .setTopSendingIps(counted(counts.sendingIps(), topN))
                    .setTopReceivingMx(counted(counts.receivingMx(), topN))
                    .setUpdatedAt(updated)
                    .setTenant(tenant)
                    .build();
            out.add(KeyValue.pair(key.key() + "|" + e.getKey(), stats));
        }
        return out;
    }

    private static List<CountedValue> counted(Map<String, Long> counts, int topN) {
        return Caps.top(counts, topN).stream().map(e -> new CountedValue(e.getKey(), e.getValue())).toList();
    }
}
