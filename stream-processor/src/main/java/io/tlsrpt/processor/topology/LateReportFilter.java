package io.tlsrpt.processor.topology;

import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Just before the windowed aggregate: a contribution whose window closed (window end + grace at or before
 * stream time) would be dropped silently by the aggregate. It is counted and logged here instead. The report
 * itself is not lost: it was already written to the reports topic.
 */
final class LateReportFilter implements FixedKeyProcessor<String, DomainWindow, DomainWindow> {

    static final String PROCESSOR = "late-report-filter";
    private static final Logger LOG = LoggerFactory.getLogger(LateReportFilter.class);

    private final long size;
    private final long grace;
    private final PipelineMetrics metrics;
    private FixedKeyProcessorContext<String, DomainWindow> context;
    /**
     * The largest event time seen, tracked the way the windowed aggregate tracks its own stream time (the
     * task's stream time also includes other inputs of the task, e.g. when all stages share one task in
     * TopologyTestDriver).
     */
    private long observedStreamTime = -1;

    LateReportFilter(Duration size, Duration grace, PipelineMetrics metrics) {
        this.size = size.toMillis();
        this.grace = grace.toMillis();
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
        if (windowEnd + grace <= streamTime) {
            metrics.late();
            LOG.warn("late report for {} (window {} closed: stream time {}, grace {} ms): kept in the reports topic,"
                            + " not counted in statistics", record.key(), Instant.ofEpochMilli(windowStart),
                    Instant.ofEpochMilli(streamTime), grace);
            return;
        }
        context.forward(record);
    }
}
