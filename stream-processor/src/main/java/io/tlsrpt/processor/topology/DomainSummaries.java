package io.tlsrpt.processor.topology;

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
    }

    /**
     * One domain's windows summed as they are read, as DomainStatistics counts each for the topic: one accumulator per
     * domain rather than a summary per window (a list at 100,000 domains reads 400,000 windows).
     */
    private static final class Sums {
        private final String policyDomain;
        private int days;
        private Instant firstWindowStart;
        private Instant lastWindowStart;
        private long totalSessions;
        private Long failedSessions = 0L;
        private Long sessionsWithoutEnforcedPolicy = 0L;
        private long reports;
        /** The first window's reporters as they were read, copied only when a later window brings another. */
        private SortedSet<String> reporters = Collections.emptySortedSet();
        private boolean reportersCopied;

        Sums(String policyDomain) {
            this.policyDomain = policyDomain;
        }

        void add(Instant start, DomainWindow window) {
            days++;
            firstWindowStart = firstWindowStart == null || start.isBefore(firstWindowStart) ? start : firstWindowStart;
            lastWindowStart = lastWindowStart == null || start.isAfter(lastWindowStart) ? start : lastWindowStart;
            totalSessions += window.totalSessions();
            failedSessions = sum(failedSessions, window.failedSessions());
            sessionsWithoutEnforcedPolicy = sum(sessionsWithoutEnforcedPolicy, window.sessionsWithoutEnforcedPolicy());
            reports += window.reports();
            if (days == 1) {
                // a window read from the store holds a sorted read-only view (SortedViews)
                reporters = window.reporters() instanceof SortedSet<String> sorted ? sorted
                        : new TreeSet<>(window.reporters());
                reportersCopied = !(window.reporters() instanceof SortedSet);
            } else if (!reporters.containsAll(window.reporters())) {
                if (!reportersCopied) {
                    reporters = new TreeSet<>(reporters);
                    reportersCopied = true;
                }
                reporters.addAll(window.reporters());
            }
        }

        /** @param shared the reporters of the domains summed before, each set once (most domains share theirs) */
        Summary summary(Map<Set<String>, SortedSet<String>> shared) {
            return new Summary(policyDomain, days, firstWindowStart, lastWindowStart, totalSessions, failedSessions,
                    sessionsWithoutEnforcedPolicy, reports,
                    shared.computeIfAbsent(reporters, same -> Collections.unmodifiableSortedSet(reporters)));
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
        Map<String, Sums> sums = new HashMap<>();
        Set<String> refused = new HashSet<>();
        try (KeyValueIterator<Windowed<String>, DomainWindow> it = store.fetchAll(from, LATEST)) {
            while (it.hasNext()) {
                KeyValue<Windowed<String>, DomainWindow> entry = it.next();
                String domain = entry.key.key();
                if (entry.value == null || refused.contains(domain)) {
                    continue;
                }
                Sums domainSums = sums.get(domain);
                if (domainSums == null) {
                    if (!admitted.test(domain)) {
                        refused.add(domain);
                        continue;
                    }
                    domainSums = new Sums(domain);
                    sums.put(domain, domainSums);
                }
                domainSums.add(entry.key.window().startTime(), entry.value);
            }
        }
        Map<String, Summary> summaries = new HashMap<>(sums.size() * 4 / 3 + 1);
        // kept between requests by SummedDomains: 100,000 domains hold a few distinct sets of reporters, not 100,000
        Map<Set<String>, SortedSet<String>> shared = new HashMap<>();
        sums.forEach((domain, domainSums) -> summaries.put(domain, domainSums.summary(shared)));
        return summaries;
    }
}
