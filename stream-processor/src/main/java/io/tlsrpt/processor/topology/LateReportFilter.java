package io.tlsrpt.processor.topology;

import io.tlsrpt.processor.decode.IsoInstants;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Just before the windowed aggregate: decides whether a contribution is on time, by two clocks. It counts when
 * it is on time by EITHER
 * <ul>
 *   <li>its arrival: the report was received ({@code provenance.received_at}) before window end + grace. A pure
 *       function of the record, so a replay or a take-over judges it as the undisturbed run did, whatever the
 *       order in which the input partitions are read;</li>
 *   <li>stream time: window end + grace is after the largest event time seen (as Kafka Streams' own rule). This
 *       keeps archive imports counting: their received_at is the import, their event time is old.</li>
 * </ul>
 * A contribution late by both is counted in the late metric and logged, and left out of the statistics. The
 * report itself is not lost: it was already written to the reports topic.
 * <p>
 * The aggregate applies Kafka Streams' rule with its close horizon (grace + max partition drift, see
 * {@link TopologySettings#windowCloseHorizon()}) and would drop silently whatever is past it; such a contribution
 * is counted and logged here instead (reason {@code beyond-drift}), even when it is on time by arrival.
 */
final class LateReportFilter implements FixedKeyProcessor<String, DomainWindow, DomainWindow> {

    static final String PROCESSOR = "late-report-filter";
    private static final Logger LOG = LoggerFactory.getLogger(LateReportFilter.class);

    private final long size;
    private final long grace;
    private final long closeHorizon;
    private final PipelineMetrics metrics;
    private FixedKeyProcessorContext<String, DomainWindow> context;
    /**
     * The largest event time seen, tracked the way the windowed aggregate tracks its own stream time (the
     * task's stream time also includes other inputs of the task, e.g. when all stages share one task in
     * TopologyTestDriver). Contributions dropped here are older than it, so the aggregate's equals it.
     */
    private long observedStreamTime = -1;

    LateReportFilter(Duration size, Duration grace, Duration closeHorizon, PipelineMetrics metrics) {
        this.size = size.toMillis();
        this.grace = grace.toMillis();
        this.closeHorizon = closeHorizon.toMillis();
        this.metrics = metrics;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, DomainWindow> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, DomainWindow> record) {
        long windowStart = record.timestamp() - Math.floorMod(record.timestamp(), size);
        long windowEnd = windowStart + size;
        observedStreamTime = Math.max(observedStreamTime, record.timestamp());
        long streamTime = observedStreamTime;
        Instant receivedAt = receivedAt(record);
        if (windowEnd + closeHorizon <= streamTime) {
            metrics.late(PipelineMetrics.LATE_BEYOND_DRIFT);
            LOG.warn("late report for {} (window {} past the aggregate's close horizon: stream time {}, grace +"
                            + " max partition drift {} ms, received {}): kept in the reports topic, not counted in"
                            + " statistics", record.key(), Instant.ofEpochMilli(windowStart),
                    Instant.ofEpochMilli(streamTime), closeHorizon, receivedAt);
            return;
        }
        boolean onTimeByStreamTime = windowEnd + grace > streamTime;
        boolean onTimeByArrival = receivedAt != null && receivedAt.toEpochMilli() < windowEnd + grace;
        if (!onTimeByStreamTime && !onTimeByArrival) {
            metrics.late(PipelineMetrics.LATE_WINDOW_CLOSED);
            LOG.warn("late report for {} (window {} closed: stream time {}, received {}, grace {} ms): kept in the"
                            + " reports topic, not counted in statistics", record.key(),
                    Instant.ofEpochMilli(windowStart), Instant.ofEpochMilli(streamTime), receivedAt, grace);
            return;
        }
        // the arrival header has served: the aggregate, its changelog and the statistics and alerts built from
        // many reports carry no per-report headers
        context.forward(record.withHeaders(new RecordHeaders()));
    }

    /** The contribution's arrival ({@link ReportExplode#RECEIVED_AT}); null when absent or unreadable. */
    private static Instant receivedAt(FixedKeyRecord<String, DomainWindow> record) {
        Header h = record.headers().lastHeader(ReportExplode.RECEIVED_AT);
        if (h == null || h.value() == null) {
            return null;
        }
        String value = new String(h.value(), StandardCharsets.UTF_8);
        try {
            return IsoInstants.parse(value);
        } catch (DateTimeParseException e) {
            LOG.debug("unreadable {} header '{}' on {}: judged by stream time only", ReportExplode.RECEIVED_AT,
                    value, record.key(), e);
            return null;
        }
    }
}
