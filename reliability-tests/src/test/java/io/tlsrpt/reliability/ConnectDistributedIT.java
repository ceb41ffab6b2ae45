package io.tlsrpt.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.connect.TlsRptSourceConnector;
import io.tlsrpt.embedded.EmbeddedKafka;
import io.tlsrpt.embedded.RawInputProducer;
import io.tlsrpt.embedded.TopicSnapshot;
import io.tlsrpt.generate.GeneratedInput;
import io.tlsrpt.generate.GeneratorSettings;
import io.tlsrpt.generate.InputKind;
import io.tlsrpt.generate.ReportGenerator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault: two Connect workers in distributed mode (separate JVMs, one group, exactly-once source support) run the
 * spool source; the worker that runs the task is killed with SIGKILL while files flow. The other worker takes the task
 * over; every file lands exactly once in the raw topic (read_committed) and ends in done/.
 */
class ConnectDistributedIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONNECTOR = "tlsrpt-spool";
    private static final Path LOGS = Path.of("target", "process-logs", "ConnectDistributedIT");

    @TempDir
    Path dir;

    private final List<ConnectWorkerProcess> workers = new ArrayList<>();

    /** Before the broker stops: a worker whose broker is gone takes its whole graceful timeout to stop. */
    @AfterEach
    void stopWorkers() {
        workers.forEach(ConnectWorkerProcess::close);
        workers.clear();
    }

    @Test
    void whenTheWorkerRunningTheSpoolTaskIsKilledTheOtherTakesOverAndEveryFileLandsOnce() throws Exception {
        long started = System.nanoTime();
        List<GeneratedInput> inputs = new ReportGenerator(GeneratorSettings.defaults().withDays(25).withDomains(8))
                .inputs().toList();
        StagedSpool spool = new StagedSpool(dir.resolve("spool"), inputs);
        Map<String, String> shaByName = spool.shaByName();
        int files = inputs.size();

        try (EmbeddedKafka kafka = Brokers.builder(dir.resolve("kafka")).start()) {
            String raw = "spool.raw";
            try (Admin admin = Admin.create(kafka.clientProperties())) {
                admin.createTopics(List.of(new NewTopic(raw, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            // a broker quota on the task's producer, so that the kill lands while files are flowing
            TaskProducerQuota.limit(kafka.clientProperties(), CONNECTOR, 60_000.0);
            ConnectWorkerProcess a = start("worker-a", kafka);
            ConnectWorkerProcess b = start("worker-b", kafka);
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                    .failFast("a worker died", () -> !a.isAlive() || !b.isAlive())
                    .until(() -> a.get("/") != null && b.get("/") != null);

            Map<String, String> config = new HashMap<>();
            config.put("connector.class", TlsRptSourceConnector.class.getName());
            config.put("tasks.max", "1");
            config.put("topic", raw);
            config.put("exactly.once.support", "required");
            config.put("spool.enabled", "true");
            config.put("spool.inbox.directory", spool.inbox().toString());
            config.put("spool.min.file.age.ms", "0");
            config.put("spool.poll.interval.ms", "200");
            assertThat(a.put("/connectors/" + CONNECTOR + "/config", JSON.writeValueAsString(config)))
                    .isBetween(200, 201);
            String firstWorker = await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                    .until(() -> a.runningTaskWorker(CONNECTOR), w -> w != null);

            spool.release();
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
                    .until(() -> spool.count("done") >= files * 3L / 10);
            ConnectWorkerProcess victim = firstWorker.endsWith(":" + a.restPort()) ? a : b;
            ConnectWorkerProcess survivor = victim == a ? b : a;
            victim.kill();
            long doneAtKill = spool.count("done");
            long claimedAtKill = spool.count("processing");
            long killedAt = System.nanoTime();

            String takenOverBy = await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                    .until(() -> survivor.runningTaskWorker(CONNECTOR), w -> w != null && w.endsWith(":" + survivor.restPort()));
            double takeOverSeconds = (System.nanoTime() - killedAt) / 1e9;
            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500))
                    .failFast("the survivor died", () -> !survivor.isAlive())
                    .until(() -> spool.count("done") == files);

            Map<String, Integer> perKey = new HashMap<>();
            Map<String, String> fileNameByKey = new HashMap<>();
            long records = TopicSnapshot.forEach(kafka.clientProperties(), raw, r -> {
                String key = new String(r.key(), StandardCharsets.UTF_8);
                perKey.merge(key, 1, Integer::sum);
                fileNameByKey.put(key, new String(r.headers().lastHeader("tlsrpt.file-name").value(),
                        StandardCharsets.UTF_8));
                assertThat(RawInputProducer.sha256Hex(r.value())).isEqualTo(key);
            });
            stopWorkers();
            assertThat(perKey).as("one record per file").hasSize(files)
                    .allSatisfy((key, n) -> assertThat(n).as(fileNameByKey.get(key)).isEqualTo(1));
            assertThat(records).isEqualTo(files);
            assertThat(perKey.keySet()).containsExactlyInAnyOrderElementsOf(shaByName.values());
            assertThat(spool.count("inbox")).isZero();
            assertThat(spool.count("processing")).isZero();
            assertThat(spool.count("failed")).isZero();
            System.out.printf("Connect distributed: %d files, 2 workers, task on %s killed with kill -9 after %d files"
                    + " in done/ (%d claimed); taken over by %s in %.1f s; %d records (each file once), %.1f s%n",
                    files, victim.name(), doneAtKill, claimedAtKill, takenOverBy, takeOverSeconds, records,
                    (System.nanoTime() - started) / 1e9);
        }
    }

    /**
     * The deployment runs the HTTPS receiver as its own connector on workers with exactly-once source support on
     * (for the mailbox and spool connectors beside it): every source task then writes through a transactional
     * producer. A POST is still answered 201 only for a record that is committed, once, in the raw topic.
     */
    @Test
    void theHttpsReceiverOnAnExactlyOnceWorkerAnswersCreatedForCommittedRecordsOnly() throws Exception {
        List<GeneratedInput> inputs = new ReportGenerator(GeneratorSettings.defaults().withDays(3).withDomains(10))
                .inputs().filter(i -> i.kind() == InputKind.HTTPS_GZIP || i.kind() == InputKind.HTTPS_JSON).toList();
        int httpsPort = FreePorts.next();
        try (EmbeddedKafka kafka = Brokers.builder(dir.resolve("kafka")).start()) {
            String raw = "https.raw";
            try (Admin admin = Admin.create(kafka.clientProperties())) {
                admin.createTopics(List.of(new NewTopic(raw, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            ConnectWorkerProcess worker = start("worker-https", kafka);
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                    .failFast("the worker died", () -> !worker.isAlive())
                    .until(() -> worker.get("/") != null);
            Map<String, String> config = new HashMap<>();
            config.put("connector.class", TlsRptSourceConnector.class.getName());
            config.put("tasks.max", "1");
            config.put("topic", raw);
            config.put("offsets.storage.topic", "tlsrpt-connect-https-offsets");
            config.put("https.enabled", "true");
            config.put("https.tls.enabled", "false");
            config.put("https.port", Integer.toString(httpsPort));
            assertThat(worker.put("/connectors/tlsrpt-https/config", JSON.writeValueAsString(config)))
                    .isBetween(200, 201);
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                    .until(() -> worker.runningTaskWorker("tlsrpt-https"), w -> w != null);

            URI uri = URI.create("http://127.0.0.1:" + httpsPort + "/v1/tlsrpt");
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).build();
            Map<String, Integer> statusBySha = new HashMap<>();
            for (GeneratedInput input : inputs) {
                HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                        .header("Content-Type", input.contentType())
                        .POST(HttpRequest.BodyPublishers.ofByteArray(input.bytes())).build();
                statusBySha.put(RawInputProducer.sha256Hex(input.bytes()),
                        client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode());
            }

            Map<String, Integer> perKey = new HashMap<>();
            long records = TopicSnapshot.forEach(kafka.clientProperties(), raw,
                    r -> perKey.merge(new String(r.key(), StandardCharsets.UTF_8), 1, Integer::sum));
            stopWorkers();
            assertThat(statusBySha).hasSize(inputs.size()).allSatisfy((sha, status) -> assertThat(status).isEqualTo(201));
            // read_committed: what was answered 201 is committed, and only once
            assertThat(perKey.keySet()).containsExactlyInAnyOrderElementsOf(statusBySha.keySet());
            assertThat(records).isEqualTo(inputs.size());
            System.out.printf("HTTPS receiver on an exactly-once worker: %d reports posted, %d answered 201, %d"
                    + " committed records%n", inputs.size(), statusBySha.size(), records);
        }
    }

    private ConnectWorkerProcess start(String name, EmbeddedKafka kafka) {
        ConnectWorkerProcess w = ConnectWorkerProcess.start(name, LOGS, kafka.bootstrapServers(), "tlsrpt-connect",
                FreePorts.next());
        workers.add(w);
        return w;
    }
}
