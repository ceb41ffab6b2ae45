package io.tlsrpt.connect.https;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.tlsrpt.connect.InFlight;
import io.tlsrpt.connect.IngestSource;
import io.tlsrpt.connect.SourceContext;
import io.tlsrpt.connect.TlsRptSourceConfig;
import io.tlsrpt.connect.record.RawRecord;
import io.tlsrpt.connect.record.RawRecords;
import io.tlsrpt.net.ClientAddresses;
import io.tlsrpt.tls.ServerCertificate;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The RFC 8460 section 5.4 receiver: reports POSTed to one path become records, and the sender hears 201 only once
 * Kafka has acknowledged the record. Built on the JDK's HttpServer/HttpsServer (no Jetty in the plugin: Connect
 * brings its own and two Jetty versions on one class path collide).
 */
public final class HttpsReceiver implements IngestSource {
    private static final Logger log = LoggerFactory.getLogger(HttpsReceiver.class);
    static final String OFFSET_SEQ = "seq";
    /** Clients the rate limiter keeps a bucket for (some 100 bytes each); beyond it they share one. */
    static final int MAX_RATE_LIMITED_CLIENTS = 100_000;

    private enum Outcome { ACKNOWLEDGED, DROPPED, STOPPING }

    private record Pending(CompletableFuture<Outcome> outcome, long receivedNanos) {
    }

    private final SourceContext ctx;
    private final TlsRptSourceConfig config;
    private final Map<String, String> partition = Map.of("source", TlsRptSourceConfig.SOURCE_HTTPS);
    private final InFlight<Pending> inFlight = new InFlight<>();
    private final AtomicLong nextSeq = new AtomicLong();
    /** Held while a sequence is taken and its record queued (fair: the handlers queue in the order they came). */
    private final ReentrantLock enqueueInOrder = new ReentrantLock(true);
    private final Semaphore permits;
    private final String path;
    private final int maxPayload;
    private final long ackTimeoutMs;
    private final String retryAfter;
    private final ClientAddresses clients;
    /** Null when https.rate.limit.per.client is 0. */
    private final ClientRateLimiter limiter;
    private volatile boolean stopping;
    private HttpServer server;
    private ThreadPoolExecutor executor;

    public HttpsReceiver(SourceContext ctx) {
        this.ctx = ctx;
        this.config = ctx.config();
        this.permits = new Semaphore(config.getInt(TlsRptSourceConfig.HTTPS_MAX_CONCURRENT_REQUESTS));
        this.path = config.getString(TlsRptSourceConfig.HTTPS_PATH);
        this.maxPayload = config.getInt(TlsRptSourceConfig.MAX_PAYLOAD_BYTES);
        this.ackTimeoutMs = config.getLong(TlsRptSourceConfig.HTTPS_ACK_TIMEOUT_MS);
        this.retryAfter = Integer.toString(config.getInt(TlsRptSourceConfig.HTTPS_RETRY_AFTER_SECONDS));
        this.clients = new ClientAddresses(config.getList(TlsRptSourceConfig.HTTPS_TRUSTED_PROXIES),
                ClientAddresses.Header.named(config.getString(TlsRptSourceConfig.HTTPS_TRUSTED_PROXIES_HEADER)));
        double perClient = config.getDouble(TlsRptSourceConfig.HTTPS_RATE_LIMIT_PER_CLIENT);
        this.limiter = perClient > 0 ? new ClientRateLimiter(perClient,
                config.getInt(TlsRptSourceConfig.HTTPS_RATE_LIMIT_BURST), MAX_RATE_LIMITED_CLIENTS, System::nanoTime)
                : null;
    }

    /** Throws IllegalArgumentException, saying why, when {@code proxy} is neither an IP address nor a CIDR block. */
    public static void checkProxy(String proxy) {
        ClientAddresses.block(proxy);
    }

    @Override
    public String name() {
        return TlsRptSourceConfig.SOURCE_HTTPS;
    }

