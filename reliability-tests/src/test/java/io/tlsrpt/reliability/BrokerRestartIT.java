package io.tlsrpt.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tlsrpt.embedded.EmbeddedKafka;
import io.tlsrpt.embedded.RawInputProducer;
import io.tlsrpt.embedded.TopicSnapshot;
import io.tlsrpt.generate.GeneratedInput;
import io.tlsrpt.generate.GeneratorSettings;
import io.tlsrpt.generate.InputKind;
import io.tlsrpt.generate.ReportGenerator;
import io.tlsrpt.processor.app.ProcessorConfig;
import io.tlsrpt.processor.app.TlsRptProcessor;
import io.tlsrpt.schema.TlsReport;
import io.tlsrpt.schema.serde.AvroSerdes;
import io.tlsrpt.testkafka.TestKeystore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault: the broker stops in the middle of ingest and processing and comes back on the same ports and data. A sender
 * posts reports to the HTTPS receiver of a real Connect worker the whole time (retrying on 503 as RFC 8460 senders
 * do); the stream processor runs in the same JVM and is never restarted. While the broker is down the receiver
 * answers 503; every report answered 201 reaches the raw topic and, once, the reports topic; processing resumes by
 * itself.
 */
class BrokerRestartIT {

    @TempDir
    Path dir;

    private final Map<String, String> acknowledged = new ConcurrentHashMap<>();   // raw sha -> report id
    private final AtomicLong answers503 = new AtomicLong();
    private final AtomicLong createdDuringOutage = new AtomicLong();
    private final AtomicBoolean brokerDown = new AtomicBoolean();

