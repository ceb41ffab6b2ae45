package io.tlsrpt.processor.topology;

import io.tlsrpt.processor.served.ServedDomains;
import io.tlsrpt.schema.DomainStats;
import java.time.Clock;
import java.util.function.Supplier;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Each update of a (domain, window) published twice: one {@code FailureStats} per failing result type on
 * {@code tlsrpt.failure-stats}, and the domain's {@code DomainStats} on {@code tlsrpt.domain-stats}. Both carry the
 * domain's tenant as the served-domains list in force names it, so a provider's consumers can take their tenants'
 * records without a list of their own. Each update is counted in {@link WindowChanges}, by partition, for the domain
 * list.
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
        windows.process(() -> new CountedDomainStatistics(served, clock, changes), Named.as(DomainStatistics.PROCESSOR))
                .to(topics.domainStats.name(), topics.domainStats.produced(DomainStatistics.SINK));
    }

    /** A window update's {@code DomainStats}, the update counted for its partition's kept domain sums. */
    private static final class CountedDomainStatistics
            extends ContextualProcessor<Windowed<String>, DomainWindow, String, DomainStats> {

        private final Supplier<ServedDomains> served;
        private final Clock clock;
        private final WindowChanges changes;

        CountedDomainStatistics(Supplier<ServedDomains> served, Clock clock, WindowChanges changes) {
            this.served = served;
            this.clock = clock;
            this.changes = changes;
        }

        @Override
        public void process(Record<Windowed<String>, DomainWindow> record) {
            // every window update passes here once: the domain list's sums of its partition are then stale
            changes.updated(context().taskId().partition());
            for (KeyValue<String, DomainStats> stats : DomainStatistics.of(record.key(), record.value(),
                    served.get().tenantOf(record.key().key()), clock)) {
                context().forward(record.withKey(stats.key).withValue(stats.value));
            }
        }
    }
}
