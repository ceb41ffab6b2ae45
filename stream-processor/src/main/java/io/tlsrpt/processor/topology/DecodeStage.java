package io.tlsrpt.processor.topology;

import io.tlsrpt.processor.decode.DecodeHints;
import io.tlsrpt.processor.decode.DecodeResult;
import io.tlsrpt.processor.decode.Deviation;
import io.tlsrpt.processor.decode.IsoInstants;
import io.tlsrpt.processor.decode.RejectReason;
import io.tlsrpt.processor.decode.ReportDecoder;
import io.tlsrpt.processor.served.ServedDomains;
import io.tlsrpt.schema.TlsReport;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage 1: raw bytes to reports. The Processor API gives the record's source topic, partition and offset,
 * which a rejected record carries to the dead-letter topic together with its original bytes and headers.
 */
final class DecodeStage {

    /** The header {@code tlsrpt dead-letters --replay-to} adds to a dead letter written back to the raw topic. */
    static final String REPLAYED_FROM = "tlsrpt.replayed-from";

    static final String PROCESSOR = "decode";

    private DecodeStage() {
    }

    /** Returns the decoded reports keyed by dedup key; rejections go to the dead-letter topic. */
    static KStream<String, TlsReport> apply(KStream<String, byte[]> raw, Topics topics, ReportDecoder decoder,
                                            TopologySettings settings, PipelineMetrics metrics, Clock clock) {
        Map<String, KStream<String, DecodeOutcome>> branches = raw
                .process(() -> new DecodeProcessor(decoder, settings.maxReportAhead(), settings.servedDomains(),
                        settings.mailDkimRequired(), metrics, clock), Named.as(PROCESSOR))
                .split(Named.as("decode-"))
                .branch((key, outcome) -> outcome instanceof DecodeOutcome.Rejected, Branched.as("rejected"))
                .defaultBranch(Branched.as("reports"));
        branches.get("decode-rejected")
                .mapValues(outcome -> ((DecodeOutcome.Rejected) outcome).raw(), Named.as("dead-letter-bytes"))
                .to(topics.deadLetter.name(), topics.deadLetter.produced("dead-letter-sink"));
        return branches.get("decode-reports")
                .mapValues(outcome -> ((DecodeOutcome.Report) outcome).report(), Named.as("decoded-reports"));
    }

    static final class DecodeProcessor implements Processor<String, byte[], String, DecodeOutcome> {

        private static final Logger LOG = LoggerFactory.getLogger(DecodeProcessor.class);

        private final ReportDecoder decoder;
        private final Duration maxReportAhead;
        private final Supplier<ServedDomains> servedDomains;
        private final boolean mailDkimRequired;
        private final PipelineMetrics metrics;
        private final Clock clock;
        private ProcessorContext<String, DecodeOutcome> context;

        DecodeProcessor(ReportDecoder decoder, Duration maxReportAhead, Supplier<ServedDomains> servedDomains,
                        boolean mailDkimRequired, PipelineMetrics metrics, Clock clock) {
            this.decoder = decoder;
            this.maxReportAhead = maxReportAhead;
            this.servedDomains = servedDomains;
            this.mailDkimRequired = mailDkimRequired;
            this.metrics = metrics;
            this.clock = clock;
        }

        @Override
        public void init(ProcessorContext<String, DecodeOutcome> context) {
            this.context = context;
        }

