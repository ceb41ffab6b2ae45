package io.tlsrpt.processor.topology;

import io.tlsrpt.processor.served.ServedDomains;
import java.time.Clock;
import java.util.function.Supplier;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Windowed;

/**
 * Each update of a (domain, window) published twice: one {@code FailureStats} per failing result type on
 * {@code tlsrpt.failure-stats}, and the domain's {@code DomainStats} on {@code tlsrpt.domain-stats}. Both carry the
 * domain's tenant as the served-domains list in force names it, so a provider's consumers can take their tenants'
 * records without a list of their own. Each update is counted in {@link WindowChanges} for the domain list.
 */
final class StatisticsStage {

    static final String FAILURE_STATS = "failure-stats";
    static final String FAILURE_STATS_SINK = "failure-stats-sink";

    private StatisticsStage() {
    }

    static void apply(KStream<Windowed<String>, DomainWindow> windows, Topics topics, TopologySettings settings,
                      Clock clock, WindowChanges changes) {
        Supplier<ServedDomains> served = settings.servedDomains();
        windows.flatMap((key, window) -> AggregateStage.stats(key, window, settings.topN(),
                        served.get().tenantOf(key.key()), clock), Named.as(FAILURE_STATS))
                .to(topics.failureStats.name(), topics.failureStats.produced(FAILURE_STATS_SINK));
        windows.flatMap((key, window) -> {
                    // every window update passes here once: the domain list's sums of this instance are then stale
                    changes.updated();
                    return DomainStatistics.of(key, window, served.get().tenantOf(key.key()), clock);
                }, Named.as(DomainStatistics.PROCESSOR))
                .to(topics.domainStats.name(), topics.domainStats.produced(DomainStatistics.SINK));
    }
}
