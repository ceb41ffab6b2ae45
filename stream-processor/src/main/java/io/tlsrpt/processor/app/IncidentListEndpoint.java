package io.tlsrpt.processor.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.tlsrpt.processor.detect.Incident;
import io.tlsrpt.processor.detect.ReporterCadence;
import io.tlsrpt.processor.served.ServedDomains;
import io.tlsrpt.processor.topology.DomainStateReader;
import io.tlsrpt.processor.topology.OpenStops;
import io.tlsrpt.processor.topology.StoppedReporters;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/incidents}: every incident the application holds now ({@link IncidentQuery}: open ones by default),
 * across all its instances, most urgent first: the detector's ({@code incident-store}, open and resolved) and the
 * reporters stopped (open only: a resolved one is not kept; {@link OpenStops}, kept beside {@code
 * reporter-cadence-store} by its tasks, so that the list reads no cadence). The instance asked
 * finds the owner of each partition of the incident store, reads its own and asks every other owner for theirs at
 * once ({@link QueryPeers}); each owner sends its most urgent up to the limit (after the cursor asked, {@link
 * IncidentCursor}) with how many it matched and how many of them follow the cursor, and the answer has the most urgent
 * overall beside the count of all, how many remain after its page and the cursor to them ({@code next}). The answer is whole or an error (503
 * while a partition has no owner or is being restored, 502 when an owner does not answer), never a part that would
 * read as "nothing else is broken". A tenant's token lists its own tenant's incidents only.
 */
final class IncidentListEndpoint implements HttpHandler {

    static final String PATH = TlsRptProcessor.INCIDENT_LIST_PATH;

