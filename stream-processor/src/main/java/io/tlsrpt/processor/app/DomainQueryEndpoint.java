package io.tlsrpt.processor.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.tlsrpt.processor.decode.DomainNames;
import io.tlsrpt.processor.detect.Incident;
import io.tlsrpt.processor.served.ServedDomains;
import io.tlsrpt.processor.topology.DomainStateReader;
import io.tlsrpt.processor.topology.DomainStateReader.DomainState;
import io.tlsrpt.processor.topology.DomainWindow;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
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
    /** Marks a request one instance forwarded to another: answered locally, never forwarded again. */
    static final String FORWARDED_HEADER = "Tlsrpt-Forwarded-By";

    private static final Logger LOG = LoggerFactory.getLogger(DomainQueryEndpoint.class);
    private static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(5);
    static final String RETRY_AFTER_SECONDS = "5";

    private final KafkaStreams streams;
    private final HostInfo self;
    private final DomainStateReader reader;
    private final Clock clock;
    private final Supplier<ServedDomains> served;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(FORWARD_TIMEOUT).build();
    /** Who may ask what: the operator's token, the tenants' tokens, or none asked for. */
    private final DomainQueryTokens tokens;

    /**
     * @param streams this instance's Kafka Streams client
     * @param self    its {@code application.server}
     * @param served  the served-domains list in force, for each answer's {@code tenant} and a tenant token's reach
     * @param tokens  the tokens requests must carry (a forwarded request carries on its own)
     */
    DomainQueryEndpoint(KafkaStreams streams, HostInfo self, Duration windowSize, Clock clock,
                        Supplier<ServedDomains> served, DomainQueryTokens tokens) {
        this.streams = streams;
        this.self = self;
        this.reader = new DomainStateReader(windowSize, clock);
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
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        DomainQueryTokens.Access access = tokens.access(authorization);
        if (access instanceof DomainQueryTokens.Denied) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"tlsrpt domain queries\"");
            HttpEndpoints.respond(exchange, 401, "application/json", DomainStateJson.error("domain queries need "
                    + "Authorization: Bearer <the token of http.domains.token.file, or a tenant's of "
                    + "http.domains.tenant.tokens.file>"));
            return;
        }
        String domain = exchange.getRequestURI().getPath().substring(PATH.length());
        Answer answer;
        try {
            answer = answer(domain, access, authorization, exchange.getRequestHeaders().getFirst(FORWARDED_HEADER));
        } catch (StreamsException | IllegalStateException e) {
            // the client's state moved between the check and the call (a rebalance, a shutdown)
            LOG.debug("domain query for {} while Kafka Streams is {}", domain, streams.state(), e);
            answer = new Answer(503, DomainStateJson.error("the processor is " + streams.state() + ": "
                    + e.getMessage()));
        } catch (RuntimeException e) {
            LOG.error("domain query for {} failed", domain, e);
            answer = new Answer(500, DomainStateJson.error("the query failed: " + e));
        }
        if (answer.status() == 503) {
            exchange.getResponseHeaders().set("Retry-After", RETRY_AFTER_SECONDS);
        }
        HttpEndpoints.respond(exchange, answer.status(), "application/json", answer.body());
    }

    record Answer(int status, String body) {
    }

    private Answer answer(String requested, DomainQueryTokens.Access access, String authorization,
                          String forwardedBy) {
        String domain;
        try {
            domain = DomainNames.canonical(requested);
        } catch (IllegalArgumentException e) {
            return new Answer(400, DomainStateJson.error(e.getMessage()));
        }
        if (access instanceof DomainQueryTokens.OneTenant one && !one.tenant().equals(served.get().tenantOf(domain))) {
            // another tenant's domain, or none's: answered as a domain not kept, so that its existence is not told
            return notKept(domain);
        }
        KafkaStreams.State state = streams.state();
        if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
            return new Answer(503, DomainStateJson.error("the processor is " + state));
        }
        KeyQueryMetadata owner = streams.queryMetadataForKey(DomainStateReader.WINDOW_STORE, domain,
                new StringSerializer());
        if (owner == null || KeyQueryMetadata.NOT_AVAILABLE.equals(owner)) {
            return new Answer(503, DomainStateJson.error("the processor's tasks are not assigned yet (starting or "
                    + "rebalancing)"));
        }
        if (!self.equals(owner.activeHost())) {
            if (forwardedBy != null) {
                // the two instances disagree on the owner (a rebalance under way): no second hop
                return new Answer(503, DomainStateJson.error(domain + " is not kept here (forwarded by "
                        + forwardedBy + "; its owner is " + address(owner.activeHost()) + ")"));
            }
            return forward(domain, owner.activeHost(), authorization);
        }
        try {
            DomainState kept = reader.read(domain, windowStore(owner.partition()), incidentStore(owner.partition()));
            if (kept.isEmpty()) {
                return notKept(domain);
            }
            return new Answer(200, DomainStateJson.of(kept, served.get().tenantOf(domain), address(self),
                    clock.instant()));
        } catch (InvalidStateStoreException e) {
            return new Answer(503, DomainStateJson.error("the stores of " + domain + "'s partition are not "
                    + "queryable now (" + e.getMessage() + ")"));
        }
    }

    private static Answer notKept(String domain) {
        return new Answer(404, DomainStateJson.error("no reports about " + domain
                + " in the windows this processor keeps, and no incident"));
    }

    private ReadOnlyWindowStore<String, DomainWindow> windowStore(int partition) {
        return streams.store(StoreQueryParameters.fromNameAndType(DomainStateReader.WINDOW_STORE,
                QueryableStoreTypes.<String, DomainWindow>windowStore()).withPartition(partition));
    }

    private ReadOnlyKeyValueStore<String, Incident> incidentStore(int partition) {
        return streams.store(StoreQueryParameters.fromNameAndType(DomainStateReader.INCIDENT_STORE,
                QueryableStoreTypes.<String, Incident>keyValueStore()).withPartition(partition));
    }

    /** Asks the owner with the caller's own {@code Authorization}: the owner judges it as this instance did. */
    private Answer forward(String domain, HostInfo owner, String authorization) {
        URI uri = URI.create("http://" + address(owner) + PATH + domain);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(FORWARD_TIMEOUT)
                .header(FORWARDED_HEADER, address(self)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (IOException e) {
            LOG.warn("cannot forward the query for {} to its owner {}: {}", domain, uri, e.toString());
            return new Answer(502, DomainStateJson.error(domain + " is kept by " + address(owner)
                    + ", which did not answer: " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(503, DomainStateJson.error("interrupted while asking " + address(owner)));
        }
    }

    static String address(HostInfo host) {
        // an IPv6 literal goes in brackets in a URI
        return (host.host().contains(":") ? "[" + host.host() + "]" : host.host()) + ":" + host.port();
    }
}
