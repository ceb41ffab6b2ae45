package io.tlsrpt.connect.it;

import io.tlsrpt.connect.Corpus;
import io.tlsrpt.testkafka.TestKeystore;
import io.tlsrpt.connect.record.RawRecords;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * HTTPS receiver in a real Connect worker against a real broker: concurrent POSTs of real reports, every 201 backed
 * by a byte-identical record, 503 while the broker is down, and retried posts landing once it is back.
 */
@org.junit.jupiter.api.extension.ExtendWith(SharedKafkaCluster.class)
class HttpsIngestIT {

    @TempDir
    Path dir;

    private final Map<String, byte[]> acceptedBySha = new ConcurrentHashMap<>();
    private final AtomicInteger answers503 = new AtomicInteger();

    @Test
    void everyCreatedAnswerIsBackedByTheRecordAndTheBrokerOutageAnswers503() throws Exception {
        Path keystore = TestKeystore.create(dir);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        URI uri = URI.create("https://127.0.0.1:" + port + "/v1/tlsrpt");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(TestKeystore.clientTrusting(keystore)).connectTimeout(Duration.ofSeconds(10)).build();

        try (KafkaConnectHarness kc = new KafkaConnectHarness(dir, "https")) {
            kc.startWorker();
            Map<String, String> cfg = new HashMap<>();
            cfg.put("https.enabled", "true");
            cfg.put("https.port", Integer.toString(port));
            cfg.put("https.keystore.path", keystore.toString());
            cfg.put("https.keystore.password", TestKeystore.PASSWORD);
            cfg.put("https.ack.timeout.ms", "3000");
            cfg.put("https.retry.after.seconds", "1");
            cfg.put("https.max.concurrent.requests", "64");
            kc.putConnector(cfg);
            await().atMost(Duration.ofSeconds(30)).until(() -> status(client, uri, "GET", new byte[0]) == 405);

            // 200 concurrent POSTs of real reports; a 503 (or a refused connection) is retried as a sender would
            Instant start = Instant.now();
            List<CompletableFuture<Integer>> posts = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                posts.add(postUntilCreated(client, uri, Corpus.gzippedReport(i), Instant.now().plusSeconds(90)));
            }
            CompletableFuture.allOf(posts.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            Duration took = Duration.between(start, Instant.now());
            assertThat(posts).allSatisfy(p -> assertThat(p.join()).isEqualTo(201));
            assertThat(acceptedBySha).hasSize(200);
            System.out.printf("HTTPS: 200 concurrent POSTs all answered 201 in %d ms (%d 503 answers on the way)%n",
                    took.toMillis(), answers503.get());
            assertEveryCreatedIsInTheTopic(kc);

            // broker down: nothing can be acknowledged, so the receiver answers 503 with Retry-After
            kc.stopBroker();
            List<byte[]> duringOutage = new ArrayList<>();
            List<CompletableFuture<HttpResponse<String>>> outageAnswers = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                byte[] body = Corpus.gzippedReport(1000 + i);
                duringOutage.add(body);
                outageAnswers.add(postOnce(client, uri, body));
            }
            for (CompletableFuture<HttpResponse<String>> answer : outageAnswers) {
                HttpResponse<String> r = answer.get(60, TimeUnit.SECONDS);
                assertThat(r.statusCode()).isEqualTo(503);
                assertThat(r.headers().firstValue("Retry-After")).contains("1");
            }
            kc.startBroker();
            List<CompletableFuture<Integer>> retries = new ArrayList<>();
            for (byte[] body : duringOutage) {
                retries.add(postUntilCreated(client, uri, body, Instant.now().plusSeconds(90)));
            }
            CompletableFuture.allOf(retries.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            assertThat(retries).allSatisfy(p -> assertThat(p.join()).isEqualTo(201));
            assertThat(acceptedBySha).hasSize(205);
            assertEveryCreatedIsInTheTopic(kc);
            assertThat(kc.taskRunning()).as("task state %s", kc.taskState()).isTrue();

            // the plugin's metrics are in the worker's JMX: 205 answers 201, at least 5 answers 503
            assertThat(jmxCount("https-requests-total", "201")).isEqualTo(205.0);
            assertThat(jmxCount("https-requests-total", "503")).isGreaterThanOrEqualTo(5.0);
            assertThat(jmxCount("records-committed-total", null)).isGreaterThanOrEqualTo(205.0);
        }
    }

    /** Sums a plugin metric over the worker's JMX beans (kafka.connect:type=plugins,...), optionally by status tag. */
    private static double jmxCount(String attribute, String status) throws Exception {
        javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        double total = 0;
        for (javax.management.ObjectName name : server.queryNames(
                new javax.management.ObjectName("kafka.connect:type=plugins,connector=tlsrpt-https,*"), null)) {
            if (status != null && !status.equals(name.getKeyProperty("status"))) {
                continue;
            }
            try {
                total += ((Number) server.getAttribute(name, attribute)).doubleValue();
            } catch (javax.management.AttributeNotFoundException e) {
                // another metric of the same bean group
            }
        }
        return total;
    }

    private void assertEveryCreatedIsInTheTopic(KafkaConnectHarness kc) {
        Map<String, ConsumerRecord<String, byte[]>> byKey = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : kc.readAll()) {
            byKey.put(r.key(), r);
        }
        acceptedBySha.forEach((sha, body) -> {
            ConsumerRecord<String, byte[]> r = byKey.get(sha);
            assertThat(r).as("record for 201 answer %s", sha).isNotNull();
            assertThat(r.value()).isEqualTo(body);
            assertThat(RawRecords.sha256Hex(r.value())).isEqualTo(r.key());
            assertThat(KafkaConnectHarness.header(r, "tlsrpt.source")).isEqualTo("https");
            assertThat(KafkaConnectHarness.header(r, "content-type")).isEqualTo("application/tlsrpt+gzip");
            assertThat(KafkaConnectHarness.header(r, "tlsrpt.origin")).isEqualTo("127.0.0.1");
            assertThat(Instant.parse(KafkaConnectHarness.header(r, "tlsrpt.received-at"))).isBefore(Instant.now());
        });
    }

    private CompletableFuture<Integer> postUntilCreated(HttpClient client, URI uri, byte[] body, Instant deadline) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/tlsrpt+gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .handle((response, error) -> {
                    if (response != null && response.statusCode() == 201) {
                        String sha = RawRecords.sha256Hex(body);
                        assertThat(response.body()).contains(sha);
                        acceptedBySha.put(sha, body);
                        return CompletableFuture.completedFuture(201);
                    }
                    if (response != null && response.statusCode() != 503) {
                        return CompletableFuture.completedFuture(response.statusCode());
                    }
                    if (response != null) {
                        answers503.incrementAndGet();
                    }
                    if (Instant.now().isAfter(deadline)) {
                        return CompletableFuture.completedFuture(response == null ? -1 : response.statusCode());
                    }
                    return CompletableFuture.supplyAsync(() -> 0,
                                    CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS))
                            .thenCompose(x -> postUntilCreated(client, uri, body, deadline));
                }).thenCompose(f -> f);
    }

    private static CompletableFuture<HttpResponse<String>> postOnce(HttpClient client, URI uri, byte[] body) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/tlsrpt+gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    private static int status(HttpClient client, URI uri, String method, byte[] body) {
        try {
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build();
            return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }
}
