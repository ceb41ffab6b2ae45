package io.tlsrpt.processor.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /metrics} (Prometheus text format), {@code /health/live}, {@code /health/ready} and, once added, the domain
 * queries ({@link DomainQueryEndpoint}), the incident lists ({@link IncidentListEndpoint}) and their description
 * ({@link QueryApiDescription}) on the JDK's HTTP server; with a management port, {@code /metrics} and the health endpoints there, on a server of their own.
 */
final class HttpEndpoints implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpEndpoints.class);

    /**
     * Enough threads that stalled clients, a query waiting on another instance and Prometheus leave one for the
     * kubelet's probes ({@link HttpServerThreads}).
     */
    private static final int MAX_THREADS = 32;
    /** The management port's: the probes and the scrape, a few at a time, and nothing else there. */
    private static final int MANAGEMENT_THREADS = 4;

    private final HttpServer server;
    private final String scheme;
    private final ExecutorService executor;

    /** {@code /metrics} and the health endpoints on a port of their own ({@code http.management.port}), or null. */
    private final HttpServer management;
    private final ExecutorService managementExecutor;

    /**
     * @param queries whether {@code /v1/domains/} and {@code /v1/incidents} are served ({@code http.domains.enabled}):
     *                503 until {@link #serveQueries}
     * @param tls     the server's TLS context ({@code http.tls.certificate.file}): HTTPS only; null for plain HTTP
     */
    HttpEndpoints(String host, int port, PrometheusMeterRegistry registry, BooleanSupplier live,
                  BooleanSupplier ready, boolean queries, SSLContext tls) throws IOException {
        this(host, port, registry, live, ready, queries, tls, null, -1);
    }

    /**
     * The same, with {@code /metrics} and the health endpoints on {@code managementHost:managementPort} (plain HTTP,
     * threads of their own) instead of beside the queries; {@code managementPort} -1 for beside them.
     */
    HttpEndpoints(String host, int port, PrometheusMeterRegistry registry, BooleanSupplier live,
                  BooleanSupplier ready, boolean queries, SSLContext tls, String managementHost, int managementPort)
            throws IOException {
        this(host, port, registry, live, ready, queries, tls, false, managementHost, managementPort);
    }

    /**
     * The same; with {@code clientCertificates}, the HTTPS server asks each client for a certificate and refuses the
     * connection without one {@code tls} trusts ({@code http.tls.client.ca.file}).
     */
    HttpEndpoints(String host, int port, PrometheusMeterRegistry registry, BooleanSupplier live,
                  BooleanSupplier ready, boolean queries, SSLContext tls, boolean clientCertificates,
                  String managementHost, int managementPort) throws IOException {
        HttpServerThreads.setServerProperties();
        InetSocketAddress bind = new InetSocketAddress(host, port);
        if (tls == null) {
            server = HttpServer.create(bind, 16);
        } else {
            HttpsServer https = HttpsServer.create(bind, 16);
            https.setHttpsConfigurator(new HttpsConfigurator(tls) {
                @Override
                public void configure(HttpsParameters params) {
                    SSLParameters parameters = tls.getDefaultSSLParameters();
                    parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
                    parameters.setNeedClientAuth(clientCertificates);
                    params.setSSLParameters(parameters);
                }
            });
            server = https;
        }
        scheme = tls == null ? "http" : "https";
        executor = HttpServerThreads.serve(server, "tlsrpt-http", MAX_THREADS);
        QueryMetrics queryMetrics = queries ? new QueryMetrics(registry) : null;
        domainQueries = queries ? new LateHandler("domain", queryMetrics) : null;
        domainLists = queries ? new LateHandler("domains", queryMetrics) : null;
        incidentQueries = queries ? new LateHandler("incidents", queryMetrics) : null;
        if (managementPort < 0) {
            registerManagement(server, registry, live, ready);
        }
        if (queries) {
            server.createContext(DomainQueryEndpoint.PATH, domainQueries);
            server.createContext(DomainListEndpoint.PATH, domainLists);
            server.createContext(IncidentListEndpoint.PATH, incidentQueries);
            server.createContext(QueryApiDescription.PATH, QueryApiDescription::serve);
        }
        server.start();
        HttpServer managementServer = null;
        ExecutorService managementThreads = null;
        try {
            if (managementPort >= 0) {
                managementServer = HttpServer.create(new InetSocketAddress(managementHost, managementPort), 16);
                managementThreads = HttpServerThreads.serve(managementServer, "tlsrpt-management",
                        MANAGEMENT_THREADS);
                registerManagement(managementServer, registry, live, ready);
                managementServer.start();
            }
        } catch (IOException | RuntimeException e) {
            // the JDK's server lets its port go when stopped once started (not before): started first for that
            stop(server, executor);
            stop(managementServer, managementThreads);
            throw e;
        }
        management = managementServer;
        managementExecutor = managementThreads;
        if (management == null) {
            LOG.info("metrics and health on {}://{}:{}/", scheme, host, address().getPort());
        } else {
            LOG.info("queries on {}://{}:{}/, metrics and health on http://{}:{}/", scheme, host,
                    address().getPort(), managementHost, managementAddress().getPort());
        }
    }

    /** {@code /metrics} and the health endpoints on {@code http}. */
    private static void registerManagement(HttpServer http, PrometheusMeterRegistry registry, BooleanSupplier live,
                                           BooleanSupplier ready) {
        http.createContext("/metrics", exchange -> respond(exchange, 200,
                "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
        http.createContext("/health/live", exchange -> health(exchange, live.getAsBoolean()));
        http.createContext("/health/ready", exchange -> health(exchange, ready.getAsBoolean()));
    }

    /** The queries once Kafka Streams exists; until then (the server listens first) 503. */
    private final LateHandler domainQueries;
    private final LateHandler domainLists;
    private final LateHandler incidentQueries;

    /** Answers the domain queries, the domain lists and the incident lists with these from now on. */
    void serveQueries(HttpHandler domains, HttpHandler domainList, HttpHandler incidents) {
        if (domainQueries == null) {
            throw new IllegalStateException("the queries are off (http.domains.enabled=false)");
        }
        domainQueries.handler = domains;
        domainLists.handler = domainList;
        incidentQueries.handler = incidents;
    }

    /**
     * A query handler set once Kafka Streams exists: before, 503 with Retry-After, not the server's 404. Counts each
     * answer ({@link QueryMetrics}) and logs it ({@link QueryAccessLog}).
     */
    private static final class LateHandler implements HttpHandler {

        private final String endpoint;
        private final QueryMetrics metrics;
        private volatile HttpHandler handler;

        LateHandler(String endpoint, QueryMetrics metrics) {
            this.endpoint = endpoint;
            this.metrics = metrics;
        }

        @Override
        public void handle(HttpExchange exchange) throws IOException {
            boolean forwarded = exchange.getRequestHeaders().containsKey(QueryPeers.FORWARDED_HEADER);
            long started = System.nanoTime();
            try {
                HttpHandler set = handler;
                if (set != null) {
                    set.handle(exchange);
                } else {
                    QueryAnswer.error(503, "the processor is starting").send(exchange);
                }
            } finally {
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                metrics.answered(endpoint, exchange.getResponseCode(), forwarded, took);
                QueryAccessLog.answered(exchange, exchange.getResponseCode(), forwarded, took);
            }
        }
    }

    /** {@code https} with TLS, else {@code http}. */
    String scheme() {
        return scheme;
    }

    InetSocketAddress address() {
        return server.getAddress();
    }

    /** Where {@code /metrics} and the health endpoints are: the management port's address, or {@link #address}. */
    InetSocketAddress managementAddress() {
        return management == null ? server.getAddress() : management.getAddress();
    }

    private static void health(HttpExchange exchange, boolean up) throws IOException {
        respond(exchange, up ? 200 : 503, "application/json", up ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}");
    }

    /** Answers a GET or HEAD (405 to anything else) with {@code body}, and closes the exchange. */
    static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            if ("HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        stop(server, executor);
        stop(management, managementExecutor);
    }

    /** Stops {@code http} (null: none) and its threads. */
    private static void stop(HttpServer http, ExecutorService threads) {
        if (http != null) {
            http.stop(0);
        }
        if (threads != null) {
            threads.shutdownNow();
        }
    }
}