    @Override
    public void start() throws Exception {
        applyJdkServerTimeouts();
        Map<String, Object> stored = ctx.offsets() == null ? null : ctx.offsets().offset(partition);
        nextSeq.set(Math.max(0L, InFlight.position(stored, OFFSET_SEQ)) + 1);

        InetSocketAddress bind = new InetSocketAddress(config.getString(TlsRptSourceConfig.HTTPS_BIND_ADDRESS),
                config.getInt(TlsRptSourceConfig.HTTPS_PORT));
        int connections = config.getInt(TlsRptSourceConfig.HTTPS_MAX_CONNECTIONS);
        // the accept backlog only has to absorb bursts between two turns of the server's dispatcher loop
        int backlog = Math.min(connections, 1_024);
        if (config.getBoolean(TlsRptSourceConfig.HTTPS_TLS_ENABLED)) {
            HttpsServer https = HttpsServer.create(bind, backlog);
            https.setHttpsConfigurator(configurator(sslContext()));
            server = https;
        } else {
            server = HttpServer.create(bind, backlog);
        }
        // The JDK server runs the TLS handshake and reads the request head and body on the executor's thread, with
        // blocking reads: a slow or stalled client holds a thread until the request timeout cuts it. So the threads
        // are bounded by the connection limit, not by the request permits (which bound payload memory): with few
        // threads, a handful of slowloris clients would make the server refuse every honest sender. Threads are
        // made on demand and end after a few idle seconds; beyond the limit the connection is closed.
        AtomicInteger threadNo = new AtomicInteger();
        executor = new ThreadPoolExecutor(0, connections, 5, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "tlsrpt-https-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        log.info("TLS-RPT {} receiver listening on {}{} (ack timeout {} ms)",
                server instanceof HttpsServer ? "HTTPS" : "plain HTTP", server.getAddress(), path, ackTimeoutMs);
    }

    /** The address actually bound (127.0.0.1 unless https.bind.address says otherwise). */
    public InetSocketAddress boundAddress() {
        return server.getAddress();
    }

    /** The port actually bound (useful when configured as 0). */
    public int boundPort() {
        return server.getAddress().getPort();
    }

    /**
     * The keystore's certificate, read again when the file changes (a renewed secret mounted in place is served
     * without restarting the task), with its expiry and reloads on the connector's metrics.
     */
    private SSLContext sslContext() {
        String storePassword = config.password(TlsRptSourceConfig.HTTPS_KEYSTORE_PASSWORD);
        String keyPassword = config.password(TlsRptSourceConfig.HTTPS_KEY_PASSWORD);
        ServerCertificate certificate = ServerCertificate.fromKeyStore(
                Path.of(config.getString(TlsRptSourceConfig.HTTPS_KEYSTORE_PATH)),
                config.getString(TlsRptSourceConfig.HTTPS_KEYSTORE_TYPE),
                storePassword.toCharArray(), (keyPassword.isEmpty() ? storePassword : keyPassword).toCharArray(),
                InstantSource.system());
        ctx.metrics().registerCertificateGauges(certificate);
        return certificate.serverContext();
    }

