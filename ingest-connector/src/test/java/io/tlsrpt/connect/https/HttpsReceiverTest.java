package io.tlsrpt.connect.https;

import io.tlsrpt.connect.Corpus;
import io.tlsrpt.connect.IngestMetrics;
import io.tlsrpt.connect.RecordQueue;
import io.tlsrpt.connect.SourceContext;
import io.tlsrpt.testkafka.TestKeystore;
import io.tlsrpt.connect.TlsRptSourceConfig;
import io.tlsrpt.connect.record.RawRecord;
import io.tlsrpt.connect.record.RawRecords;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The receiver with real HTTPS requests; this test plays Connect's part: it takes records from the queue and
 * acknowledges (or drops) them as the worker's commitRecord would.
 */
class HttpsReceiverTest {
    @TempDir
    static Path dir;
    private static Path keystore;

    @org.junit.jupiter.api.BeforeAll
    static void keystore() throws Exception {
        keystore = TestKeystore.create(dir);
    }

    private HttpsReceiver receiver;
    private Thread connect;
    private volatile boolean running = true;
    private final Metrics metrics = new Metrics();
    private final List<RawRecord> written = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws Exception {
        running = false;
        if (receiver != null) {
            receiver.stop(Duration.ofSeconds(2));
        }
        if (connect != null) {
            connect.join(5_000);
        }
        metrics.close();
    }

