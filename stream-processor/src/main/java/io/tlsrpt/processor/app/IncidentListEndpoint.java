package io.tlsrpt.processor.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tlsrpt.processor.detect.Incident;
import io.tlsrpt.processor.served.ServedDomains;
import io.tlsrpt.processor.topology.DomainStateReader;
import io.tlsrpt.processor.topology.DomainWindow;
import io.tlsrpt.processor.topology.OpenStops;
import io.tlsrpt.processor.topology.StoppedReporters;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.SortedSet;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * {@code GET /v1/incidents}: every incident the application holds now ({@link IncidentQuery}: open ones by default),
 * across all its instances, most urgent first: the detector's ({@code incident-store}, open and resolved) and the
 * reporters stopped (open only: a resolved one is not kept; {@link OpenStops}, kept beside {@code
 * reporter-cadence-store} by its tasks, so that the list reads no cadence). Gathered from the owners of every
 * partition of the incident store ({@link ListEndpoint}, {@link ListGathering}): each sends its most urgent up to the
 * limit after the cursor asked ({@link ListCursor}), and the answer is whole or an error, never a part that would read
 * as "nothing else is broken". A tenant's token lists its own tenant's incidents only.
 */
final class IncidentListEndpoint extends ListEndpoint<IncidentQuery> {

    static final String PATH = TlsRptProcessor.INCIDENT_LIST_PATH;
    /** Incident lists read from this instance's stores at once at most (each holds up to its limit in memory). */
    static final int MAX_READING = 4;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String INCIDENTS = "incidents";

    private final Supplier<ServedDomains> served;
    private final PartitionStops stops;

    /** @param openStops the open reports-stopped incidents the silence stage's tasks keep for this list */
    IncidentListEndpoint(KafkaStreams streams, QueryPeers peers, Duration windowSize, Clock clock,
                         Supplier<ServedDomains> served, DomainQueryTokens tokens, OpenStops openStops) {
        super(PATH, "incident list", INCIDENTS, DomainStateReader.INCIDENT_STORE, MAX_READING,
                streams, peers, clock, tokens);
        this.served = served;
        this.stops = new PartitionStops(streams, openStops, windowSize);
    }

    @Override
    IncidentQuery parse(String rawQuery) {
        return IncidentQuery.parse(rawQuery);
    }

    @Override
    void filters(IncidentQuery query, ObjectNode root) {
        root.put("status", query.status().code()).put("tenant", query.tenant()).put("domain", query.domain())
                .put("alert_id", query.alertId()).put("mx", query.mx());
    }

    /**
     * This instance's incidents of {@code partitions}: {@code {"served_by": ..., "matching": n, "incidents": [...]}},
     * the {@code limit} most urgent of the {@code matching} ones after the cursor (so that the instance asked merges
     * at most the limit from each owner).
     */
    @Override
    ObjectNode read(IncidentQuery query, SortedSet<Integer> partitions, String self) {
        ServedDomains domains = served.get();
        Predicate<IncidentRank> afterCursor = query.followsCursor();
        MostUrgent<Ranked> incidents = new MostUrgent<>(query.effectiveLimit(),
                Comparator.comparing(Ranked::rank, IncidentRank.MOST_URGENT_FIRST),
                ranked -> afterCursor.test(ranked.rank()));
        for (int partition : partitions) {
            ReadOnlyKeyValueStore<String, Incident> store = streams.store(StoreQueryParameters.fromNameAndType(
                    DomainStateReader.INCIDENT_STORE, QueryableStoreTypes.<String, Incident>keyValueStore())
                    .withPartition(partition));
            // the same partition of the window store holds the incidents' windows (both keyed by policy domain)
            ReadOnlyWindowStore<String, DomainWindow> windows = streams.store(StoreQueryParameters.fromNameAndType(
                    DomainStateReader.WINDOW_STORE, QueryableStoreTypes.<String, DomainWindow>windowStore())
                    .withPartition(partition));
            try (KeyValueIterator<String, Incident> all = store.all()) {
                while (all.hasNext()) {
                    KeyValue<String, Incident> e = all.next();
                    int bar = e.key.indexOf('|');
                    String domain = bar < 0 ? e.key : e.key.substring(0, bar);
                    String tenant = domains.tenantOf(domain);
                    if (e.value != null && query.admits(domain, tenant, e.value)) {
                        String resultType = bar < 0 ? null : e.key.substring(bar + 1);
                        Incident incident = e.value;
                        // the incident keeps its hosts; for one stored before it did they are read from its window:
                        // for those asked by their MX host, else only for those on the page
                        List<String> filteredMx = query.mx() == null ? null
                                : DomainStateReader.receivingMx(windows, domain, resultType, incident);
                        if (filteredMx != null && !query.admitsMx(filteredMx)) {
                            continue;
                        }
                        incidents.offer(new Ranked(IncidentRank.of(domain, resultType, incident), o -> {
                            List<String> mx = filteredMx != null ? filteredMx
                                    : DomainStateReader.receivingMx(windows, domain, resultType, incident);
                            return DomainStateJson.incident(o.put("policy_domain", domain).put("tenant", tenant),
                                    resultType, incident, mx);
                        }));
                    }
                }
            }
            for (StoppedReporters.Stopped stop : stops.of(partition)) {
                String tenant = domains.tenantOf(stop.policyDomain());
                if (query.mx() == null && query.admits(stop.policyDomain(), tenant, true, stop.alertId())) {
                    incidents.offer(new Ranked(IncidentRank.of(stop), o -> DomainStateJson
                            .stopped(o.put("policy_domain", stop.policyDomain()).put("tenant", tenant), stop)));
                }
            }
        }
        return ListGathering.part(self, incidents, INCIDENTS,
                ranked -> ranked.fields().apply(MAPPER.createObjectNode()).put("served_by", self));
    }

    /**
     * An incident of this instance ranked in the list; {@code fields} writes its JSON, only if it is on the page (an
     * outage of 100,000 domains ranks 100,000 incidents and builds the JSON of a page).
     */
    private record Ranked(IncidentRank rank, UnaryOperator<ObjectNode> fields) {
    }
}