    private HttpsConfigurator configurator(SSLContext ssl) {
        List<String> protocols = config.getList(TlsRptSourceConfig.HTTPS_TLS_PROTOCOLS);
        return new HttpsConfigurator(ssl) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = ssl.getDefaultSSLParameters();
                p.setProtocols(protocols.toArray(String[]::new));
                p.setNeedClientAuth(false);
                params.setSSLParameters(p);
            }
        };
    }

    /** The JDK server reads its timeouts from JVM-wide properties once; set them unless the operator did. */
    private void applyJdkServerTimeouts() {
        long reqSeconds = Math.max(1, (config.getLong(TlsRptSourceConfig.HTTPS_REQUEST_TIMEOUT_MS) + 999) / 1000);
        long idleSeconds = Math.max(1, (config.getLong(TlsRptSourceConfig.HTTPS_IDLE_TIMEOUT_MS) + 999) / 1000);
        setIfAbsent("sun.net.httpserver.maxReqTime", Long.toString(reqSeconds));
        setIfAbsent("sun.net.httpserver.maxRspTime", Long.toString(reqSeconds));
        setIfAbsent("sun.net.httpserver.idleInterval", Long.toString(idleSeconds));
        // sockets beyond the handler threads would only wait for one: close them at accept instead
        setIfAbsent("jdk.httpserver.maxConnections",
                Integer.toString(config.getInt(TlsRptSourceConfig.HTTPS_MAX_CONNECTIONS)));
        // without TCP_NODELAY, Nagle + the client's delayed ACK add ~40 ms to every keep-alive answer (BENCHMARKS.md)
        setIfAbsent("sun.net.httpserver.nodelay", "true");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    private void handle(HttpExchange ex) {
        try {
            if (!ex.getProtocol().startsWith("HTTP/1.")) {
                // the JDK server takes any version string and answers as HTTP/1.1; a client speaking something
                // else is not a TLS-RPT sender
                respond(ex, 505, "{\"error\":\"use HTTP/1.1\"}", true);
            } else if (!path.equals(ex.getRequestURI().getPath())) {
                respond(ex, 404, "{\"error\":\"not found\"}", true);
            } else if (!"POST".equals(ex.getRequestMethod())) {
                ex.getResponseHeaders().set("Allow", "POST");
                respond(ex, 405, "{\"error\":\"use POST\"}", true);
            } else if (stopping) {
                serviceUnavailable(ex, "receiver is shutting down", true);
            } else {
                InetAddress client = clients.client(ex.getRemoteAddress().getAddress(),
                        ex.getRequestHeaders().get(clients.headerName()));
                long wait = limiter == null ? 0 : limiter.admit(ClientAddresses.rateKey(client));
                if (wait > 0) {
                    ex.getResponseHeaders().set("Retry-After", Long.toString(wait));
                    respond(ex, 429, "{\"error\":\"too many reports from your address; retry after " + wait
                            + " s\"}", true);
                } else if (!permits.tryAcquire()) {
                    serviceUnavailable(ex, "too many concurrent requests", true);
                } else {
                    try {
                        receive(ex, client);
                    } finally {
                        permits.release();
                    }
                }
            }
        } catch (IOException e) {
            log.debug("HTTP exchange with {} failed: {}", ex.getRemoteAddress(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.debug("HTTP handler interrupted while serving {}", ex.getRemoteAddress());
        } catch (RuntimeException e) {
            log.error("Unexpected error serving {}", ex.getRemoteAddress(), e);
            try {
                respond(ex, 500, "{\"error\":\"internal error\"}", true);
            } catch (IOException io) {
                log.debug("Could not send 500 to {}: {}", ex.getRemoteAddress(), io.toString());
            }
        } finally {
            ex.close();
        }
    }

    private void receive(HttpExchange ex, InetAddress client) throws IOException, InterruptedException {
        long receivedNanos = System.nanoTime();
        Instant receivedAt = Instant.now();
        String contentType = ex.getRequestHeaders().getFirst("Content-Type");
        if (!MediaTypes.accepted(contentType)) {
            respond(ex, 415, "{\"error\":\"unsupported content type; use application/tlsrpt+gzip or application/tlsrpt+json\"}", true);
            return;
        }
        String declaredLength = ex.getRequestHeaders().getFirst("Content-Length");
        if (declaredLength != null && declaredLength.trim().matches("\\d{1,19}")
                && Long.parseLong(declaredLength.trim()) > maxPayload) {
            respond(ex, 413, "{\"error\":\"report larger than " + maxPayload + " bytes\"}", true);
            return;
        }
        byte[] body;
        // not closed here: closing drains the rest of the body, which for a malformed or endless body would block
        // before the answer is sent; the exchange's close() in handle() drains (bounded) after answering
        InputStream in = ex.getRequestBody();
        try {
            body = in.readNBytes(maxPayload + 1);
        } catch (IOException e) {
            // a malformed chunked body (or the client went away): say so if it still listens, and close, rather
            // than leave the connection hanging until the request timeout
            log.debug("Unreadable request body from {}: {}", ex.getRemoteAddress(), e.toString());
            respond(ex, 400, "{\"error\":\"malformed or incomplete request body\"}", true);
            return;
        }
        if (body.length > maxPayload) {
            respond(ex, 413, "{\"error\":\"report larger than " + maxPayload + " bytes\"}", true);
            return;
        }
        if (body.length == 0) {
            respond(ex, 400, "{\"error\":\"empty body\"}", false);
            return;
        }
        String origin = client.getHostAddress();
        Pending pending = new Pending(new CompletableFuture<>(), receivedNanos);
        long deadline = receivedNanos + TimeUnit.MILLISECONDS.toNanos(ackTimeoutMs);
        long seq;
        RawRecord raw;
        // The sequence is taken and the record queued under one lock, so that the queue holds them in sequence
        // order: Connect commits a partition's offsets in the order it polled the records, and a commit settles
        // every sequence up to the one committed. Were a later sequence queued first (two handlers waiting for room,
        // the second woken first), its commit would answer 201 for the earlier one still queued, lost if the task
        // stopped then.
        if (!enqueueInOrder.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            serviceUnavailable(ex, "ingest queue full: Kafka is not keeping up", false);
            return;
        }
        try {
            seq = nextSeq.getAndIncrement();
            raw = new RawRecord(body, TlsRptSourceConfig.SOURCE_HTTPS, receivedAt, MediaTypes.recorded(contentType),
                    origin, null, partition, Map.of(OFFSET_SEQ, seq));
            inFlight.put(seq, pending);
            boolean queued = false;
            try {
                queued = ctx.queue().offer(raw, deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            } finally {
                if (!queued) {   // no room in time, or interrupted (the task stopping): nothing to settle later
                    inFlight.remove(seq);
                    raw = null;
                }
            }
        } finally {
            enqueueInOrder.unlock();
        }
        if (raw == null) {
            serviceUnavailable(ex, "ingest queue full: Kafka is not keeping up", false);
            return;
        }
        ctx.metrics().received(TlsRptSourceConfig.SOURCE_HTTPS, body.length);
        Outcome outcome;
        try {
            outcome = pending.outcome().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // Never handed to Connect: take it back so it cannot land after we said 503.
            if (ctx.queue().withdraw(raw)) {
                inFlight.remove(seq);
            }
            serviceUnavailable(ex, "Kafka did not acknowledge the report in time", false);
            return;
        } catch (ExecutionException e) {
            throw new IllegalStateException("acknowledgement future failed", e);
        }
        switch (outcome) {
            case ACKNOWLEDGED -> respond(ex, 201, "{\"status\":\"accepted\",\"sha256\":\""
                    + RawRecords.sha256Hex(body) + "\"}", false);
            case DROPPED -> serviceUnavailable(ex, "the record was not written (dropped by the Connect pipeline)", false);
            case STOPPING -> serviceUnavailable(ex, "receiver is shutting down", false);
            default -> throw new IllegalStateException("unknown outcome " + outcome);
        }
    }

    private void serviceUnavailable(HttpExchange ex, String why, boolean bodyUnread) throws IOException {
        ex.getResponseHeaders().set("Retry-After", retryAfter);
        respond(ex, 503, "{\"error\":\"" + why + "\"}", bodyUnread);
    }

    private void respond(HttpExchange ex, int status, String json, boolean bodyUnread) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        if (bodyUnread) {
            // the request body was not read: do not try to reuse the connection
            ex.getResponseHeaders().set("Connection", "close");
        }
        ctx.metrics().httpResponse(status);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void acknowledged(Map<String, ?> sourceOffset) {
        Pending p = inFlight.remove(InFlight.position(sourceOffset, OFFSET_SEQ));
        if (p != null) {
            settle(p, Outcome.ACKNOWLEDGED);
        }
    }

    @Override
    public void dropped(Map<String, ?> sourceOffset) {
        Pending p = inFlight.remove(InFlight.position(sourceOffset, OFFSET_SEQ));
        if (p != null) {
            ctx.metrics().dropped(name());
            p.outcome().complete(Outcome.DROPPED);
        }
    }

    @Override
    public void offsetsCommitted(OffsetStorageReader reader) {
        if (inFlight.size() == 0) {
            return;
        }
        long committed = InFlight.position(reader.offset(partition), OFFSET_SEQ);
        for (Pending p : inFlight.removeUpTo(committed).values()) {
            settle(p, Outcome.ACKNOWLEDGED);
        }
    }

    private void settle(Pending p, Outcome outcome) {
        if (p.outcome().complete(outcome)) {
            ctx.metrics().committed(name(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - p.receivedNanos()));
        }
    }

    @Override
    public void stop(Duration budget) {
        stopping = true;
        for (Pending p : inFlight.removeAll().values()) {
            p.outcome().complete(Outcome.STOPPING);
        }
        if (server != null) {
            // waits (up to a second) for handlers to send the answers just released
            server.stop(1);
        }
        if (executor != null) {
            executor.shutdownNow();
            try {
                if (!executor.awaitTermination(Math.max(1, budget.toMillis()), TimeUnit.MILLISECONDS)) {
                    log.warn("HTTPS handler threads still running after {}", budget);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        log.info("TLS-RPT HTTPS receiver stopped");
    }
}
