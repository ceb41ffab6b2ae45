package io.tlsrpt.processor.topology;

import io.tlsrpt.processor.detect.PolicyEnforcement;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * Every policy domain of a partition of {@code domain-window-store} summed over the windows the store keeps (from a
 * day on): the list of domains of {@code GET /v1/domains}, with the sums {@code tlsrpt domains} makes of
 * {@code tlsrpt.domain-stats} (each window counted as {@link DomainStatistics} counts it for that topic, without
 * building its record), read from the processor's own state instead of a topic.
 */
public final class DomainSummaries {

    private static final Instant LATEST = Instant.ofEpochMilli(Long.MAX_VALUE / 2);

    private DomainSummaries() {
    }

    /**
     * One domain over its windows. {@code failedSessions} and {@code sessionsWithoutEnforcedPolicy} are null when a
     * window did not count them (begun by a version before), as in {@code tlsrpt.domain-stats}.
     */
    public record Summary(String policyDomain, int days, Instant firstWindowStart, Instant lastWindowStart,
                          long totalSessions, Long failedSessions, Long sessionsWithoutEnforcedPolicy, long reports,
                          SortedSet<String> reporters) {

        /** Failed sessions of all sessions; null when not counted, 0 without sessions. */
        public Double failedShare() {
            return share(failedSessions);
        }

        /** Sessions under no enforced policy of all sessions; null when not counted, 0 without sessions. */
        public Double withoutEnforcedPolicyShare() {
            return share(sessionsWithoutEnforcedPolicy);
        }

        private Double share(Long part) {
            return part == null ? null : totalSessions == 0 ? 0.0 : (double) part / totalSessions;
        }

        /** With {@code window}, starting at {@code start}, summed as DomainStatistics counts it for the topic. */
        Summary plus(Instant start, DomainWindow window) {
            SortedSet<String> all = reporters;
            if (!all.containsAll(window.reporters())) {
                all = new TreeSet<>(reporters);
                all.addAll(window.reporters());
                all = Collections.unmodifiableSortedSet(all);
            }
            return new Summary(policyDomain, days + 1,
                    firstWindowStart == null || start.isBefore(firstWindowStart) ? start : firstWindowStart,
                    lastWindowStart == null || start.isAfter(lastWindowStart) ? start : lastWindowStart,
                    totalSessions + window.totalSessions(), sum(failedSessions, window.failedSessions()),
                    // a window an earlier version began did not count them all: unknown rather than too few
                    sum(sessionsWithoutEnforcedPolicy, window.enforcementCounted()
                            ? window.failed(PolicyEnforcement.NOT_ENFORCED) : null),
                    reports + window.reports(), all);
        }

        private static Long sum(Long a, Long b) {
            return a == null || b == null ? null : a + b;
        }
    }

    /**
     * The domains {@code admitted} of {@code store} (one partition), each over its windows that start at {@code from}
     * or later.
     */
    public static Map<String, Summary> read(ReadOnlyWindowStore<String, DomainWindow> store, Instant from,
                                            Predicate<String> admitted) {
        Map<String, Summary> summaries = new HashMap<>();
        Set<String> refused = new HashSet<>();
        try (KeyValueIterator<Windowed<String>, DomainWindow> it = store.fetchAll(from, LATEST)) {
            while (it.hasNext()) {
                KeyValue<Windowed<String>, DomainWindow> entry = it.next();
                String domain = entry.key.key();
                if (entry.value == null || refused.contains(domain)) {
                    continue;
                }
                Summary summary = summaries.get(domain);
                if (summary == null) {
                    if (!admitted.test(domain)) {
                        refused.add(domain);
                        continue;
                    }
                    summary = new Summary(domain, 0, null, null, 0, 0L, 0L, 0, Collections.emptySortedSet());
                }
                summaries.put(domain, summary.plus(entry.key.window().startTime(), entry.value));
            }
        }
        return summaries;
    }
}
