package io.tlsrpt.processor.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.SortedSet;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A list of the whole application over HTTP ({@code GET /v1/incidents}, {@code GET /v1/domains}): the path, the
 * tokens (a tenant's lists its own tenant's items only, 403 for another's), the processor's state, a forwarded
 * request answered with this instance's part, a caller's gathered from every owner ({@link ListGathering}), and the
 * failures each as its status. A subclass parses its query, reads its part of some partitions and names its filters.
 */
abstract class ListEndpoint<Q extends ListQuery<Q>> implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ListEndpoint.class);
    private static final Duration READ_WAIT = Duration.ofSeconds(10);

    private final String path;
    /** What the list is, as the answers and the log name it ("incident list"). */
    private final String what;
    /** The field of its items ({@code incidents}, {@code domains}). */
    private final String itemsField;
    /** The store whose partitions' owners hold the list. */
    private final String store;
    protected final KafkaStreams streams;
    private final QueryPeers peers;
    private final Clock clock;
    private final DomainQueryTokens tokens;
    private final ReadPermits reading;

    /** @param maxReading how many of these lists this instance reads from its stores at once at most */
    ListEndpoint(String path, String what, String itemsField, String store, int maxReading,
                 KafkaStreams streams, QueryPeers peers, Clock clock, DomainQueryTokens tokens) {
        this.path = path;
        this.what = what;
        this.itemsField = itemsField;
        this.store = store;
        this.streams = streams;
        this.peers = peers;
        this.clock = clock;
        this.tokens = tokens;
        this.reading = new ReadPermits(maxReading, READ_WAIT);
    }

    /** @throws IllegalArgumentException naming what cannot be answered */
    abstract Q parse(String rawQuery);

    /**
     * This instance's part of the list for {@code partitions} ({@link ListGathering#part}): the first of its items in
     * the list's order, up to the limit and after the cursor, with how many it matched.
     */
    abstract ObjectNode read(Q query, SortedSet<Integer> partitions, String self);

    /** The answer's own fields, its filters, after {@code as_of}. */
    abstract void filters(Q query, ObjectNode root);

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestURI().getPath().equals(path)) {
            QueryAnswer.error(404, "no such path: " + path + " is the " + what).send(exchange);
            return;
        }
        DomainQueryTokens.Access access = tokens.authorize(exchange);
        if (access == null) {
            return;
        }
        QueryAnswer answer;
        try {
            answer = answer(parse(exchange.getRequestURI().getRawQuery()), access,
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst(QueryPeers.FORWARDED_HEADER) != null);
        } catch (IllegalArgumentException e) {
            answer = QueryAnswer.error(400, e.getMessage());
        } catch (InvalidStateStoreException e) {
            answer = QueryAnswer.error(503, "the stores of the " + what + " are not queryable now (" + e.getMessage()
                    + ")");
        } catch (ReadPermits.Busy e) {
            answer = QueryAnswer.error(503, e.getMessage());
        } catch (StreamsException | IllegalStateException e) {
            LOG.debug("{} while Kafka Streams is {}", what, streams.state(), e);
            answer = QueryAnswer.error(503, "the processor is " + streams.state() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("{} failed", what, e);
            answer = QueryAnswer.error(500, "the query failed: " + e);
        }
        answer.send(exchange);
    }

    private QueryAnswer answer(Q asked, DomainQueryTokens.Access access, String authorization, boolean forwarded) {
        Q query = asked;
        if (access instanceof DomainQueryTokens.OneTenant one) {
            if (asked.tenant() != null && !asked.tenant().equals(one.tenant())) {
                return QueryAnswer.error(403, "a tenant's token asks its own tenant's " + what + " only");
            }
            query = asked.forTenant(one.tenant());
        }
        KafkaStreams.State state = streams.state();
        if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
            return QueryAnswer.error(503, "the processor is " + state);
        }
        Q q = query;
        if (forwarded) {
            if (q.partitions() == null) {
                return QueryAnswer.error(400, "a forwarded " + what + " names its partitions");
            }
            return new QueryAnswer(200, local(q, q.partitions()).toString());
        }
        ListGathering.Outcome outcome = ListGathering.gather(streams, peers, store, itemsField, what,
                theirs -> path + "?" + q.forPeer(theirs), authorization, mine -> local(q, mine));
        if (outcome instanceof ListGathering.Refused refused) {
            return refused.answer();
        }
        // count: every item the question matches; the items: the first of them after the cursor, up to the limit;
        // remaining: how many come after this page, and next the cursor that lists them
        return ListGathering.answer((ListGathering.Gathered) outcome, clock, root -> filters(q, root),
                q.effectiveLimit(), q.after(), q.order(), itemsField);
    }

    private ObjectNode local(Q query, SortedSet<Integer> partitions) {
        return reading.read(() -> read(query, partitions, QueryPeers.address(peers.self())));
    }
}
