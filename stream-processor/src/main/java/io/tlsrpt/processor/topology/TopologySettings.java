package io.tlsrpt.processor.topology;

import io.tlsrpt.processor.detect.DetectorSettings;
import io.tlsrpt.processor.detect.SilenceSettings;
import io.tlsrpt.processor.served.ServedDomains;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What the topology needs from the configuration (the app's ProcessorConfig builds it). Kept apart from
 * the app package so the topology does not depend on how configuration is read.
 *
 * @param topics            external topic names
 * @param registryUrl       schema registry URL for the Avro topics ({@code mock://scope} in tests)
 * @param windowSize        aggregation window size (event time)
 * @param grace             how long after a window's end late reports are still counted
 * @param maxPartitionDrift how far (event time) the by-domain task's stream time may run ahead of a report that
 *                          is still on time by its arrival: the windowed aggregate keeps its windows open for
 *                          {@code grace + maxPartitionDrift} so such a report is not dropped by the aggregate
 * @param maxReportAhead    how far a report's start may lie after its arrival: a report dated further ahead is
 *                          dead-lettered ({@code future-date-range}) rather than let its event time carry the
 *                          by-domain path's stream time past every real window
 * @param dedupRetention    how long a report's dedup key is remembered (arrival time)
 * @param topN              how many sending IPs / MX hosts the statistics and alerts list
 * @param detector          spike rule thresholds
 * @param servedDomains     the policy domains reports are accepted for, read for every report (the processor
 *                          re-reads {@code served.domains.file} in the background); a report about none of them is
 *                          dead-lettered ({@code unserved-policy-domain}); each alert carries the tenant the list
 *                          names for its domain
 * @param mailDkimRequired  a mail report counts only with the connector's DKIM pass by its reporting domain; other
 *                          mails are dead-lettered ({@code dkim-failed})
 * @param silence           when a reporter that reported on a domain regularly counts as stopped (reports-stopped
 *                          alerts, {@link SilenceStage})
 */
public record TopologySettings(TopicNames topics, String registryUrl, Duration windowSize, Duration grace,
                               Duration maxPartitionDrift, Duration maxReportAhead, Duration dedupRetention, int topN,
                               DetectorSettings detector, Supplier<ServedDomains> servedDomains,
                               boolean mailDkimRequired, SilenceSettings silence) {

    public TopologySettings {
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(registryUrl, "registryUrl");
        Objects.requireNonNull(detector, "detector");
        Objects.requireNonNull(servedDomains, "servedDomains");
        Objects.requireNonNull(silence, "silence");
        if (windowSize.isNegative() || windowSize.isZero()) {
            throw new IllegalArgumentException("window size must be positive");
        }
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace must not be negative");
        }
        if (maxPartitionDrift.isNegative()) {
            throw new IllegalArgumentException("max partition drift must not be negative");
        }
        if (maxReportAhead.isNegative()) {
            throw new IllegalArgumentException("max report ahead must not be negative");
        }
        if (dedupRetention.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException("dedup retention must be at least one minute");
        }
        if (topN < 1) {
            throw new IllegalArgumentException("topN must be >= 1");
        }
    }

    /**
     * Settings that serve every policy domain (no list), count mails without a DKIM verdict and watch reporters
     * with the default silence settings.
     */
    public TopologySettings(TopicNames topics, String registryUrl, Duration windowSize, Duration grace,
                            Duration maxPartitionDrift, Duration maxReportAhead, Duration dedupRetention, int topN,
                            DetectorSettings detector) {
        this(topics, registryUrl, windowSize, grace, maxPartitionDrift, maxReportAhead, dedupRetention, topN, detector,
                () -> ServedDomains.ALL, false, SilenceSettings.defaults());
    }

    /** These settings, accepting reports about the domains {@code served} gives. */
    public TopologySettings withServedDomains(Supplier<ServedDomains> served) {
        return new TopologySettings(topics, registryUrl, windowSize, grace, maxPartitionDrift, maxReportAhead,
                dedupRetention, topN, detector, served, mailDkimRequired, silence);
    }

    /** These settings, counting mail reports only with a DKIM pass by their reporting domain, or not. */
    public TopologySettings withMailDkimRequired(boolean required) {
        return new TopologySettings(topics, registryUrl, windowSize, grace, maxPartitionDrift, maxReportAhead,
                dedupRetention, topN, detector, servedDomains, required, silence);
    }

    /** These settings, judging reporters' silence by {@code settings}. */
    public TopologySettings withSilence(SilenceSettings settings) {
        return new TopologySettings(topics, registryUrl, windowSize, grace, maxPartitionDrift, maxReportAhead,
                dedupRetention, topN, detector, servedDomains, mailDkimRequired, settings);
    }

    /** How long after a window's end the windowed aggregate still accepts a contribution (see LateReportFilter). */
    public Duration windowCloseHorizon() {
        return grace.plus(maxPartitionDrift);
    }

    public static TopologySettings defaults(String registryUrl) {
        return new TopologySettings(TopicNames.defaults(), registryUrl, Duration.ofDays(1), Duration.ofDays(2),
                Duration.ofDays(7), Duration.ofDays(1), Duration.ofDays(14), 5, DetectorSettings.defaults());
    }
}
