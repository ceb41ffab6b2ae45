package io.tlsrpt.processor.topology;

import io.tlsrpt.schema.TlsReport;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage 2: one report counts once. Each decoded report is encoded once (Confluent wire format, the exact bytes
 * the reports topic gets) and re-keyed by its primary policy domain ({@link ReportRouting}) through the
 * repartition topic {@code <app>-report-by-primary-domain-repartition}: every copy of a report has the same
 * primary domain, so the copies meet on one partition. The store {@code dedup-by-domain-store} is keyed by the
 * dedup key (sha-256 of organisation, report-id and date range, so the same report by mail and by HTTPS collides),
 * taken from the header {@value ReportRouting#DEDUP_KEY_HEADER}: a duplicate is dropped without decoding it.
 * The store remembers each key with the time it first arrived (the raw record's timestamp) and a stream-time
 * punctuator forgets keys older than the retention.
 */
final class DedupStage {

    static final String ROUTE = "route-by-primary-domain";
    static final String REPARTITION = "report-by-primary-domain";
    static final String STORE = "dedup-by-domain-store";
    static final String PROCESSOR = "dedup";

    private DedupStage() {
    }

    /** The distinct reports as encoded bytes, keyed by primary domain, with the dedup key in a header. */
    static KStream<String, byte[]> apply(StreamsBuilder builder, KStream<String, TlsReport> reports,
                                         Topic<String, TlsReport> reportsTopic, Duration retention,
                                         PipelineMetrics metrics) {
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.Long()));
        Serializer<TlsReport> serializer = reportsTopic.valueSerde().serializer();
        return reports
                .process(() -> new RouteProcessor(serializer, reportsTopic.name()), Named.as(ROUTE))
                .repartition(Repartitioned.<String, byte[]>as(REPARTITION)
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.ByteArray()))
                .processValues(() -> new DedupProcessor(retention, metrics), Named.as(PROCESSOR), STORE);
    }

    /** Encodes a report once, for the reports topic, and keys it by its primary domain. */
    static final class RouteProcessor implements Processor<String, TlsReport, String, byte[]> {

        private final Serializer<TlsReport> serializer;
        private final String reportsTopic;
        private ProcessorContext<String, byte[]> context;

        RouteProcessor(Serializer<TlsReport> serializer, String reportsTopic) {
            this.serializer = serializer;
            this.reportsTopic = reportsTopic;
        }

        @Override
        public void init(ProcessorContext<String, byte[]> context) {
            this.context = context;
        }

        @Override
        public void process(Record<String, TlsReport> record) {
            TlsReport report = record.value();
            // encoded for the reports topic's subject: the reports sink writes these bytes as they are
            byte[] encoded = serializer.serialize(reportsTopic, report);
            ReportRouting.putDedupKey(record.headers(), report.getDedupKey());
            context.forward(record.withKey(ReportRouting.routingKey(report)).withValue(encoded));
        }
    }

    static final class DedupProcessor implements FixedKeyProcessor<String, byte[], byte[]> {

        private static final Logger LOG = LoggerFactory.getLogger(DedupProcessor.class);

        private final Duration retention;
        private final PipelineMetrics metrics;
        private FixedKeyProcessorContext<String, byte[]> context;
        private KeyValueStore<String, Long> seen;

        DedupProcessor(Duration retention, PipelineMetrics metrics) {
            this.retention = retention;
            this.metrics = metrics;
        }

        @Override
        public void init(FixedKeyProcessorContext<String, byte[]> context) {
            this.context = context;
            this.seen = context.getStateStore(STORE);
            Duration sweepEvery = retention.dividedBy(24).compareTo(Duration.ofMinutes(1)) < 0
                    ? Duration.ofMinutes(1) : retention.dividedBy(24);
            context.schedule(sweepEvery, PunctuationType.STREAM_TIME, this::sweep);
        }

        @Override
        public void process(FixedKeyRecord<String, byte[]> record) {
            String key = ReportRouting.dedupKey(record.headers());
            if (key == null || key.isEmpty()) {
                // the decoder always sets it; without it there is nothing to compare, so keep the report
                LOG.warn("report for {} without dedup key: not deduplicated", record.key());
                metrics.distinct();
                context.forward(record);
                return;
            }
            Long firstSeen = seen.get(key);
            if (firstSeen != null) {
                metrics.duplicate();
                LOG.debug("duplicate report {} for {} dropped (first seen at {})", key, record.key(), firstSeen);
                return;
            }
            seen.put(key, record.timestamp());
            metrics.distinct();
            context.forward(record);
        }

        private void sweep(long streamTime) {
            long cutoff = streamTime - retention.toMillis();
            int removed = 0;
            try (KeyValueIterator<String, Long> all = seen.all()) {
                while (all.hasNext()) {
                    KeyValue<String, Long> entry = all.next();
                    if (entry.value < cutoff) {
                        seen.delete(entry.key);
                        removed++;
                    }
                }
            }
            if (removed > 0) {
                LOG.debug("dedup store: forgot {} keys older than {}", removed, retention);
            }
        }
    }
}
