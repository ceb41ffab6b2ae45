package io.tlsrpt.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.cli.embedded.EmbeddedKafka;
import io.tlsrpt.cli.embedded.RawInputProducer;
import io.tlsrpt.cli.embedded.TopicSnapshot;
import io.tlsrpt.cli.generate.GeneratedInput;
import io.tlsrpt.cli.generate.GeneratorSettings;
import io.tlsrpt.cli.generate.ReportGenerator;
import io.tlsrpt.connect.TlsRptSourceConnector;
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

    private ConnectWorkerProcess start(String name, EmbeddedKafka kafka) {
        ConnectWorkerProcess w = ConnectWorkerProcess.start(name, LOGS, kafka.bootstrapServers(), "tlsrpt-connect",
                FreePorts.next());
        workers.add(w);
        return w;
    }
}