        @Override
        public void process(Record<String, byte[]> record) {
            byte[] raw = record.value() == null ? new byte[0] : record.value();
            DecodeHints hints = hints(record.key(), record.headers(), raw);
            if (record.headers().lastHeader(REPLAYED_FROM) == null) {
                metrics.rawRecord(hints.source(), record.timestamp(), clock.millis());
            } else {
                // a dead letter replayed keeps its first arrival's timestamp: its age is not how far behind we read
                metrics.rawRecord(hints.source());
            }
            DecodeResult result = decoder.decode(raw, hints);
            if (result instanceof DecodeResult.Decoded decoded && !decoded.reports().isEmpty()) {
                String ahead = datedAhead(decoded.reports(),
                        hints.receivedAt() != null ? hints.receivedAt() : Instant.ofEpochMilli(record.timestamp()));
                if (ahead != null) {
                    reject(record, raw, RejectReason.FUTURE_DATE_RANGE.code(), ahead);
                    return;
                }
                String unsigned = mailDkimRequired ? MailDkimPolicy.rejection(decoded.reports()) : null;
                if (unsigned != null) {
                    reject(record, raw, RejectReason.DKIM_FAILED.code(), unsigned);
                    return;
                }
                String unserved = ServedDomainPolicy.rejection(decoded.reports(), servedDomains.get());
                if (unserved != null) {
                    reject(record, raw, RejectReason.UNSERVED_POLICY_DOMAIN.code(), unserved);
                    return;
                }
                boolean partSkipped = false;
                for (TlsReport report : decoded.reports()) {
                    metrics.decoded();
                    report.getDeviations().forEach(metrics::deviation);
                    partSkipped |= report.getDeviations().contains(Deviation.UNDECODABLE_PART_SKIPPED.code());
                    context.forward(record.withKey(report.getDedupKey())
                            .withValue(new DecodeOutcome.Report(report))
                            .withHeaders(copy(record.headers())));
                }
                if (partSkipped) {
                    // the part that could not be decoded is not dropped without a trace: the whole input goes to
                    // the dead letters too, with its bytes (replayed, its decoded reports are duplicates, dropped)
                    deadLetter(record, raw, Deviation.UNDECODABLE_PART_SKIPPED.code(), "a report part or archive"
                            + " entry of this input could not be decoded and was skipped; its other "
                            + decoded.reports().size() + " report(s) were decoded and counted");
                }
            } else {
                String reason;
                String message;
                if (result instanceof DecodeResult.Rejected rejected) {
                    reason = rejected.reason().code();
                    message = rejected.message();
                } else {
                    reason = "no-report-found";
                    message = "the decoder found no report";
                }
                reject(record, raw, reason, message);
            }
        }

        /**
         * Why one of the reports cannot be windowed, or null. A report is dated by its start, and its event time
         * becomes the by-domain path's stream time: one dated years ahead (a wrong clock, a forged POST to the
         * public intake) would close every real window of its partition as late and expire their baselines, so
         * that a downgrade there went unseen. The whole input goes to the dead letters, with its bytes.
         */
        private String datedAhead(List<TlsReport> reports, Instant arrival) {
            Instant latestStart = arrival.plus(maxReportAhead);
            for (TlsReport report : reports) {
                if (report.getStart().isAfter(latestStart)) {
                    return "report " + report.getReportId() + " of " + report.getOrganizationName() + " starts at "
                            + report.getStart() + ", after its arrival at " + arrival + " + window.max.report.ahead "
                            + maxReportAhead + ": counted, it would carry stream time past every real window";
                }
            }
            return null;
        }

        private void reject(Record<String, byte[]> record, byte[] raw, String reason, String message) {
            metrics.rejected(reason);
            deadLetter(record, raw, reason, message);
        }

        private void deadLetter(Record<String, byte[]> record, byte[] raw, String reason, String message) {
            metrics.deadLetter(DeadLetters.STAGE_DECODE, reason);
            RecordMetadata meta = context.recordMetadata().orElse(null);
            Headers headers = DeadLetters.annotate(copy(record.headers()), DeadLetters.STAGE_DECODE, reason, message,
                    meta == null ? null : meta.topic(), meta == null ? null : meta.partition(),
                    meta == null ? null : meta.offset(), raw, clock.instant());
            LOG.info("dead letter of raw record {} ({}): {}", record.key(), reason, message);
            context.forward(record.withValue(new DecodeOutcome.Rejected(record.value())).withHeaders(headers));
        }

        private static Headers copy(Headers headers) {
            RecordHeaders copy = new RecordHeaders();
            for (Header h : headers) {
                copy.add(h.key(), h.value());
            }
            return copy;
        }

        static DecodeHints hints(String key, Headers headers, byte[] raw) {
            String receivedAt = header(headers, "tlsrpt.received-at");
            Instant received = null;
            if (receivedAt != null) {
                try {
                    received = IsoInstants.parse(receivedAt.trim());
                } catch (DateTimeParseException e) {
                    LOG.debug("unparsable tlsrpt.received-at {} on record {}", receivedAt, key);
                }
            }
            String sha = isSha256Hex(key) ? key : sha256(raw);
            return new DecodeHints(header(headers, "content-type"), header(headers, "tlsrpt.file-name"),
                    header(headers, "tlsrpt.source"), received, header(headers, "tlsrpt.origin"), sha,
                    header(headers, MailDkimPolicy.HEADER));
        }

        /** The connector keys raw records by the SHA-256 of their bytes: 64 lower-case hex digits. */
        private static boolean isSha256Hex(String key) {
            if (key == null || key.length() != 64) {
                return false;
            }
            for (int i = 0; i < 64; i++) {
                char c = key.charAt(i);
                if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                    return false;
                }
            }
            return true;
        }

        private static String header(Headers headers, String name) {
            Header h = headers.lastHeader(name);
            return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
        }

        private static String sha256(byte[] raw) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is required by every JVM", e);
            }
        }
    }
}
