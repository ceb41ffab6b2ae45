package io.tlsrpt.connect.https;

import io.tlsrpt.connect.Corpus;
import io.tlsrpt.testkafka.TestKeystore;
import io.tlsrpt.connect.TlsRptSourceConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real HTTPS receiver against clients that do not play by the rules: slowloris, bodies that never end, lying
 * Content-Length, a thousand hanging connections, malformed requests, wrong methods and paths, old TLS versions.
 * Honest senders must still be answered, threads and heap must stay bounded, and nothing bad may become a record.
 *
 * <p>The JDK server's timeouts are JVM-wide system properties read once; the module's surefire configuration starts
 * the test JVM with {@code sun.net.httpserver.maxReqTime} and {@code idleInterval} (as the worker JVM should be
 * started, see RELIABILITY.md), and the bounds below are derived from the values in force.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class HostileClientsTest {
    private static final Logger log = LoggerFactory.getLogger(HostileClientsTest.class);
    /** The bound an honest sender's answer must come within while the receiver is under attack. */
    private static final Duration HONEST_BOUND = Duration.ofSeconds(5);
    /** Longest a request (headers and body) may take; the JDK server cuts a slower connection. */
    private static final long MAX_REQ_SECONDS = Long.getLong("sun.net.httpserver.maxReqTime", 30);
    /** Longest a connection may sit without sending a request. */
    private static final long IDLE_SECONDS = Long.getLong("sun.net.httpserver.idleInterval", 30);

    @TempDir
    static Path dir;
    private static Path keystore;
    private static RawClients clients;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

    @BeforeAll
    static void keystore() throws Exception {
        keystore = TestKeystore.create(dir);
        clients = new RawClients(keystore);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String postHead(String extraHeaders) {
        return "POST /v1/tlsrpt HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/tlsrpt+gzip\r\n" + extraHeaders + "\r\n";
    }

    private long usedHeapAfterGc() {
        System.gc();
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static long receiverThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("tlsrpt-https-")).count();
    }

    private static Duration timedHonestPost(HttpClient client, URI uri, int n) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> answer = RawClients.post(client, uri, Corpus.gzippedReport(n), HONEST_BOUND);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(answer.statusCode()).as("honest POST answered %s", answer.body()).isEqualTo(201);
        return took;
    }

    @Test
    void thousandHangingConnectionsLeaveHonestSendersServedWithBoundedThreadsAndHeap() throws Exception {
        int silent = 300;
        int tlsHelloDrips = 500;
        int httpHeaderDrips = 200;
        try (ReceiverUnderTest r = new ReceiverUnderTest(keystore, Map.of());
             Dripper dripper = new Dripper(1_000)) {
            HttpClient honest = clients.httpClient();
            timedHonestPost(honest, r.uri(), 0); // warm-up: lazy TLS and class initialisation are not attack cost
            long heapBefore = usedHeapAfterGc();
            int threadsBefore = threads.getThreadCount();
            threads.resetPeakThreadCount();
            List<Socket> attackers = Collections.synchronizedList(new ArrayList<>());
            ExecutorService openers = Executors.newFixedThreadPool(4);
            try {
                long t0 = System.nanoTime();
                byte[] hello = RawClients.clientHello(0x0303);
                List<Future<?>> opened = new ArrayList<>();
                for (int i = 0; i < silent + tlsHelloDrips; i++) {
                    boolean drip = i >= silent;
                    opened.add(openers.submit(() -> {
                        Socket s = clients.tcp(r.port(), 20_000);
                        attackers.add(s);
                        if (drip) {
                            // a ClientHello that never completes: one byte a second
                            dripper.add(s, hello, 1, hello.length - 1);
                        }
                        return null;
                    }));
                }
                byte[] slowHead = ascii(postHead("X-Padding: ") + "a".repeat(100_000));
                for (int i = 0; i < httpHeaderDrips; i++) {
                    opened.add(openers.submit(() -> {
                        SSLSocket s = clients.tls(r.port(), 20_000); // generous: the machine is loaded
                        attackers.add(s);
                        // the request head, one byte a second, never finished
                        dripper.add(s, slowHead, 1, slowHead.length - 1);
                        return null;
                    }));
                }
                for (Future<?> f : opened) {
                    f.get(60, TimeUnit.SECONDS);
                }
                Duration openTook = Duration.ofNanos(System.nanoTime() - t0);
                int hanging = attackers.size() - dripper.cutByServer();

                List<Duration> latencies = new ArrayList<>();
                for (int i = 1; i <= 5; i++) {
                    latencies.add(timedHonestPost(honest, r.uri(), i));
                }
                int threadsDuring = threads.getThreadCount();
                long receiverThreadsDuring = receiverThreads();
                long heapDuring = usedHeapAfterGc();
                int peak = threads.getPeakThreadCount();
                Duration worst = latencies.stream().max(Duration::compareTo).orElseThrow();
                log.info("HOSTILE-FIGURES thousand: {} attacker connections opened in {} ms ({} silent, {} TLS hello drips, "
                                + "{} HTTP header drips), {} still hanging when the honest posts ran, cut so far {}; honest "
                                + "latencies ms {}; JVM threads before {} during {} peak {} (receiver handler threads {}); "
                                + "heap used after GC before {} MiB during {} MiB",
                        attackers.size(), openTook.toMillis(), silent, tlsHelloDrips, httpHeaderDrips, hanging,
                        dripper.cutByServer(), latencies.stream().map(Duration::toMillis).toList(), threadsBefore,
                        threadsDuring, peak, receiverThreadsDuring, heapBefore >> 20, heapDuring >> 20);

                assertThat(attackers).hasSize(silent + tlsHelloDrips + httpHeaderDrips);
                assertThat(hanging).as("attackers still connected while the honest senders posted").isGreaterThanOrEqualTo(900);
                assertThat(worst).as("slowest honest answer under attack").isLessThan(HONEST_BOUND);
                int maxConnections = r.config.getInt(TlsRptSourceConfig.HTTPS_MAX_CONNECTIONS);
                assertThat(peak - threadsBefore).as("threads added by the attack").isLessThanOrEqualTo(maxConnections + 16);
                assertThat(heapDuring - heapBefore).as("heap held by 1,000 hanging connections")
                        .isLessThan(160L << 20);
                assertThat(r.written).hasSize(6); // the honest reports, nothing from the attackers
            } finally {
                openers.shutdownNow();
                for (Socket s : attackers) {
                    s.close();
                }
            }
            // handler threads of the cut connections go away; idle pool threads expire
            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500))
                    .until(() -> threads.getThreadCount() <= threadsBefore + 4);
            log.info("HOSTILE-FIGURES thousand: threads back to {} (before {})", threads.getThreadCount(), threadsBefore);
        }
    }

    @Test
    void slowHeadersSlowBodiesAndShortBodiesAreCutByTheRequestTimeout() throws Exception {
        try (ReceiverUnderTest r = new ReceiverUnderTest(keystore, Map.of());
             Dripper dripper = new Dripper(1_000)) {
            Map<String, List<Socket>> kinds = new LinkedHashMap<>();
            try {
                long t0 = System.nanoTime();
                byte[] slowHead = ascii(postHead("X-Padding: ") + "a".repeat(10_000));
                byte[] slowBody = ascii(postHead("Content-Length: 60000\r\n") + "b".repeat(60_000));
                byte[] shortBody = ascii(postHead("Content-Length: 100\r\n") + "c".repeat(50));
                byte[] chunks = ascii(postHead("Transfer-Encoding: chunked\r\n") + "1\r\nd\r\n");
                for (int i = 0; i < 3; i++) {
                    kinds.computeIfAbsent("silent TCP", k -> new ArrayList<>()).add(clients.tcp(r.port(), 1_000));
                    SSLSocket idleTls = clients.tls(r.port(), 1_000);
                    kinds.computeIfAbsent("TLS handshake, then nothing", k -> new ArrayList<>()).add(idleTls);
                    drip(dripper, kinds, "headers 1 byte/s", clients.tls(r.port(), 1_000), slowHead, 1, slowHead.length - 1);
                    int headLength = postHead("Content-Length: 60000\r\n").length();
                    drip(dripper, kinds, "body 1 byte/s", clients.tls(r.port(), 1_000), slowBody, headLength, slowBody.length - 1);
                    drip(dripper, kinds, "Content-Length 100, 50 sent", clients.tls(r.port(), 1_000), shortBody,
                            shortBody.length, shortBody.length - 1);
                    int chunkStart = chunks.length - "1\r\nd\r\n".length();
                    drip(dripper, kinds, "chunk of 1 byte/s, never ending", clients.tls(r.port(), 1_000), chunks,
                            chunks.length, chunkStart);
                }
                // the bounds: the request timeout (or the idle interval for silent connections) plus the JDK
                // server's 1 s timer tick and slack for this loaded machine
                long deadline = t0 + TimeUnit.SECONDS.toNanos(Math.max(MAX_REQ_SECONDS, IDLE_SECONDS) + 10);
                // watch every connection at once, so each is timed on its own
                Map<String, Long> cutAfterMs = new java.util.concurrent.ConcurrentSkipListMap<>();
                ExecutorService watchers = Executors.newFixedThreadPool(kinds.values().stream().mapToInt(List::size).sum());
                List<Future<Boolean>> watched = new ArrayList<>();
                try {
                    for (Map.Entry<String, List<Socket>> kind : kinds.entrySet()) {
                        for (Socket s : kind.getValue()) {
                            s.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                            watched.add(watchers.submit(() -> {
                                boolean closed = RawClients.closedByServer(s);
                                cutAfterMs.merge(kind.getKey(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), Math::max);
                                return closed;
                            }));
                        }
                    }
                    for (Future<Boolean> f : watched) {
                        assertThat(f.get(Math.max(MAX_REQ_SECONDS, IDLE_SECONDS) + 20, TimeUnit.SECONDS))
                                .as("cut by the server; so far %s", cutAfterMs).isTrue();
                    }
                } finally {
                    watchers.shutdownNow();
                }
                log.info("HOSTILE-FIGURES slow: maxReqTime {} s, idleInterval {} s; connection cut after (ms, worst of 3) {}",
                        MAX_REQ_SECONDS, IDLE_SECONDS, cutAfterMs);
                assertThat(r.written).isEmpty();
                // the permits the slow bodies held are back: a full set of concurrent honest senders is served
                HttpClient honest = clients.httpClient();
                List<Future<Duration>> posts = new ArrayList<>();
                ExecutorService senders = Executors.newFixedThreadPool(8);
                try {
                    for (int i = 0; i < 16; i++) {
                        int n = i;
                        posts.add(senders.submit(() -> timedHonestPost(honest, r.uri(), n)));
                    }
                    for (Future<Duration> f : posts) {
                        assertThat(f.get(30, TimeUnit.SECONDS)).isLessThan(Duration.ofSeconds(15));
                    }
                } finally {
                    senders.shutdownNow();
                }
                assertThat(r.written).hasSize(16);
            } finally {
                for (List<Socket> sockets : kinds.values()) {
                    for (Socket s : sockets) {
                        s.close();
                    }
                }
            }
        }
    }

    private static void drip(Dripper dripper, Map<String, List<Socket>> kinds, String kind, Socket s, byte[] script,
                             int sendAtOnce, int repeatFrom) throws IOException {
        kinds.computeIfAbsent(kind, k -> new ArrayList<>()).add(s);
        dripper.add(s, script, sendAtOnce, repeatFrom);
    }

    @Test
    void endlessChunkedBodyIsCutAtMaxPayloadWith413() throws Exception {
        try (ReceiverUnderTest r = new ReceiverUnderTest(keystore, Map.of())) {
            int maxPayload = r.config.getInt(TlsRptSourceConfig.MAX_PAYLOAD_BYTES);
            SSLSocket s = clients.tls(r.port(), 15_000);
            AtomicLong sent = new AtomicLong();
            Thread writer = new Thread(() -> {
                byte[] chunk = ascii("400\r\n" + "x".repeat(1024) + "\r\n");
                try {
                    OutputStream out = s.getOutputStream();
                    out.write(ascii(postHead("Transfer-Encoding: chunked\r\n")));
                    while (sent.get() < 64L << 20) { // give up after 64 MiB: the receiver should have cut long before
                        out.write(chunk);
                        sent.addAndGet(1024);
                    }
                } catch (IOException e) {
                    log.debug("writer stopped: {}", e.toString()); // the server hung up: expected
                }
            }, "test-endless-chunks");
            try {
                long t0 = System.nanoTime();
                writer.start();
                RawClients.Answer answer = RawClients.readAnswer(s.getInputStream());
                long answeredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                writer.join(15_000);
                log.info("HOSTILE-FIGURES chunked: answer {} after {} ms; the client got {} KiB out before the cut "
                        + "(max.payload.bytes {} KiB)", answer, answeredMs, sent.get() >> 10, maxPayload >> 10);
                assertThat(answer.status()).isEqualTo(413);
                assertThat(writer.isAlive()).as("the server closed the connection after the 413").isFalse();
                assertThat(sent.get()).isLessThan(16L << 20);
                assertThat(r.written).isEmpty();
            } finally {
                s.close();
                writer.join(5_000);
            }
        }
    }

    @Test
    void contentLengthLiesNeverBecomeRecords() throws Exception {
        try (ReceiverUnderTest r = new ReceiverUnderTest(keystore, Map.of())) {
            // declares more than max.payload.bytes: refused before a byte of body is read
            try (SSLSocket s = clients.tls(r.port(), 10_000)) {
                s.getOutputStream().write(ascii(postHead("Content-Length: 1000000000000\r\n")));
                assertThat(RawClients.readAnswer(s.getInputStream()).status()).isEqualTo(413);
            }
            // declares 10, sends 10 more: the record is the declared 10 bytes, the rest is read as a next request
            byte[] report = ascii("{\"a\":\"b\"}\n"); // 10 bytes
            try (SSLSocket s = clients.tls(r.port(), 10_000)) {
                s.getOutputStream().write(ascii("POST /v1/tlsrpt HTTP/1.1\r\nHost: x\r\nContent-Type: application/tlsrpt+json\r\n"
                        + "Content-Length: 10\r\n\r\n"));
                s.getOutputStream().write(report);
                s.getOutputStream().write(ascii("SMUGGLED!\r\n\r\n"));
                InputStream in = s.getInputStream();
                RawClients.Answer first = RawClients.readAnswer(in);
                assertThat(first.status()).isEqualTo(201);
                skipBody(in, first);
                RawClients.Answer second;
                s.setSoTimeout(3_000);
                try {
                    second = RawClients.readAnswer(in);
                } catch (SocketTimeoutException e) {
                    // the JDK server leaves bytes pipelined inside TLS unread; the idle timer closes the connection
                    second = new RawClients.Answer(0, "no answer", false);
                }
                log.info("HOSTILE-FIGURES content-length: 10 declared + 10 extra -> {} then {}", first, second);
                assertThat(second.status() == 400 || second.closed() || second.status() == 0)
                        .as("the extra bytes are not a request: %s", second).isTrue();
            }
            assertThat(r.written).hasSize(1);
            assertThat(r.written.get(0).payload()).isEqualTo(report);
        }
    }

    private static void skipBody(InputStream in, RawClients.Answer answer) throws IOException {
        for (String line : answer.head().split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                in.readNBytes(Integer.parseInt(line.substring(15).trim()));
            }
        }
    }

    @Test
    void malformedRequestsAreRefusedQuicklyAndTheReceiverCarriesOn() throws Exception {
        Map<String, String> malformed = new LinkedHashMap<>();
        malformed.put("no spaces in request line", "GARBAGE\r\n\r\n");
        malformed.put("method only", "POST\r\n\r\n");
        malformed.put("no HTTP version", "POST /v1/tlsrpt\r\n\r\n");
        malformed.put("unknown HTTP version", "POST /v1/tlsrpt HTTP/7.0\r\nContent-Type: application/tlsrpt+json\r\nContent-Length: 2\r\n\r\n{}");
        malformed.put("header without colon", "POST /v1/tlsrpt HTTP/1.1\r\nHost: x\r\nNoColonHere\r\nContent-Type: application/tlsrpt+json\r\n\r\n");
        malformed.put("Content-Length not a number", postHead("Content-Length: abc\r\n"));
        malformed.put("negative Content-Length", postHead("Content-Length: -5\r\n"));
        malformed.put("Content-Length beyond long", postHead("Content-Length: 99999999999999999999999\r\n"));
        malformed.put("two Content-Length", postHead("Content-Length: 1\r\nContent-Length: 2\r\n") + "12");
        malformed.put("Content-Length and chunked", postHead("Content-Length: 3\r\nTransfer-Encoding: chunked\r\n") + "zz\r\n");
        malformed.put("bad chunk size", postHead("Transfer-Encoding: chunked\r\n") + "zz\r\nabc\r\n");
        malformed.put("300 headers", postHead("X-H: v\r\n".repeat(300)));
        malformed.put("500 KB header", postHead("X-Big: " + "h".repeat(500_000) + "\r\n"));
        malformed.put("binary junk", "\u0000\u0001\u0002\u00ff\u00fe\r\n\r\n");
        malformed.put("absolute URI of another host", "POST http://evil.example/ HTTP/1.1\r\nContent-Length: 2\r\n"
                + "Content-Type: application/tlsrpt+json\r\n\r\n{}");
        malformed.put("plain HTTP on the TLS port", "(plain)");
        try (ReceiverUnderTest r = new ReceiverUnderTest(keystore, Map.of())) {
            Map<String, String> outcome = new LinkedHashMap<>();
            for (Map.Entry<String, String> m : malformed.entrySet()) {
                long t0 = System.nanoTime();
                boolean plain = m.getValue().equals("(plain)");
                try (Socket s = plain ? clients.tcp(r.port(), 5_000) : clients.tls(r.port(), 5_000)) {
                    RawClients.Answer answer;
                    try {
                        s.getOutputStream().write(ascii(plain ? postHead("Content-Length: 2\r\n") + "{}" : m.getValue()));
                    } catch (SocketException | javax.net.ssl.SSLException e) {
                        // the receiver refused a long request (the 500 KB header) and closed the connection while
                        // the rest was still being sent: the write meets the reset. Whether it comes before the last
                        // byte is written depends on timing alone
                        answer = new RawClients.Answer(0, "reset while sending: " + e.getMessage(), true);
                        outcome.put(m.getKey(), answer + " in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms");
                        continue;
                    }
                    try {
                        answer = RawClients.readAnswer(s.getInputStream());
                    } catch (SocketTimeoutException e) {
                        answer = new RawClients.Answer(0, "no answer in 5 s", false);
                    }
                    outcome.put(m.getKey(), answer + " in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms");
                    assertThat(answer.status() >= 400 || answer.closed()).as("%s answered %s", m.getKey(), answer.head())
                            .isTrue();
                }
            }
            log.info("HOSTILE-FIGURES malformed: {}", outcome);
            assertThat(r.written).isEmpty();
            assertThat(timedHonestPost(clients.httpClient(), r.uri(), 1)).isLessThan(HONEST_BOUND);
        }
    }

    @Test
    void wrongMethodsAnswer405AndWrongPathsAnswer404() throws Exception {
        try (ReceiverUnderTest r = new ReceiverUnderTest(keystore, Map.of())) {
            HttpClient client = clients.httpClient();
            byte[] report = Corpus.gzippedReport(2);
            for (String method : List.of("GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "BREW")) {
                HttpRequest.BodyPublisher body = List.of("PUT", "PATCH").contains(method)
                        ? HttpRequest.BodyPublishers.ofByteArray(report) : HttpRequest.BodyPublishers.noBody();
                HttpResponse<String> answer = client.send(HttpRequest.newBuilder(r.uri()).timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/tlsrpt+gzip").method(method, body).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as(method).isEqualTo(405);
                assertThat(answer.headers().firstValue("Allow")).as(method).contains("POST");
            }
            for (String path : List.of("/", "/v1/tlsrpt/", "/v1/tlsrptx", "/V1/TLSRPT", "/v1", "/v1/tlsrpt/../admin",
                    "/%2e%2e/v1/tlsrpt", "/v1/tlsrpt%00")) {
                URI uri = URI.create("https://127.0.0.1:" + r.port() + path);
                assertThat(RawClients.post(client, uri, report, Duration.ofSeconds(10)).statusCode()).as(path).isEqualTo(404);
            }
            assertThat(r.written).isEmpty();
            assertThat(timedHonestPost(client, r.uri(), 3)).isLessThan(HONEST_BOUND);
        }
    }

    @Test
    void onlyTls12AndTls13AreAccepted() throws Exception {
        try (ReceiverUnderTest r = new ReceiverUnderTest(keystore, Map.of())) {
            Map<String, String> outcome = new LinkedHashMap<>();
            for (int version : new int[] {0x0301, 0x0302, 0x0303}) {
                try (Socket s = clients.tcp(r.port(), 10_000)) {
                    s.getOutputStream().write(RawClients.clientHello(version));
                    byte[] head = s.getInputStream().readNBytes(11);
                    String what = head.length < 6 ? "closed"
                            : head[0] == 21 ? "alert " + (head.length >= 7 ? head[6] : "?")
                            : head[0] == 22 && head[5] == 2 ? "ServerHello version " + String.format("%02x%02x", head[9], head[10])
                            : "other " + head[0];
                    outcome.put(String.format("ClientHello %04x", version), what);
                    if (version < 0x0303) {
                        assertThat(what).as("TLS %04x refused", version).doesNotStartWith("ServerHello");
                    } else {
                        assertThat(what).isEqualTo("ServerHello version 0303");
                    }
                }
            }
            for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
                try (SSLSocket s = clients.tls(r.port(), 10_000, protocol)) {
                    assertThat(s.getSession().getProtocol()).isEqualTo(protocol);
                    byte[] report = Corpus.gzippedReport(10 + protocol.length());
                    s.getOutputStream().write(ascii(postHead("Content-Length: " + report.length + "\r\n")));
                    s.getOutputStream().write(report);
                    assertThat(RawClients.readAnswer(s.getInputStream()).status()).as(protocol).isEqualTo(201);
                    outcome.put(protocol + " via SSLSocket", "handshake and 201");
                }
            }
            log.info("HOSTILE-FIGURES tls: {}", outcome);
            assertThat(r.written).hasSize(2);
        }
    }
}