    private static final Logger LOG = LoggerFactory.getLogger(IncidentListEndpoint.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String INCIDENTS = "incidents";
    private static final String MATCHING = "matching";
    /** Of those matching, how many come after the cursor asked ({@code after}): all when none was. */
    private static final String FOLLOWING = "following";
    /** Incident lists read from this instance's stores at once at most (each holds up to its limit in memory). */
    static final int MAX_READING = 4;
    private static final Duration READ_WAIT = Duration.ofSeconds(10);

    private final KafkaStreams streams;
    private final QueryPeers peers;
    private final Clock clock;
    private final Supplier<ServedDomains> served;
    private final DomainQueryTokens tokens;
    private final StoppedReporters stopped;
    private final OpenStops openStops;
    private final ReadPermits reading = new ReadPermits(MAX_READING, READ_WAIT);

    /** @param openStops the open reports-stopped incidents the silence stage's tasks keep for this list */
    IncidentListEndpoint(KafkaStreams streams, QueryPeers peers, Duration windowSize, Clock clock,
                         Supplier<ServedDomains> served, DomainQueryTokens tokens, OpenStops openStops) {
        this.streams = streams;
        this.stopped = new StoppedReporters(windowSize);
        this.openStops = openStops;
        this.peers = peers;
        this.clock = clock;
        this.served = served;
        this.tokens = tokens;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestURI().getPath().equals(PATH)) {
            QueryAnswer.error(404, "no such path: " + PATH + " lists the incidents").send(exchange);
            return;
        }
        DomainQueryTokens.Access access = tokens.authorize(exchange);
        if (access == null) {
            return;
        }
        QueryAnswer answer;
        try {
            answer = answer(IncidentQuery.parse(exchange.getRequestURI().getRawQuery()), access,
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst(QueryPeers.FORWARDED_HEADER) != null);
        } catch (IllegalArgumentException e) {
            answer = QueryAnswer.error(400, e.getMessage());
        } catch (InvalidStateStoreException e) {
            answer = QueryAnswer.error(503, "the incident store is not queryable now (" + e.getMessage() + ")");
        } catch (ReadPermits.Busy e) {
            answer = QueryAnswer.error(503, e.getMessage());
        } catch (StreamsException | IllegalStateException e) {
            LOG.debug("incident list while Kafka Streams is {}", streams.state(), e);
            answer = QueryAnswer.error(503, "the processor is " + streams.state() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("incident list failed", e);
            answer = QueryAnswer.error(500, "the query failed: " + e);
        }
        answer.send(exchange);
    }

    private QueryAnswer answer(IncidentQuery asked, DomainQueryTokens.Access access, String authorization,
                               boolean forwarded) {
        IncidentQuery query = asked;
        if (access instanceof DomainQueryTokens.OneTenant one) {
            if (asked.tenant() != null && !asked.tenant().equals(one.tenant())) {
                return QueryAnswer.error(403, "a tenant's token lists its own tenant's incidents only");
            }
            query = asked.forTenant(one.tenant());
        }
        KafkaStreams.State state = streams.state();
        if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
            return QueryAnswer.error(503, "the processor is " + state);
        }
        if (forwarded) {
            if (query.partitions() == null) {
                return QueryAnswer.error(400, "a forwarded incident list names its partitions");
            }
            return new QueryAnswer(200, local(query, query.partitions()).toString());
        }
        Map<HostInfo, SortedSet<Integer>> owners = ownersOfEachPartition();
        if (owners == null) {
            return QueryAnswer.error(503, "a partition of the incident store has no owner now (starting or "
                    + "rebalancing)");
        }
        // every other owner asked at once, this instance's own read meanwhile
        Map<HostInfo, CompletableFuture<QueryAnswer>> asking = new LinkedHashMap<>();
        for (Map.Entry<HostInfo, SortedSet<Integer>> owner : owners.entrySet()) {
            if (!owner.getKey().equals(peers.self())) {
                asking.put(owner.getKey(), peers.askAsync(owner.getKey(), PATH + "?" + query.forPeer(owner.getValue()),
                        authorization, "partitions " + owner.getValue() + " of the incident store"));
            }
        }
        List<JsonNode> incidents = new ArrayList<>();
        long matching = 0;
        long following = 0;
        SortedSet<Integer> mine = owners.get(peers.self());
        if (mine != null) {
            ObjectNode own = local(query, mine);
            own.get(INCIDENTS).forEach(incidents::add);
            matching += own.get(MATCHING).asLong();
            following += own.get(FOLLOWING).asLong();
        }
        for (Map.Entry<HostInfo, CompletableFuture<QueryAnswer>> peer : asking.entrySet()) {
            String address = QueryPeers.address(peer.getKey());
            SortedSet<Integer> theirPartitions = owners.get(peer.getKey());
            QueryAnswer theirs = QueryPeers.answer(peer.getValue(), peer.getKey());
            if (theirs.status() != 200) {
                // 503: the peer is starting or its tasks move, worth asking again; anything else: it failed
                return QueryAnswer.error(theirs.status() == 503 ? 503 : 502, "no incident list from " + address
                        + " for partitions " + theirPartitions + " (" + theirs.status() + "): "
                        + errorOf(theirs.body()));
            }
            JsonNode list;
            try {
                list = MAPPER.readTree(theirs.body());
            } catch (JsonProcessingException e) {
                list = null;
            }
            if (list == null || !(list.get(INCIDENTS) instanceof ArrayNode listed)) {
                LOG.warn("the instance {} answered the incident list of partitions {} with something else than a "
                        + "list: {}", address, theirPartitions, theirs.body().length() > 200
                        ? theirs.body().substring(0, 200) + "..." : theirs.body());
                return QueryAnswer.error(502, "the instance " + address
                        + " answered something else than an incident list");
            }
            listed.forEach(incidents::add);
            matching += list.path(MATCHING).asLong(listed.size());
            following += list.path(FOLLOWING).asLong(list.path(MATCHING).asLong(listed.size()));
        }
        ObjectNode root = MAPPER.createObjectNode();
        root.put("as_of", clock.instant().toString());
        root.put("status", query.status().code());
        root.put("tenant", query.tenant());
        root.put("domain", query.domain());
        root.put("partitions", owners.values().stream().mapToInt(Set::size).sum());
        ArrayNode instances = root.putArray("instances");
        owners.keySet().forEach(h -> instances.add(QueryPeers.address(h)));
        // count: every incident the question matches; incidents: the most urgent of them after the cursor, up to
        // the limit; remaining: how many come after this page, and next the cursor that lists them
        List<JsonNode> page = MostUrgent.of(incidents, query.effectiveLimit());
        long remaining = Math.max(0, following - page.size());
        root.put("count", matching);
        root.put("limit", query.effectiveLimit());
        root.put("after", query.after() == null ? null : query.after().encoded());
        root.put("remaining", remaining);
        root.put("next", remaining > 0 && !page.isEmpty() ? IncidentCursor.after(page.get(page.size() - 1)).encoded()
                : null);
        root.putArray(INCIDENTS).addAll(page);
        return new QueryAnswer(200, root.toString());
    }

