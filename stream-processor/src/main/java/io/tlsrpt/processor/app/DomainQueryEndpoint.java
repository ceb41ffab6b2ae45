package io.tlsrpt.processor.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.tlsrpt.processor.decode.DomainNames;
import io.tlsrpt.processor.detect.Incident;
import io.tlsrpt.processor.detect.ReporterCadence;
import io.tlsrpt.processor.served.ServedDomains;
import io.tlsrpt.processor.topology.DomainStateReader;
import io.tlsrpt.processor.topology.DomainStateReader.DomainState;
import io.tlsrpt.processor.topology.DomainWindow;
import io.tlsrpt.processor.topology.StoppedReporters;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/domains/{domain}}: what the processor holds now about a policy domain (its kept windows and its
 * incidents; {@link DomainStateReader}). A domain's state lives in the instance whose task has the domain's
 * partition: another instance forwards the request there (its {@code application.server}, the address this
 * endpoint advertises), once; a forwarded request is answered where it lands or refused with 503.
 */
final class DomainQueryEndpoint implements HttpHandler {

    static final String PATH = TlsRptProcessor.DOMAIN_QUERY_PATH;
    private static final Logger LOG = LoggerFactory.getLogger(DomainQueryEndpoint.class);
    static final String RETRY_AFTER_SECONDS = "5";

    private final KafkaStreams streams;
    private final QueryPeers peers;
    private final DomainStateReader reader;
    private final StoppedReporters stopped;
    private final Clock clock;
    private final Supplier<ServedDomains> served;
    /** Who may ask what: the operator's token, the tenants' tokens, or none asked for. */
    private final DomainQueryTokens tokens;

    /**
     * @param streams this instance's Kafka Streams client
     * @param peers   the other instances, asked for what they keep
     * @param served  the served-domains list in force, for each answer's {@code tenant} and a tenant token's reach
     * @param tokens  the tokens requests must carry (a forwarded request carries on its own)
     */
    DomainQueryEndpoint(KafkaStreams streams, QueryPeers peers, Duration windowSize, Clock clock,
                        Supplier<ServedDomains> served, DomainQueryTokens tokens) {
        this.streams = streams;
        this.peers = peers;
        this.reader = new DomainStateReader(windowSize, clock);
        this.stopped = new StoppedReporters(windowSize);
        this.clock = clock;
        this.served = served;
        this.tokens = tokens;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            HttpEndpoints.respond(exchange, 405, "application/json", "");   // read only: no query, no forward
            return;
        }
        DomainQueryTokens.Access access = tokens.authorize(exchange);
        if (access == null) {
            return;
        }
        String domain = exchange.getRequestURI().getPath().substring(PATH.length());
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        QueryAnswer answer;
        try {
            answer = answer(domain, access, authorization,
                    exchange.getRequestHeaders().getFirst(QueryPeers.FORWARDED_HEADER));
        } catch (StreamsException | IllegalStateException e) {
            // the client's state moved between the check and the call (a rebalance, a shutdown)
            LOG.debug("domain query for {} while Kafka Streams is {}", domain, streams.state(), e);
            answer = QueryAnswer.error(503, "the processor is " + streams.state() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("domain query for {} failed", domain, e);
            answer = QueryAnswer.error(500, "the query failed: " + e);
        }
        answer.send(exchange);
    }

    private QueryAnswer answer(String requested, DomainQueryTokens.Access access, String authorization,
                               String forwardedBy) {
        String domain;
        try {
            domain = DomainNames.canonical(requested);
        } catch (IllegalArgumentException e) {
            return QueryAnswer.error(400, e.getMessage());
        }
        if (access instanceof DomainQueryTokens.OneTenant one && !one.tenant().equals(served.get().tenantOf(domain))) {
            // another tenant's domain, or none's: answered as a domain not kept, so that its existence is not told
            return notKept(domain);
        }
        KafkaStreams.State state = streams.state();
        if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
            return QueryAnswer.error(503, "the processor is " + state);
        }
        KeyQueryMetadata owner = streams.queryMetadataForKey(DomainStateReader.WINDOW_STORE, domain,
                new StringSerializer());
        if (owner == null || KeyQueryMetadata.NOT_AVAILABLE.equals(owner)) {
            return QueryAnswer.error(503, "the processor's tasks are not assigned yet (starting or rebalancing)");
        }
        if (!peers.self().equals(owner.activeHost())) {
            if (forwardedBy != null) {
                // the two instances disagree on the owner (a rebalance under way): no second hop
                return QueryAnswer.error(503, domain + " is not kept here (forwarded by " + forwardedBy
                        + "; its owner is " + address(owner.activeHost()) + ")");
            }
            return peers.ask(owner.activeHost(), PATH + domain, authorization, domain);
        }
        try {
            DomainState kept = reader.read(domain, windowStore(owner.partition()), incidentStore(owner.partition()));
            List<StoppedReporters.Stopped> stops = stopped.read(cadenceStore(owner.partition()), domain);
            if (kept.isEmpty() && stops.isEmpty()) {
                return notKept(domain);
            }
            return new QueryAnswer(200, DomainStateJson.of(kept, stops, served.get().tenantOf(domain),
                    address(peers.self()), clock.instant()));
        } catch (InvalidStateStoreException e) {
            return QueryAnswer.error(503, "the stores of " + domain + "'s partition are not queryable now ("
                    + e.getMessage() + ")");
        }
    }

    private static QueryAnswer notKept(String domain) {
        return QueryAnswer.error(404, "no reports about " + domain
                + " in the windows this processor keeps, and no incident");
    }

    private ReadOnlyWindowStore<String, DomainWindow> windowStore(int partition) {
        return streams.store(StoreQueryParameters.fromNameAndType(DomainStateReader.WINDOW_STORE,
                QueryableStoreTypes.<String, DomainWindow>windowStore()).withPartition(partition));
    }

    private ReadOnlyKeyValueStore<String, ReporterCadence> cadenceStore(int partition) {
        return streams.store(StoreQueryParameters.fromNameAndType(StoppedReporters.STORE,
                QueryableStoreTypes.<String, ReporterCadence>keyValueStore()).withPartition(partition));
    }

    private ReadOnlyKeyValueStore<String, Incident> incidentStore(int partition) {
        return streams.store(StoreQueryParameters.fromNameAndType(DomainStateReader.INCIDENT_STORE,
                QueryableStoreTypes.<String, Incident>keyValueStore()).withPartition(partition));
    }

    static String address(HostInfo host) {
        return QueryPeers.address(host);
    }
}
