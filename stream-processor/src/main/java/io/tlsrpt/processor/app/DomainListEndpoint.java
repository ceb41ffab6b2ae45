package io.tlsrpt.processor.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.tlsrpt.processor.detect.Incident;
import io.tlsrpt.processor.served.ServedDomains;
import io.tlsrpt.processor.topology.DomainStateReader;
import io.tlsrpt.processor.topology.DomainSummaries;
import io.tlsrpt.processor.topology.DomainWindow;
import io.tlsrpt.processor.topology.OpenStops;
import io.tlsrpt.processor.topology.StoppedReporters;
import io.tlsrpt.processor.topology.SummedDomains;
import io.tlsrpt.processor.topology.WindowChanges;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedSet;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * {@code GET /v1/domains}: every policy domain the application holds windows of, each summed over the windows its
 * {@code domain-window-store} keeps ({@link DomainListQuery}: from a day on, of a tenant, under a domain), worst
 * first, with its open incidents counted: a provider's portal shows its customers' domains at a glance without a
 * Kafka client, as {@code tlsrpt domains} does from {@code tlsrpt.domain-stats}. Gathered from every instance like the
 * incident list ({@link ListGathering}: whole or an error, a limit, pages); a tenant's token lists its own domains
 * only. Each instance sums its partitions' windows whole, at most {@link #MAX_READING} at once, and answers from those
 * sums while its windows have not changed or for {@code http.domains.list.max.age} ({@link SummedDomains}).
 */
final class DomainListEndpoint extends ListEndpoint<DomainListQuery> {

    static final String PATH = TlsRptProcessor.DOMAIN_LIST_PATH;
    /** Domain lists read from this instance's stores at once at most (each sums its partitions' domains). */
    static final int MAX_READING = 2;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String DOMAINS = "domains";

    private final Supplier<ServedDomains> served;
    private final PartitionStops stops;
    private final SummedDomains summed;

    DomainListEndpoint(KafkaStreams streams, QueryPeers peers, Duration windowSize, Clock clock,
                       Supplier<ServedDomains> served, DomainQueryTokens tokens, OpenStops openStops,
                       WindowChanges windowChanges, Duration maxAge, MeterRegistry registry) {
        super(PATH, "domain list", DOMAINS, DomainStateReader.WINDOW_STORE, MAX_READING, streams, peers, clock,
                tokens);
        this.served = served;
        this.stops = new PartitionStops(streams, openStops, windowSize);
        this.summed = new SummedDomains(windowChanges, maxAge, registry);
    }

    @Override
    DomainListQuery parse(String rawQuery) {
        return DomainListQuery.parse(rawQuery);
    }

    @Override
    void filters(DomainListQuery query, ObjectNode root) {
        root.put("tenant", query.tenant()).put("domain", query.domain())
                .put("since", query.since() == null ? null : query.since().toString())
                .put("order", query.sort().code());
    }

    /** This instance's part of the list, for {@code partitions}: the first of its domains in the order asked. */
    @Override
    ObjectNode read(DomainListQuery query, SortedSet<Integer> partitions, String self) {
        ServedDomains domains = served.get();
        Predicate<DomainListQuery.Rank> afterCursor = query.followsCursor();
        MostUrgent<Ranked> worst = new MostUrgent<>(query.effectiveLimit(),
                Comparator.comparing(Ranked::rank, query.sort().ranks()), ranked -> afterCursor.test(ranked.rank()));
        for (int partition : partitions) {
            Supplier<ReadOnlyWindowStore<String, DomainWindow>> windows = () -> streams.store(
                    StoreQueryParameters.fromNameAndType(DomainStateReader.WINDOW_STORE,
                            QueryableStoreTypes.<String, DomainWindow>windowStore()).withPartition(partition));
            // every kept window: the sums kept while valid; from a day on: the windows read, the domains asked only
            Map<String, DomainSummaries.Summary> sums = query.since() == null ? summed.of(partition, windows)
                    : DomainSummaries.read(windows.get(), query.from(),
                            domain -> query.admits(domain, domains.tenantOf(domain)));
            Map<String, Integer> open = openIncidents(partition, sums);
            for (DomainSummaries.Summary s : sums.values()) {
                String tenant = domains.tenantOf(s.policyDomain());
                if (query.admits(s.policyDomain(), tenant)) {
                    worst.offer(new Ranked(DomainListQuery.Rank.of(s), s, tenant,
                            open.getOrDefault(s.policyDomain(), 0)));
                }
            }
        }
        return ListGathering.part(self, worst, DOMAINS, ranked -> json(ranked, self));
    }

    /** A domain of this instance ranked in the list, its JSON built only if it is on the page. */
    private record Ranked(DomainListQuery.Rank rank, DomainSummaries.Summary summary, String tenant,
                          int openIncidents) {
    }

    /** The open incidents of each of {@code kept}'s domains in the partition: the detector's and the stops. */
    private Map<String, Integer> openIncidents(int partition, Map<String, DomainSummaries.Summary> kept) {
        Map<String, Integer> open = new HashMap<>();
        ReadOnlyKeyValueStore<String, Incident> incidents = streams.store(StoreQueryParameters.fromNameAndType(
                DomainStateReader.INCIDENT_STORE, QueryableStoreTypes.<String, Incident>keyValueStore())
                .withPartition(partition));
        try (KeyValueIterator<String, Incident> all = incidents.all()) {
            while (all.hasNext()) {
                KeyValue<String, Incident> e = all.next();
                int bar = e.key.indexOf('|');
                String domain = bar < 0 ? e.key : e.key.substring(0, bar);
                if (e.value != null && e.value.open() && kept.containsKey(domain)) {
                    open.merge(domain, 1, Integer::sum);
                }
            }
        }
        for (StoppedReporters.Stopped stop : stops.of(partition)) {
            if (kept.containsKey(stop.policyDomain())) {
                open.merge(stop.policyDomain(), 1, Integer::sum);
            }
        }
        return open;
    }

    private static ObjectNode json(Ranked ranked, String servedBy) {
        DomainSummaries.Summary s = ranked.summary();
        ObjectNode o = MAPPER.createObjectNode();
        o.put("policy_domain", s.policyDomain());
        o.put("tenant", ranked.tenant());
        o.put("days", s.days());
        o.put("first_window_start", s.firstWindowStart().toString());
        o.put("last_window_start", s.lastWindowStart().toString());
        o.put("total_sessions", s.totalSessions());
        o.put("failed_sessions", s.failedSessions());
        o.put("sessions_without_enforced_policy", s.sessionsWithoutEnforcedPolicy());
        o.put("failed_share", s.failedShare());
        o.put("without_enforced_policy_share", s.withoutEnforcedPolicyShare());
        o.put("reports", s.reports());
        ArrayNode reporters = o.putArray("reporters");
        s.reporters().forEach(reporters::add);
        o.put("open_incidents", ranked.openIncidents());
        o.put("served_by", servedBy);
        return o;
    }
}
