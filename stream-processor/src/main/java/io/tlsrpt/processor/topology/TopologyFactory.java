package io.tlsrpt.processor.topology;

import io.tlsrpt.processor.decode.ReportDecoder;
import io.tlsrpt.schema.Alert;
import io.tlsrpt.schema.TlsReport;
import java.time.Clock;
import java.util.Properties;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.UsePartitionTimeOnInvalidTimestamp;

/**
 * Wires the stages:
 * <pre>
 * raw -> decode --rejected--> dead-letter
 *          '-> [dedup-repartition] -> dedup (dedup-store) -> reports
 *                 '-> explode by domain -> [by-domain-repartition] -> late filter
 *                       -> windowed aggregate (domain-window-store) -> failure-stats
 *                             '-> detect (domain-window-store, incident-store) -> alerts, alerts.json
 * </pre>
 * Every processor, store and internal topic has an explicit name (the app runs with
 * {@code ensure.explicit.internal.resource.naming=true}, which refuses generated names).
 */
public final class TopologyFactory {

    private TopologyFactory() {
    }

    public static Topology buildTopology(TopologySettings settings, ReportDecoder decoder, PipelineMetrics metrics,
                                         Clock clock) {
        Topics topics = new Topics(settings.topics(), settings.registryUrl());
        StreamsBuilder builder = new StreamsBuilder();

        KStream<String, byte[]> raw = builder.stream(topics.raw.name(), topics.raw.consumed("raw-source")
                .withTimestampExtractor(new UsePartitionTimeOnInvalidTimestamp()));
        KStream<String, TlsReport> decoded = DecodeStage.apply(raw, topics, decoder, metrics, clock);

        KStream<String, TlsReport> distinct = DedupStage.apply(builder, decoded, topics.reports.valueSerde(),
                settings.dedupRetention(), metrics);
        distinct.to(topics.reports.name(), topics.reports.produced("reports-sink"));

        KStream<Windowed<String>, DomainWindow> windows = AggregateStage.apply(distinct, settings, metrics);
        windows.flatMap((key, window) -> AggregateStage.stats(key, window, settings.topN(), clock),
                        Named.as("failure-stats"))
                .to(topics.failureStats.name(), topics.failureStats.produced("failure-stats-sink"));

        KStream<String, Alert> alerts = DetectStage.apply(builder, windows, settings, metrics, clock);
        EmitStage.apply(alerts, topics);
        // refuse any generated name for a store, repartition or changelog topic (they would change with the
        // topology and orphan state on upgrade)
        Properties naming = new Properties();
        naming.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        return builder.build(naming);
    }
}