    private URI start(Map<String, String> extra, Consumer<RawRecord> playConnect) throws Exception {
        Map<String, String> props = new HashMap<>(Map.of("https.enabled", "true", "https.port", "0",
                "https.ack.timeout.ms", "1000", "https.retry.after.seconds", "7", "max.payload.bytes", "4096"));
        props.putAll(extra);
        if (!props.containsKey("https.tls.enabled")) {
            props.put("https.keystore.path", keystore.toString());
            props.put("https.keystore.password", TestKeystore.PASSWORD);
        }
        RecordQueue queue = new RecordQueue(10, 1_000_000);
        SourceContext ctx = new SourceContext(new TlsRptSourceConfig(props), queue,
                new IngestMetrics(new PluginMetricsImpl(metrics, Map.of()), "t."), null);
        receiver = new HttpsReceiver(ctx);
        receiver.start();
        connect = new Thread(() -> {
            while (running) {
                try {
                    for (RawRecord r : queue.drain(10, 50, TimeUnit.MILLISECONDS)) {
                        playConnect.accept(r);
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        connect.start();
        String scheme = "false".equals(props.get("https.tls.enabled")) ? "http" : "https";
        return URI.create(scheme + "://127.0.0.1:" + receiver.boundPort() + "/v1/tlsrpt");
    }

    private HttpClient client() throws Exception {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(TestKeystore.clientTrusting(keystore)).build();
    }

    private static HttpResponse<String> post(HttpClient client, URI uri, String contentType, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private final Consumer<RawRecord> acknowledge = r -> {
        written.add(r);
        receiver.acknowledged(r.sourceOffset());
    };

    @Test
    void acknowledgedReportsAnswer201WithTheRecordAsReceived() throws Exception {
        URI uri = start(Map.of(), acknowledge);
        HttpClient client = client();
        byte[] gz = Corpus.gzippedReport(3);
        HttpResponse<String> r = post(client, uri, "application/tlsrpt+gzip", gz);
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(r.body()).contains(RawRecords.sha256Hex(gz));
        byte[] json = Corpus.read("rfc8460-appendix-b.json");
        assertThat(post(client, uri, "application/json; charset=utf-8", json).statusCode()).isEqualTo(201);
        assertThat(written).hasSize(2);
        assertThat(written.get(0).payload()).isEqualTo(gz);
        assertThat(written.get(0).contentType()).isEqualTo("application/tlsrpt+gzip");
        assertThat(written.get(0).origin()).isEqualTo("127.0.0.1");
        assertThat(written.get(1).contentType()).isEqualTo("application/json; charset=utf-8");
        assertThat(count("https-requests-total", "status", "201")).isEqualTo(2.0);
        assertThat(count("https-bytes-total", null, null)).isEqualTo((double) gz.length + json.length);
        assertThat(count("records-committed-total", "intake", "https")).isEqualTo(2.0);
    }

    @Test
    void badRequestsAreRefusedWithTheRightStatus() throws Exception {
        URI uri = start(Map.of(), acknowledge);
        HttpClient client = client();
        assertThat(post(client, uri, "text/plain", new byte[] {1}).statusCode()).isEqualTo(415);
        assertThat(post(client, uri, null, new byte[] {1}).statusCode()).isEqualTo(415);
        assertThat(post(client, uri, "application/tlsrpt+json", new byte[0]).statusCode()).isEqualTo(400);
        assertThat(post(client, uri, "application/tlsrpt+json", new byte[5000]).statusCode()).isEqualTo(413);
        assertThat(post(client, uri.resolve("/elsewhere"), "application/tlsrpt+json", new byte[] {1}).statusCode()).isEqualTo(404);
        HttpResponse<String> get = client.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(written).isEmpty();
        assertThat(count("https-requests-total", "status", "415")).isEqualTo(2.0);
    }

    @Test
    void unacknowledgedReportAnswers503WithRetryAfterAndIsTakenBack() throws Exception {
        URI uri = start(Map.of("https.tls.enabled", "false"), r -> written.add(r)); // never acknowledged
        HttpResponse<String> r = post(HttpClient.newHttpClient(), uri, "application/tlsrpt+json",
                Corpus.read("contact-info-null.json"));
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).contains("7");
    }

    @Test
    void droppedRecordIsNotAnsweredWithSuccess() throws Exception {
        URI uri = start(Map.of(), rec -> receiver.dropped(rec.sourceOffset()));
        HttpResponse<String> r = post(client(), uri, "application/tlsrpt+gzip", Corpus.gzippedReport(1));
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("dropped");
        assertThat(count("records-dropped-total", "intake", "https")).isEqualTo(1.0);
    }

    private static HttpResponse<String> postFrom(HttpClient client, URI uri, String forwardedFor, byte[] body)
            throws Exception {
        return postWith(client, uri, forwardedFor == null ? Map.of() : Map.of("X-Forwarded-For", forwardedFor), body);
    }

    private static HttpResponse<String> postWith(HttpClient client, URI uri, Map<String, String> headers, byte[] body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/tlsrpt+gzip").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aClientBeyondItsRateIsAnswered429WithRetryAfterAndNothingIsWritten() throws Exception {
        // half a report a second, two at once: the third POST of a burst waits two seconds for its token
        URI uri = start(Map.of("https.rate.limit.per.client", "0.5", "https.rate.limit.burst", "2"), acknowledge);
        HttpClient client = client();
        byte[] gz = Corpus.gzippedReport(3);

        assertThat(post(client, uri, "application/tlsrpt+gzip", gz).statusCode()).isEqualTo(201);
        assertThat(post(client, uri, "application/tlsrpt+gzip", gz).statusCode()).isEqualTo(201);
        HttpResponse<String> refused = post(client, uri, "application/tlsrpt+gzip", gz);

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(
                v -> assertThat(Long.parseLong(v)).isBetween(1L, 2L));
        assertThat(refused.body()).contains("too many reports from your address");
        assertThat(written).hasSize(2);
        assertThat(count("https-requests-total", "status", "429")).isEqualTo(1.0);
    }

    /** A receiver behind {@code trustedProxies} where each client may send one report in the test's time. */
    private URI startWithOneReportPerClient(String trustedProxies) throws Exception {
        return start(Map.of("https.trusted.proxies", trustedProxies, "https.rate.limit.per.client", "0.001",
                "https.rate.limit.burst", "1"), acknowledge);
    }

    @Test
    void behindATrustedProxyTheForwardedClientIsTheOriginAndHasItsOwnLimit() throws Exception {
        URI uri = startWithOneReportPerClient("127.0.0.0/8");
        HttpClient client = client();
        byte[] gz = Corpus.gzippedReport(3);

        // what the client wrote itself (left) proves nothing; the proxy appended the address it saw (right)
        assertThat(postFrom(client, uri, "10.9.9.9, 198.51.100.7", gz).statusCode()).isEqualTo(201);
        assertThat(postFrom(client, uri, "2001:db8:1:2::10", gz).statusCode()).isEqualTo(201);
        // another address of the same IPv6 /64, and the first client again: both over their limit
        assertThat(postFrom(client, uri, "[2001:db8:1:2::99]:443", gz).statusCode()).isEqualTo(429);
        assertThat(postFrom(client, uri, "198.51.100.7", gz).statusCode()).isEqualTo(429);
        // a third client is not held back by the other two
        assertThat(postFrom(client, uri, "203.0.113.1:5000", gz).statusCode()).isEqualTo(201);

        assertThat(written).extracting(RawRecord::origin)
                .containsExactly("198.51.100.7", "2001:db8:1:2:0:0:0:10", "203.0.113.1");
    }

    /** https.trusted.proxies.header=forwarded: RFC 7239's for= is read, and X-Forwarded-For (the client's own) not. */
    @Test
    void behindProxiesWritingForwardedItsForNodeIsTheClient() throws Exception {
        URI uri = start(Map.of("https.trusted.proxies", "127.0.0.0/8", "https.trusted.proxies.header", "forwarded",
                "https.rate.limit.per.client", "0.001", "https.rate.limit.burst", "1"), acknowledge);
        HttpClient client = client();
        byte[] gz = Corpus.gzippedReport(3);

        assertThat(postWith(client, uri, Map.of("Forwarded", "for=\"[2001:db8::5]:4711\";proto=https",
                "X-Forwarded-For", "203.0.113.9"), gz).statusCode()).isEqualTo(201);
        assertThat(postWith(client, uri, Map.of("Forwarded", "for=198.51.100.7", "X-Forwarded-For", "203.0.113.9"),
                gz).statusCode()).as("another client, whatever X-Forwarded-For says").isEqualTo(201);
        assertThat(postWith(client, uri, Map.of("Forwarded", "for=198.51.100.7"), gz).statusCode()).isEqualTo(429);
        assertThat(written).extracting(RawRecord::origin).containsExactly("2001:db8:0:0:0:0:0:5", "198.51.100.7");
    }

    @Test
    void forwardedForFromAPeerThatIsNotATrustedProxyIsIgnored() throws Exception {
        URI uri = startWithOneReportPerClient("10.0.0.0/8");
        HttpClient client = client();
        byte[] gz = Corpus.gzippedReport(3);

        assertThat(postFrom(client, uri, "198.51.100.7", gz).statusCode()).isEqualTo(201);
        // a client cannot escape its limit by naming another address
        assertThat(postFrom(client, uri, "198.51.100.8", gz).statusCode()).isEqualTo(429);
        assertThat(written).extracting(RawRecord::origin).containsExactly("127.0.0.1");
    }

    private double count(String name, String tag, String value) {
        for (Map.Entry<MetricName, KafkaMetric> e : metrics.metrics().entrySet()) {
            MetricName n = e.getKey();
            if (n.name().equals(name) && (tag == null || value.equals(n.tags().get(tag)))) {
                return ((Number) e.getValue().metricValue()).doubleValue();
            }
        }
        return 0.0;
    }
}
