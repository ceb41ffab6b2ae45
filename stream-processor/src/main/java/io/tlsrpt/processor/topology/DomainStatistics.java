package io.tlsrpt.processor.topology;

import io.tlsrpt.processor.detect.PolicyEnforcement;
import io.tlsrpt.schema.CountedValue;
import io.tlsrpt.schema.DomainStats;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;

/**
 * One {@link DomainStats} per update of a (domain, window), failing or not, keyed by the policy domain: a domain's
 * success rate and its share of sessions under no enforced policy, which the failure statistics (one record per
 * failing result type) cannot give for a domain whose sessions all succeed.
 */
final class DomainStatistics {

    static final String PROCESSOR = "domain-stats";
    static final String SINK = "domain-stats-sink";

    private static final Comparator<CountedValue> MOST_FIRST =
            Comparator.comparingLong(CountedValue::getCount).reversed().thenComparing(CountedValue::getValue);

    private DomainStatistics() {
    }

    /**
     * The window's statistics; none for a window without a value.
     *
     * @param tenant the domain's tenant as the served-domains list in force names it; null for none
     */
    static List<KeyValue<String, DomainStats>> of(Windowed<String> key, DomainWindow window, String tenant,
                                                  Clock clock) {
        if (window == null) {
            return List.of();
        }
        DomainStats stats = of(key.key(), key.window().startTime(), key.window().endTime(), window, clock);
        stats.setTenant(tenant);
        return List.of(KeyValue.pair(key.key(), stats));
    }

    /** The statistics of {@code domain}'s window from {@code start} to {@code end}. */
    static DomainStats of(String domain, Instant start, Instant end, DomainWindow window, Clock clock) {
        List<CountedValue> failing = new ArrayList<>(window.failures().size());
        for (Map.Entry<String, TypeCounts> e : window.failures().entrySet()) {
            if (!e.getKey().equals(PolicyEnforcement.NOT_ENFORCED)) {
                failing.add(new CountedValue(e.getKey(), e.getValue().failed()));
            }
        }
        failing.sort(MOST_FIRST);
        return DomainStats.newBuilder()
                .setPolicyDomain(domain)
                .setWindowStart(start)
                .setWindowEnd(end)
                .setTotalSessions(window.totalSessions())
                .setFailedSessions(window.failedSessions())
                .setSessionsWithoutEnforcedPolicy(window.sessionsWithoutEnforcedPolicy())
                .setReports(window.reports())
                .setReporters(List.copyOf(window.reporters()))
                .setFailingResultTypes(failing)
                .setUpdatedAt(clock.instant())
                .build();
    }
}
