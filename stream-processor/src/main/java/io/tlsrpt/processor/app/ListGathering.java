package io.tlsrpt.processor.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntConsumer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A list of the whole application ({@code GET /v1/incidents}, {@code GET /v1/domains}) gathered from the owners of
 * every partition of a store: this instance reads its own partitions while every other owner is asked for its own at
 * once ({@link QueryPeers}); each owner sends the first of its items in the list's order, up to the limit and after
 * the cursor asked, with how many it matched and how many of those follow the cursor, so that the instance asked
 * merges at most the limit from each. Whole or an error (503 while a partition has no owner or an owner is starting or
 * moving, 502 when an owner does not answer or answers something else), never a part that would read as all.
 */
final class ListGathering {

    private static final Logger LOG = LoggerFactory.getLogger(ListGathering.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String MATCHING = "matching";
    /** Of those matching, how many come after the cursor asked ({@code after}): all when none was. */
    private static final String FOLLOWING = "following";

    private ListGathering() {
    }

    /** What a gathering came to: the parts, or the error to answer. */
    sealed interface Outcome permits Gathered, Refused {
    }

    /** Every owner's part: their first items together, and the counts summed. */
    record Gathered(Map<HostInfo, SortedSet<Integer>> owners, List<JsonNode> items, long matching, long following)
            implements Outcome {
    }

    /** The list cannot be answered whole: this answer says why. */
    record Refused(QueryAnswer answer) implements Outcome {
    }

    /**
     * @param store       the store whose partitions' owners hold the list
     * @param itemsField  the field of a part's items ({@code incidents}, {@code domains})
     * @param what        the list, as an error names it ("incident list")
     * @param peerRequest the path and query that asks an owner for its part of these partitions
     * @param local       this instance's part of these partitions ({@link #part})
     */
    static Outcome gather(KafkaStreams streams, QueryPeers peers, String store, String itemsField, String what,
                          Function<SortedSet<Integer>, String> peerRequest, String authorization,
                          Function<SortedSet<Integer>, ObjectNode> local) {
        Map<HostInfo, SortedSet<Integer>> owners = ownersOfEachPartition(streams, store);
        if (owners == null) {
            return new Refused(QueryAnswer.error(503, "a partition of " + store + " has no owner now (starting or "
                    + "rebalancing)"));
        }
        // every other owner asked at once, this instance's own read meanwhile
        Map<HostInfo, CompletableFuture<QueryAnswer>> asking = new LinkedHashMap<>();
        for (Map.Entry<HostInfo, SortedSet<Integer>> owner : owners.entrySet()) {
            if (!owner.getKey().equals(peers.self())) {
                asking.put(owner.getKey(), peers.askAsync(owner.getKey(), peerRequest.apply(owner.getValue()),
                        authorization, "partitions " + owner.getValue() + " of " + store));
            }
        }
        List<JsonNode> items = new ArrayList<>();
        long matching = 0;
        long following = 0;
        SortedSet<Integer> mine = owners.get(peers.self());
        if (mine != null) {
            ObjectNode own = local.apply(mine);
            own.get(itemsField).forEach(items::add);
            matching += own.get(MATCHING).asLong();
            following += own.get(FOLLOWING).asLong();
        }
        for (Map.Entry<HostInfo, CompletableFuture<QueryAnswer>> peer : asking.entrySet()) {
            String address = QueryPeers.address(peer.getKey());
            SortedSet<Integer> theirPartitions = owners.get(peer.getKey());
            QueryAnswer theirs = QueryPeers.answer(peer.getValue(), peer.getKey());
            if (theirs.status() != 200) {
                // 503: the peer is starting or its tasks move, worth asking again; anything else: it failed
                return new Refused(QueryAnswer.error(theirs.status() == 503 ? 503 : 502, "no " + what + " from "
                        + address + " for partitions " + theirPartitions + " (" + theirs.status() + "): "
                        + errorOf(theirs.body())));
            }
            JsonNode list;
            try {
                list = MAPPER.readTree(theirs.body());
            } catch (JsonProcessingException e) {
                list = null;
            }
            if (list == null || !(list.get(itemsField) instanceof ArrayNode listed)) {
                LOG.warn("the instance {} answered the {} of partitions {} with something else: {}", address, what,
                        theirPartitions, theirs.body().length() > 200 ? theirs.body().substring(0, 200) + "..."
                                : theirs.body());
                return new Refused(QueryAnswer.error(502, "the instance " + address
                        + " answered something else than an " + what));
            }
            listed.forEach(items::add);
            matching += list.path(MATCHING).asLong(listed.size());
            following += list.path(FOLLOWING).asLong(list.path(MATCHING).asLong(listed.size()));
        }
        return new Gathered(owners, items, matching, following);
    }

    /** An owner's part, as it sends it: {@code {"served_by", "matching", "following", itemsField: [...]}}. */
    static ObjectNode part(String servedBy, MostUrgent<JsonNode> kept, String itemsField) {
        return part(servedBy, kept, itemsField, item -> item);
    }

    /** The same of items that are not JSON yet: {@code json} builds that of those kept only. */
    static <T> ObjectNode part(String servedBy, MostUrgent<T> kept, String itemsField,
                               Function<T, ? extends JsonNode> json) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("served_by", servedBy);
        root.put(MATCHING, kept.offered());
        root.put(FOLLOWING, kept.following());
        ArrayNode items = root.putArray(itemsField);
        kept.sorted().forEach(item -> items.add(json.apply(item)));
        return root;
    }

