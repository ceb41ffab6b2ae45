package io.tlsrpt.processor.topology;

import io.tlsrpt.processor.decode.ReportDecoder;
import io.tlsrpt.schema.Alert;
import io.tlsrpt.schema.TlsReport;
import java.time.Clock;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.UsePartitionTimeOnInvalidTimestamp;

/**
 * Wires the stages:
 * <pre>
 * raw -> decode --rejected--> dead-letter
 *          '-> encode once, key := primary policy domain
 *                -> [report-by-primary-domain-repartition] -> dedup (dedup-by-domain-store, keyed by dedup key)
 *                      |-> key := dedup key -> reports (the bytes encoded above)
 *                      '-> explode by domain (decode once)
 *                            |-> primary domain's contribution (same key, same partition) ------------> merge
 *                            '-> other domains' contributions -> [by-other-domain-repartition] ------> merge
 *                                  merge |-> late filter -> windowed aggregate (domain-window-store) -> failure-stats
 *                                        |     |-> domain-stats
 *                                        |     '-> detect (domain-window-store, incident-store) ------------> alerts
 *                                        '-> reporter silence (reporter-cadence-store, wall-clock check) --> alerts
 *                                  alerts -> tlsrpt.alerts, tlsrpt.alerts.json
 * </pre>
 * Two sub-topologies: decode, and everything after the first repartition. A single-domain report (nearly all)
 * crosses one repartition topic; only the non-primary domains of a multi-domain report cross the second, which
 * the same sub-topology reads back. Both repartition topics are keyed by domain with the default partitioner and
 * get the same partition count, so a domain's contributions reach the same task by either path.
 * Every processor, store and internal topic has an explicit name (the app runs with
 * {@code ensure.explicit.internal.resource.naming=true}, which refuses generated names).
 */
public final class TopologyFactory {

    /** The spike alerts and the reports-stopped alerts, merged for the alert topics. */
    static final String ALERTS = "all-alerts";

    private TopologyFactory() {
    }

    /**
     * The window store's changelog and the topic configs it must have, for an existing one created by an earlier
     * version (Kafka Streams applies its configs only when it creates a changelog).
     */
    public static String windowStoreChangelog(String applicationId) {
        return AggregateStage.changelogTopic(applicationId);
    }

    public static Map<String, String> windowStoreChangelogConfig() {
        return AggregateStage.CHANGELOG_CONFIG;
    }

    public static Topology buildTopology(TopologySettings settings, ReportDecoder decoder, PipelineMetrics metrics,
                                         Clock clock) {
        return buildTopology(settings, decoder, metrics, clock, TopologyDepth.FULL);
    }

    /** The topology up to {@code depth}: {@link TopologyDepth#FULL} is what the processor runs. */
    public static Topology buildTopology(TopologySettings settings, ReportDecoder decoder, PipelineMetrics metrics,
                                         Clock clock, TopologyDepth depth) {
        return buildTopology(settings, decoder, metrics, clock, depth, new OpenStops(settings.windowSize()),
                new WindowChanges());
    }

    /**
     * The same, with the open reports-stopped incidents of the instance's tasks kept in {@code openStops} and the
     * updates of its windows counted in {@code windowChanges}, for the HTTP queries.
     */
    public static Topology buildTopology(TopologySettings settings, ReportDecoder decoder, PipelineMetrics metrics,
                                         Clock clock, TopologyDepth depth, OpenStops openStops,
                                         WindowChanges windowChanges) {
        Topics topics = new Topics(settings.topics(), settings.registryUrl());
        StreamsBuilder builder = new StreamsBuilder();

        KStream<String, byte[]> raw = builder.stream(topics.raw.name(), topics.raw.consumed("raw-source")
                .withTimestampExtractor(new UsePartitionTimeOnInvalidTimestamp()));
        if (depth == TopologyDepth.COPY) {
            // the bench's copy reads no header: its records count under the unknown source
            raw.peek((key, value) -> metrics.rawRecord(null), Named.as("count-raw"))
                    .to(topics.reports.name(), Produced.with(Serdes.String(), Serdes.ByteArray())
                            .withName(ReportsSink.SINK));
            return build(builder);
        }
        KStream<String, TlsReport> decoded = DecodeStage.apply(raw, topics, decoder, settings, metrics, clock);
        if (depth == TopologyDepth.DECODE) {
            decoded.to(topics.reports.name(), topics.reports.produced(ReportsSink.SINK));
            return build(builder);
        }

        KStream<String, byte[]> distinct = DedupStage.apply(builder, decoded, topics.reports,
                settings.dedupRetention(), metrics);
        ReportsSink.apply(distinct, topics);
        if (depth == TopologyDepth.DEDUP) {
            return build(builder);
        }

        KStream<String, DomainWindow> contributions = AggregateStage.contributions(distinct, topics.reports,
                settings.servedDomains(), metrics);
        KStream<Windowed<String>, DomainWindow> windows = AggregateStage.apply(contributions, settings, metrics);
        StatisticsStage.apply(windows, topics, settings, clock, windowChanges);

        KStream<String, Alert> alerts = DetectStage.apply(builder, windows, settings, metrics, clock);
        KStream<String, Alert> stopped = SilenceStage.apply(builder, contributions, settings, metrics, clock,
                openStops);
        EmitStage.apply(alerts.merge(stopped, Named.as(ALERTS)), topics, settings.servedDomains(), metrics);
        return build(builder);
    }

    private static Topology build(StreamsBuilder builder) {
        // refuse any generated name for a store, repartition or changelog topic (they would change with the
        // topology and orphan state on upgrade)
        Properties naming = new Properties();
        naming.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        return builder.build(naming);
    }
}
