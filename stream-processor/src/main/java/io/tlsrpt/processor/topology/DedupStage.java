package io.tlsrpt.processor.topology;

import io.tlsrpt.schema.TlsReport;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
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
 * The store remembers each key with the time it first arrived (the raw record's timestamp) and the report's
 * {@link ReportFingerprint}, and a stream-time punctuator forgets keys older than the retention.
 *
 * <p>A report under the dedup key of an earlier one but with another fingerprint is another report, not a copy:
 * report-ids are predictable and reports are not authenticated, so a forgery sent first must not keep the real
 * report out. It counts too, under the key {@code <dedup key>|<fingerprint in hex>} (in the store and in the
 * reports topic, whose compaction would otherwise keep only one of them), with the metric
 * {@value PipelineMetrics#CONFLICTING_REPORTS} and a warning. Its own copies are then duplicates of it.
 */
final class DedupStage {

    static final String ROUTE = "route-by-primary-domain";
    static final String REPARTITION = "report-by-primary-domain";
    static final String STORE = "dedup-by-domain-store";
    static final String PROCESSOR = "dedup";
    /** Between the dedup key and the fingerprint in the key of a report that conflicts with an earlier one. */
    static final String VARIANT_SEPARATOR = "|";

    private DedupStage() {
    }

    /** The distinct reports as encoded bytes, keyed by primary domain, with the dedup key in a header. */
    static KStream<String, byte[]> apply(StreamsBuilder builder, KStream<String, TlsReport> reports,
                                         Topic<String, TlsReport> reportsTopic, Duration retention,
                                         PipelineMetrics metrics) {
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(STORE), Serdes.String(), DedupEntry.serde()));
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
            ReportRouting.putFingerprint(record.headers(), ReportFingerprint.of(report));
            context.forward(record.withKey(ReportRouting.routingKey(report)).withValue(encoded));
        }
    }

    static final class DedupProcessor implements FixedKeyProcessor<String, byte[], byte[]> {

        private static final Logger LOG = LoggerFactory.getLogger(DedupProcessor.class);

        private final Duration retention;
        private final PipelineMetrics metrics;
        private FixedKeyProcessorContext<String, byte[]> context;
        private KeyValueStore<String, DedupEntry> seen;

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
            byte[] fingerprint = ReportRouting.takeFingerprint(record.headers());
            String key = ReportRouting.dedupKey(record.headers());
            if (key == null || key.isEmpty()) {
                // the decoder always sets it; without it there is nothing to compare, so keep the report
                LOG.warn("report for {} without dedup key: not deduplicated", record.key());
                metrics.distinct();
                context.forward(record);
                return;
            }
            DedupEntry first = seen.get(key);
            if (first == null) {
                seen.put(key, new DedupEntry(record.timestamp(), fingerprint));
                metrics.distinct();
                context.forward(record);
                return;
            }
            // an entry or a record of an earlier version has no fingerprint: a copy, as it was for that version
            if (!first.differsFrom(fingerprint)) {
                dropDuplicate(key, record, first);
                return;
            }
            String variant = variantKey(key, fingerprint);
            DedupEntry earlier = seen.get(variant);
            if (earlier != null) {
                dropDuplicate(variant, record, earlier);
                return;
            }
            seen.put(variant, new DedupEntry(record.timestamp(), fingerprint));
            // the identity's first entry is what leads a copy to its variant: forget it no earlier than the variant
            if (record.timestamp() > first.firstSeen()) {
                seen.put(key, new DedupEntry(record.timestamp(), first.fingerprint()));
            }
            metrics.conflictingReport();
            metrics.distinct();
            LOG.warn("a report for {} has the organisation, report-id and date range (dedup key {}) of another "
                    + "report first seen at {}, but other contents: both count, this one keyed {} in the reports "
                    + "topic. A forgery sent first, or a sender that reissued its report.", record.key(), key,
                    Instant.ofEpochMilli(first.firstSeen()), variant);
            ReportRouting.putDedupKey(record.headers(), variant);
            context.forward(record);
        }

        private void dropDuplicate(String key, FixedKeyRecord<String, byte[]> record, DedupEntry first) {
            metrics.duplicate();
            LOG.debug("duplicate report {} for {} dropped (first seen at {})", key, record.key(),
                    Instant.ofEpochMilli(first.firstSeen()));
        }

        static String variantKey(String dedupKey, byte[] fingerprint) {
            return dedupKey + VARIANT_SEPARATOR + HexFormat.of().formatHex(fingerprint);
        }

        private void sweep(long streamTime) {
            long cutoff = streamTime - retention.toMillis();
            int removed = 0;
            try (KeyValueIterator<String, DedupEntry> all = seen.all()) {
                while (all.hasNext()) {
                    KeyValue<String, DedupEntry> entry = all.next();
                    if (entry.value.firstSeen() < cutoff) {
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
