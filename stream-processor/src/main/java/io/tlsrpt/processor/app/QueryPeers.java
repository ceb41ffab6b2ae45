package io.tlsrpt.processor.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLContext;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks another instance of the application (its {@code application.server}) on behalf of a caller: with the caller's
 * own {@code Authorization}, which that instance judges again, and a header that has it answer from its own stores
 * without asking anyone further.
 */
final class QueryPeers {

    /** Marks a request one instance forwarded to another: answered locally, never forwarded again. */
    static final String FORWARDED_HEADER = "Tlsrpt-Forwarded-By";

    private static final Logger LOG = LoggerFactory.getLogger(QueryPeers.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HostInfo self;
    private final String scheme;
    private final HttpClient client;

    /**
     * @param self    this instance's {@code application.server}
     * @param peerTls how to reach the others over HTTPS (all instances serve HTTPS or none), null for plain HTTP
     */
    QueryPeers(HostInfo self, SSLContext peerTls) {
        this.self = self;
        this.scheme = peerTls == null ? "http" : "https";
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(TIMEOUT);
        if (peerTls != null) {
            builder.sslContext(peerTls);
        }
        this.client = builder.build();
    }

    HostInfo self() {
        return self;
    }

    /**
     * @param pathAndQuery what to ask, from the path on
     * @param what         what the peer keeps that is asked ("example.com"), for the error and the log line when
     *                     it does not answer
     * @return the peer's answer as it came, 502 when it did not answer
     */
    QueryAnswer ask(HostInfo peer, String pathAndQuery, String authorization, String what) {
        return answer(askAsync(peer, pathAndQuery, authorization, what), peer);
    }

    /** Waits for {@code peer}'s answer asked with {@link #askAsync}: 503 when this thread is interrupted meanwhile. */
    static QueryAnswer answer(CompletableFuture<QueryAnswer> asking, HostInfo peer) {
        try {
            return asking.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return QueryAnswer.error(503, "interrupted while asking " + address(peer));
        } catch (ExecutionException e) {
            // askAsync completes with an answer whatever happens; anything else is a defect, reported as one
            throw new IllegalStateException("asking " + address(peer) + " failed", e.getCause());
        }
    }

    /**
     * The same without waiting, so that one caller asks several peers at once (the slowest, not their sum, is how
     * long it waits): completes with the peer's answer, or 502 when it did not answer.
     */
    CompletableFuture<QueryAnswer> askAsync(HostInfo peer, String pathAndQuery, String authorization, String what) {
        URI uri = URI.create(scheme + "://" + address(peer) + pathAndQuery);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .header(FORWARDED_HEADER, address(self)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
                .handle((response, failure) -> {
                    if (failure == null) {
                        return new QueryAnswer(response.statusCode(), response.body());
                    }
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                    LOG.warn("cannot ask {} of {}: {}", what, uri, cause.toString());
                    return QueryAnswer.error(502, address(peer) + ", which keeps " + what + ", did not answer: "
                            + cause.getMessage());
                });
    }

    static String address(HostInfo host) {
        // an IPv6 literal goes in brackets in a URI
        return (host.host().contains(":") ? "[" + host.host() + "]" : host.host()) + ":" + host.port();
    }
}