    @Test
    void theReceiverAnswers503DuringABrokerOutageNothingAcknowledgedIsLostAndProcessingResumes() throws Exception {
        long started = System.nanoTime();
        List<GeneratedInput> inputs = new ReportGenerator(GeneratorSettings.defaults().withDays(30).withDomains(12))
                .inputs().filter(i -> i.kind() == InputKind.HTTPS_GZIP || i.kind() == InputKind.HTTPS_JSON).toList();
        assertThat(inputs).hasSizeGreaterThanOrEqualTo(300);

        int brokerPort = FreePorts.next();
        int controllerPort = FreePorts.next();
        int httpsPort = FreePorts.next();
        Path kafkaDir = dir.resolve("kafka");
        EmbeddedKafka kafka = Brokers.builder(kafkaDir).brokerPort(brokerPort).controllerPort(controllerPort)
                .start();
        String raw = "tlsrpt.raw";
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(raw, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        String registry = "mock://reliability-outage-" + UUID.randomUUID();
        PipelineRun run = new PipelineRun("outage", raw, kafka.bootstrapServers(), registry);
        Properties props = new Properties();
        props.putAll(run.settings(dir.resolve("state"), 1));
        Path keystore = TestKeystore.create(dir.resolve("tls"));
        URI uri = URI.create("https://127.0.0.1:" + httpsPort + "/v1/tlsrpt");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(TestKeystore.clientTrusting(keystore)).connectTimeout(Duration.ofSeconds(10)).build();
        ExecutorService sender = Executors.newSingleThreadExecutor();
        try (TlsRptProcessor processor = TlsRptProcessor.start(ProcessorConfig.fromProperties(props));
             ConnectStandaloneWorker worker = new ConnectStandaloneWorker(kafka.bootstrapServers(),
                     dir.resolve("connect.offsets"))) {
            Map<String, String> cfg = new HashMap<>();
            cfg.put("https.enabled", "true");
            cfg.put("https.port", Integer.toString(httpsPort));
            cfg.put("https.keystore.path", keystore.toString());
            cfg.put("https.keystore.password", TestKeystore.PASSWORD);
            cfg.put("https.ack.timeout.ms", "3000");
            cfg.put("https.retry.after.seconds", "1");
            worker.putConnector(raw, cfg);
            await().atMost(Duration.ofSeconds(60)).until(worker::taskRunning);
            assertThat(processor.awaitReady(Duration.ofSeconds(90))).isTrue();

            Future<Integer> posting = sender.submit(() -> postAll(client, uri, inputs));
            await().atMost(Duration.ofMinutes(3)).failFast("sender stopped", posting::isDone)
                    .until(() -> acknowledged.size() >= inputs.size() / 3);
            long acknowledgedBefore = acknowledged.size();

            // the fault: the broker goes away while reports arrive and the processor works
            long outageStarted = System.nanoTime();
            kafka.close();
            brokerDown.set(true);   // from here until the restart begins nothing can be acknowledged
            long answers503Before = answers503.get();
            await().atMost(Duration.ofMinutes(2)).until(() -> answers503.get() >= answers503Before + 3);
            assertThat(processor.isLive()).as("the processor waits for the broker, it does not give up").isTrue();
            brokerDown.set(false);
            kafka = Brokers.builder(kafkaDir).brokerPort(brokerPort).controllerPort(controllerPort).start();
            double outageSeconds = (System.nanoTime() - outageStarted) / 1e9;

            assertThat(posting.get(5, TimeUnit.MINUTES)).isEqualTo(inputs.size());
            assertThat(createdDuringOutage.get()).as("201 answers while the broker was down").isZero();
            run.awaitDrained(Duration.ofMinutes(4), processor::isLive);
            assertThat(processor.isReady()).as("processing resumed without a restart").isTrue();

            // nothing acknowledged is lost: every 201 is in the raw topic and, once, in the reports topic
            Set<String> rawKeys = ConcurrentHashMap.newKeySet();
            TopicSnapshot.forEach(kafka.clientProperties(), raw,
                    r -> rawKeys.add(new String(r.key(), StandardCharsets.UTF_8)));
            assertThat(rawKeys).containsAll(acknowledged.keySet());
            Map<String, Integer> reportIds = new HashMap<>();
            try (Deserializer<TlsReport> reports = AvroSerdes.forClass(TlsReport.class, registry, false)
                    .deserializer()) {
                TopicSnapshot.forEach(kafka.clientProperties(), run.reports(), r -> reportIds.merge(
                        reports.deserialize(r.topic(), r.headers(), r.value()).getReportId(), 1, Integer::sum));
            }
            assertThat(reportIds.keySet()).containsExactlyInAnyOrderElementsOf(Set.copyOf(acknowledged.values()));
            assertThat(reportIds.values()).allMatch(n -> n == 1);
            assertThat(worker.taskRunning()).as("connector task %s", worker.taskStates()).isTrue();
            System.out.printf("broker outage of %.1f s after %d of %d reports acknowledged: %d answers 503, 0 answers"
                    + " 201 during the outage, %d acknowledged, %d raw records, %d reports out, processor never"
                    + " restarted (stream threads replaced: %d); %.1f s%n", outageSeconds, acknowledgedBefore,
                    inputs.size(), answers503.get(), acknowledged.size(), rawKeys.size(), reportIds.size(),
                    processor.threadReplacements(), (System.nanoTime() - started) / 1e9);
        } finally {
            sender.shutdownNow();
            kafka.close();
        }
    }

    /** Posts every input until it is answered 201, as a sender does: 503 or no connection means try again. */
    private int postAll(HttpClient client, URI uri, List<GeneratedInput> inputs) throws InterruptedException {
        int created = 0;
        for (GeneratedInput input : inputs) {
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", input.contentType())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(input.bytes())).build();
            while (true) {
                int status;
                try {
                    status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (java.io.IOException e) {
                    status = -1;
                }
                if (status == 201) {
                    if (brokerDown.get()) {
                        createdDuringOutage.incrementAndGet();
                    }
                    acknowledged.put(RawInputProducer.sha256Hex(input.bytes()), input.expected().reportId());
                    created++;
                    break;
                }
                if (status == 503) {
                    answers503.incrementAndGet();
                } else if (status != -1) {
                    throw new AssertionError("unexpected answer " + status + " for " + input.fileName());
                }
                // Retry-After is 1 s
                await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
            }
        }
        return created;
    }
}