    /**
     * The answer's common fields: when, which partitions and instances, {@code count} (every item matched), {@code
     * limit}, {@code after} (the cursor asked), {@code remaining} (how many come after this page) and {@code next}
     * (the cursor that lists them), then the page itself, the first of {@code gathered} in {@code order}; {@code
     * asked} adds the list's own fields (its filters) after {@code as_of}.
     */
    static QueryAnswer answer(Gathered gathered, Clock clock, Consumer<ObjectNode> asked, int limit,
                              ListCursor after, ListCursor.Order order, String itemsField) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("as_of", clock.instant().toString());
        asked.accept(root);
        root.put("partitions", gathered.owners().values().stream().mapToInt(Set::size).sum());
        ArrayNode instances = root.putArray("instances");
        gathered.owners().keySet().forEach(h -> instances.add(QueryPeers.address(h)));
        List<JsonNode> page = MostUrgent.of(gathered.items(), limit, order.comparator());
        long remaining = Math.max(0, gathered.following() - page.size());
        root.put("count", gathered.matching());
        root.put("limit", limit);
        root.put("after", after == null ? null : after.encoded());
        root.put("remaining", remaining);
        root.put("next", remaining > 0 && !page.isEmpty()
                ? ListCursor.after(order, page.get(page.size() - 1)).encoded() : null);
        root.putArray(itemsField).addAll(page);
        return new QueryAnswer(200, root.toString());
    }

    /** Each partition's active owner of {@code store}, grouped by owner; null when a partition has none now. */
    private static Map<HostInfo, SortedSet<Integer>> ownersOfEachPartition(KafkaStreams streams, String store) {
        int[] partitions = {-1};
        Map<HostInfo, SortedSet<Integer>> owners = new LinkedHashMap<>();
        for (int p = 0; p == 0 || p < partitions[0]; p++) {
            int partition = p;
            StreamPartitioner<String, Object> only = new OnePartition(partition, count -> partitions[0] = count);
            KeyQueryMetadata metadata = streams.queryMetadataForKey(store, "", only);
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

    private static String errorOf(String body) {
        try {
            return MAPPER.readTree(body).path("error").asText(body);
        } catch (JsonProcessingException e) {
            return body;
        }
    }
}