    /** Each partition's active owner, grouped by owner; null when a partition has none now. */
    private Map<HostInfo, SortedSet<Integer>> ownersOfEachPartition() {
        int[] partitions = {-1};
        Map<HostInfo, SortedSet<Integer>> owners = new LinkedHashMap<>();
        for (int p = 0; p == 0 || p < partitions[0]; p++) {
            int partition = p;
            StreamPartitioner<String, Object> only = new OnePartition(partition, count -> partitions[0] = count);
            KeyQueryMetadata metadata = streams.queryMetadataForKey(DomainStateReader.INCIDENT_STORE, "", only);
            if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)
                    || metadata.activeHost() == null || metadata.partition() != partition) {
                return null;
            }
            owners.computeIfAbsent(metadata.activeHost(), h -> new TreeSet<>()).add(partition);
        }
        return owners;
    }

    /**
     * Names one partition, whatever the key, and tells how many partitions the store's source topics have: asked for
     * each partition in turn, Kafka Streams' metadata names its active owner.
     */
    private record OnePartition(int partition, IntConsumer partitionCount) implements StreamPartitioner<String, Object> {

        // Kafka Streams 4.4 still has this method, marked for removal, as the interface's one abstract method
        @SuppressWarnings("removal")
        @Override
        public Optional<Set<Integer>> partitions(String topic, String key, Object value, int numPartitions) {
            partitionCount.accept(numPartitions);
            return Optional.of(Set.of(partition));
        }
    }

    /**
     * This instance's incidents of {@code partitions}: {@code {"served_by": ..., "matching": n, "incidents": [...]}},
     * the {@code limit} most urgent of the {@code matching} ones (so that the instance asked merges at most the limit
     * from each owner).
     */
    private ObjectNode local(IncidentQuery query, SortedSet<Integer> partitions) {
        return reading.read(() -> read(query, partitions));
    }

    private ObjectNode read(IncidentQuery query, SortedSet<Integer> partitions) {
        ServedDomains domains = served.get();
        String self = QueryPeers.address(peers.self());
        MostUrgent incidents = new MostUrgent(query.effectiveLimit(), query::follows);
        for (int partition : partitions) {
            ReadOnlyKeyValueStore<String, Incident> store = streams.store(StoreQueryParameters.fromNameAndType(
                    DomainStateReader.INCIDENT_STORE, QueryableStoreTypes.<String, Incident>keyValueStore())
                    .withPartition(partition));
            try (KeyValueIterator<String, Incident> all = store.all()) {
                while (all.hasNext()) {
                    KeyValue<String, Incident> e = all.next();
                    int bar = e.key.indexOf('|');
                    String domain = bar < 0 ? e.key : e.key.substring(0, bar);
                    String tenant = domains.tenantOf(domain);
                    if (e.value != null && query.admits(domain, tenant, e.value)) {
                        ObjectNode o = MAPPER.createObjectNode();
                        o.put("policy_domain", domain);
                        o.put("tenant", tenant);
                        DomainStateJson.incident(o, bar < 0 ? null : e.key.substring(bar + 1), e.value);
                        o.put("served_by", self);
                        incidents.offer(o);
                    }
                }
            }
            int p = partition;
            // kept by the partition's task as it writes its store; the store read whole only when the task is not
            // running here (it then says why it cannot answer)
            List<StoppedReporters.Stopped> stops = openStops.of(partition).orElseGet(() -> stopped.read(
                    streams.store(StoreQueryParameters.fromNameAndType(StoppedReporters.STORE,
                            QueryableStoreTypes.<String, ReporterCadence>keyValueStore()).withPartition(p))));
            for (StoppedReporters.Stopped stop : stops) {
                String tenant = domains.tenantOf(stop.policyDomain());
                if (query.admits(stop.policyDomain(), tenant, true)) {
                    ObjectNode o = MAPPER.createObjectNode();
                    o.put("policy_domain", stop.policyDomain());
                    o.put("tenant", tenant);
                    DomainStateJson.stopped(o, stop);
                    o.put("served_by", self);
                    incidents.offer(o);
                }
            }
        }
        ObjectNode root = MAPPER.createObjectNode();
        root.put("served_by", self);
        root.put(MATCHING, incidents.offered());
        root.put(FOLLOWING, incidents.following());
        root.putArray(INCIDENTS).addAll(incidents.sorted());
        return root;
    }

    private static String errorOf(String body) {
        try {
            return MAPPER.readTree(body).path("error").asText(body);
        } catch (JsonProcessingException e) {
            return body;
        }
    }
}
