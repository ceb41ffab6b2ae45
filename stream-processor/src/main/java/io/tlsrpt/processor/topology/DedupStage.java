package io.tlsrpt.processor.topology;

import io.tlsrpt.schema.TlsReport;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage 2: one report counts once. Re-keyed by dedup key (sha-256 of organisation, report-id and date
 * range, so the same report by mail and by HTTPS collides) through the repartition topic
 * {@code <app>-dedup-repartition}; the first copy is kept, later ones dropped and counted. The store
 * remembers each key with the time it first arrived (the raw record's timestamp) and a stream-time
 * punctuator forgets keys older than the retention.
 */
final class DedupStage {

    static final String REPARTITION = "dedup";
    static final String STORE = "dedup-store";
    static final String PROCESSOR = "dedup";

    private DedupStage() {
    }

    static KStream<String, TlsReport> apply(StreamsBuilder builder, KStream<String, TlsReport> reports,
                                            Serde<TlsReport> reportSerde, Duration retention,
                                            PipelineMetrics metrics) {
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.Long()));
        return reports
                .repartition(Repartitioned.<String, TlsReport>as(REPARTITION)
                        .withKeySerde(Serdes.String()).withValueSerde(reportSerde))
                .processValues(() -> new DedupProcessor(retention, metrics), Named.as(PROCESSOR), STORE);
    }

    static final class DedupProcessor implements FixedKeyProcessor<String, TlsReport, TlsReport> {

        private static final Logger LOG = LoggerFactory.getLogger(DedupProcessor.class);

        private final Duration retention;
        private final PipelineMetrics metrics;
        private FixedKeyProcessorContext<String, TlsReport> context;
        private KeyValueStore<String, Long> seen;

        DedupProcessor(Duration retention, PipelineMetrics metrics) {
            this.retention = retention;
            this.metrics = metrics;
        }

        @Override
        public void init(FixedKeyProcessorContext<String, TlsReport> context) {
            this.context = context;
            this.seen = context.getStateStore(STORE);
            Duration sweepEvery = retention.dividedBy(24).compareTo(Duration.ofMinutes(1)) < 0
                    ? Duration.ofMinutes(1) : retention.dividedBy(24);
            context.schedule(sweepEvery, PunctuationType.STREAM_TIME, this::sweep);
        }

        @Override
        public void process(FixedKeyRecord<String, TlsReport> record) {
            String key = record.key();
            if (key == null || key.isEmpty()) {
                // the decoder always sets it; without it there is nothing to compare, so keep the report
                LOG.warn("report {} without dedup key: not deduplicated", record.value().getReportId());
                metrics.distinct();
                context.forward(record);
                return;
            }
            Long firstSeen = seen.get(key);
            if (firstSeen != null) {
                metrics.duplicate();
                LOG.debug("duplicate report {} from {} dropped (first seen at {})",
                        record.value().getReportId(), record.value().getOrganizationName(), firstSeen);
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
