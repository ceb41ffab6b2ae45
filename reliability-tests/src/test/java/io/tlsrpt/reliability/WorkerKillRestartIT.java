package io.tlsrpt.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.connect.TlsRptSourceConnector;
import io.tlsrpt.embedded.EmbeddedKafka;
import io.tlsrpt.embedded.TopicSnapshot;
import io.tlsrpt.generate.GeneratedInput;
import io.tlsrpt.generate.GeneratorSettings;
import io.tlsrpt.generate.ReportGenerator;
import io.tlsrpt.reliability.RawTopicContent.Raw;
import io.tlsrpt.reliability.ReportMailbox.Mail;
import io.tlsrpt.testkafka.TestKeystore;
import jakarta.mail.Flags;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault: the only Connect worker (distributed mode, its own JVM, exactly-once source support, as a user deploys it)
 * is killed with SIGKILL in the middle of an IMAP ingest, and of a spool ingest, then started again: the same
 * properties, the same REST port, the same mailbox or directory. Every mail and every file lands in the raw topic
 * exactly once (read_committed), nothing is lost, and a mail or file is moved only once its record is committed.
 * The same kill of a standalone worker (at-least-once) loses no mail either, and sends again only mails that were in
 * Kafka but not yet moved. See RELIABILITY.md, test 6.
 */
class WorkerKillRestartIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path LOGS = Path.of("target", "process-logs", "WorkerKillRestartIT");
    private static final String RAW = "tlsrpt.raw";
    private static final int MAILS = 300;
    private static final int FILES = 300;

    @TempDir
    Path dir;

    private ConnectWorkerProcess worker;

    /** Before the broker stops: a worker whose broker is gone takes its whole graceful timeout to stop. */
    @AfterEach
    void stopWorker() {
        if (worker != null) {
            worker.close();
            worker = null;
        }
    }

    @Test
    void everyMailLandsOnceWhenTheWorkerIsKilledMidIngestAndRestarted() throws Exception {
        long started = System.nanoTime();
        String connector = "tlsrpt-imap";
        try (ReportMailbox mailbox = new ReportMailbox(TestKeystore.create(dir.resolve("tls")));
             EmbeddedKafka kafka = Brokers.builder(dir.resolve("kafka")).start()) {
            Map<String, Mail> bySha = deliver(mailbox);
            long uidValidity = mailbox.uidValidity("INBOX");
            Map<String, String> config = imapConfig(mailbox);
            // mails are about 1.5 KiB: about 25 a second reach Kafka, so that the kill lands while they flow
            startWorkerAndConnector(kafka, connector, config, 40_000);
            long ingestStarted = System.nanoTime();
            long killedAt = killWhen(() -> mailbox.count("processed") >= MAILS * 3 / 10, kafka, true);
            // the dead worker moves nothing more, and its open transaction stays invisible to read_committed
            Set<String> committedAtKill = someButNotAllInKafka(kafka, MAILS);
            List<Mail> movedAtKill = mailbox.read("processed");
            int inboxAtKill = mailbox.count("INBOX");
            assertThat(inboxAtKill).isEqualTo(MAILS - movedAtKill.size()).isPositive();
            assertThat(movedAtKill).as("a mail is moved only after its record is committed")
                    .allSatisfy(m -> assertThat(committedAtKill).contains(m.sha256()));
            long committedNotMoved = committedAtKill.size() - movedAtKill.size();
            JsonNode offsetAtKill = committedOffset(kafka, connector);
            long lastCommittedUid = committedAtKill.stream().mapToLong(sha -> bySha.get(sha).uid()).max().orElseThrow();
            assertThat(offsetAtKill.path("uid").asLong()).as("offset of the last committed mail")
                    .isEqualTo(lastCommittedUid);
            assertThat(offsetAtKill.path("uidvalidity").asLong()).isEqualTo(uidValidity);

            TaskProducerQuota.lift(kafka.clientProperties(), connector);
            double restartSeconds = restartAndAwaitTask(connector, killedAt);
            awaitResumedFrom("resuming above UID " + lastCommittedUid + " (UIDVALIDITY " + uidValidity + "); "
                    + committedNotMoved + " committed mails still to move");
            double ingestSeconds = awaitDone(() -> mailbox.count("processed") == MAILS && mailbox.count("INBOX") == 0,
                    ingestStarted);
            List<Raw> records = RawTopicContent.committed(kafka.clientProperties(), RAW);
            long uncommitted = RawTopicContent.uncommittedCount(kafka.clientProperties(), RAW);
            Map<String, Long> perKey = perKey(records);
            assertThat(perKey.keySet()).as("every mail landed").containsExactlyInAnyOrderElementsOf(bySha.keySet());
            assertThat(landedTwice(perKey)).as("mails landed more than once").isEmpty();
            assertThat(records).hasSize(MAILS);
            assertMailRecords(records, bySha, mailbox, uidValidity);
            assertMailboxEndState(mailbox, bySha);
            System.out.printf("IMAP worker kill: %d mails (IMAPS), kill -9 with %d committed in Kafka, %d moved, %d in"
                    + " INBOX (%d committed but not yet moved); restarted task running %.1f s after the kill;"
                    + " %d records (%d distinct, %d duplicates), %d records of aborted transactions; ingest %.1f s,"
                    + " test %.1f s%n", MAILS, committedAtKill.size(), movedAtKill.size(), inboxAtKill,
                    committedNotMoved, restartSeconds, records.size(), perKey.size(), records.size() - perKey.size(),
                    uncommitted - records.size(), ingestSeconds, (System.nanoTime() - started) / 1e9);
        }
    }

    @Test
    void everyFileLandsOnceWhenTheWorkerIsKilledMidIngestAndRestarted() throws Exception {
        long started = System.nanoTime();
        String connector = "tlsrpt-spool";
        List<GeneratedInput> inputs = new ReportGenerator(GeneratorSettings.defaults().withDays(25).withDomains(8))
                .inputs().limit(FILES).toList();
        StagedSpool spool = new StagedSpool(dir.resolve("spool"), inputs);
        Map<String, String> shaByName = spool.shaByName();
        assertThat(Set.copyOf(shaByName.values())).as("distinct files").hasSize(FILES);

        try (EmbeddedKafka kafka = Brokers.builder(dir.resolve("kafka")).start()) {
            Map<String, String> config = new HashMap<>();
            config.put("spool.enabled", "true");
            config.put("spool.inbox.directory", spool.inbox().toString());
            config.put("spool.min.file.age.ms", "0");
            config.put("spool.poll.interval.ms", "200");
            startWorkerAndConnector(kafka, connector, config, 40_000);
            long ingestStarted = System.nanoTime();
            spool.release();
            long killedAt = killWhen(() -> spool.count("done") >= FILES * 3 / 10, kafka, true);
            Set<String> committedAtKill = someButNotAllInKafka(kafka, FILES);
            Set<String> doneAtKill = spool.names("done");
            long claimedAtKill = spool.count("processing");
            assertThat(doneAtKill).as("a file is moved to done/ only after its record is committed")
                    .allSatisfy(name -> assertThat(committedAtKill).contains(shaByName.get(name)));
            long committedNotMoved = committedAtKill.size() - doneAtKill.size();
            long committedSeq = committedOffset(kafka, connector).path("seq").asLong();

            TaskProducerQuota.lift(kafka.clientProperties(), connector);
            double restartSeconds = restartAndAwaitTask(connector, killedAt);
            awaitResumedFrom("committed sequence " + committedSeq + ", " + committedNotMoved
                    + " acknowledged files moved to done, " + (claimedAtKill - committedNotMoved)
                    + " in-flight files to send again");
            double ingestSeconds = awaitDone(() -> spool.count("done") == FILES, ingestStarted);
            List<Raw> records = RawTopicContent.committed(kafka.clientProperties(), RAW);
            long uncommitted = RawTopicContent.uncommittedCount(kafka.clientProperties(), RAW);
            Map<String, Long> perKey = perKey(records);
            assertThat(perKey.keySet()).as("every file landed")
                    .containsExactlyInAnyOrderElementsOf(shaByName.values());
            assertThat(landedTwice(perKey)).as("files landed more than once").isEmpty();
            assertThat(records).hasSize(FILES).allSatisfy(r -> {
                assertThat(r.payloadSha256()).isEqualTo(r.key());
                assertThat(r.source()).isEqualTo("spool");
                assertThat(shaByName.get(r.fileName())).as(r.fileName()).isEqualTo(r.key());
            });
            assertThat(spool.names("done")).containsExactlyInAnyOrderElementsOf(shaByName.keySet());
            assertThat(spool.count("inbox")).isZero();
            assertThat(spool.count("processing")).isZero();
            assertThat(spool.count("failed")).isZero();
            System.out.printf("Spool worker kill: %d files, kill -9 with %d committed in Kafka, %d in done/, %d claimed"
                    + " in processing/ (%d committed but not yet in done/); restarted task running %.1f s after the"
                    + " kill; %d records (%d distinct, %d duplicates), %d records of aborted transactions; ingest"
                    + " %.1f s, test %.1f s%n", FILES, committedAtKill.size(), doneAtKill.size(), claimedAtKill,
                    committedNotMoved, restartSeconds, records.size(), perKey.size(), records.size() - perKey.size(),
                    uncommitted - records.size(), ingestSeconds, (System.nanoTime() - started) / 1e9);
        }
    }

    @Test
    void standaloneAtLeastOnceLosesNoMailWhenTheWorkerIsKilledMidIngestAndRestarted() throws Exception {
        long started = System.nanoTime();
        String connector = "tlsrpt-imap-standalone";
        try (ReportMailbox mailbox = new ReportMailbox(TestKeystore.create(dir.resolve("tls")));
             EmbeddedKafka kafka = Brokers.builder(dir.resolve("kafka")).start()) {
            Map<String, Mail> bySha = deliver(mailbox);
            long uidValidity = mailbox.uidValidity("INBOX");
            createRawTopic(kafka);
            TaskProducerQuota.limit(kafka.clientProperties(), connector, 40_000);
            Map<String, String> config = imapConfig(mailbox);
            config.put("name", connector);
            config.put("connector.class", TlsRptSourceConnector.class.getName());
            config.put("tasks.max", "1");
            config.put("topic", RAW);
            worker = ConnectWorkerProcess.startStandalone("worker", LOGS.resolve(connector), kafka.bootstrapServers(),
                    FreePorts.next(), config);
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
                    .failFast("the worker died", () -> !worker.isAlive())
                    .until(() -> worker.runsTaskOf(connector));
            long ingestStarted = System.nanoTime();
            long killedAt = killWhen(() -> mailbox.count("processed") >= MAILS * 3 / 10, kafka, false);
            // no transactions: every record Kafka acknowledged is visible
            Set<String> inKafkaAtKill = someButNotAllInKafka(kafka, MAILS);
            List<Mail> movedAtKill = mailbox.read("processed");
            assertThat(movedAtKill).as("a mail is moved only after Kafka acknowledged its record")
                    .allSatisfy(m -> assertThat(inKafkaAtKill).contains(m.sha256()));
            Set<String> inKafkaNotMoved = new HashSet<>(inKafkaAtKill);
            movedAtKill.forEach(m -> inKafkaNotMoved.remove(m.sha256()));

            TaskProducerQuota.lift(kafka.clientProperties(), connector);
            double restartSeconds = restartAndAwaitTask(connector, killedAt);
            double ingestSeconds = awaitDone(() -> mailbox.count("processed") == MAILS && mailbox.count("INBOX") == 0,
                    ingestStarted);
            List<Raw> records = RawTopicContent.committed(kafka.clientProperties(), RAW);
            Map<String, Long> perKey = perKey(records);
            assertThat(perKey.keySet()).as("no mail lost").containsExactlyInAnyOrderElementsOf(bySha.keySet());
            // at-least-once: only a mail whose record was in Kafka but which was not yet moved can come twice
            assertThat(landedTwice(perKey)).allSatisfy((key, n) -> {
                assertThat(inKafkaNotMoved).contains(key);
                assertThat(n).isEqualTo(2);
            });
            assertMailRecords(records, bySha, mailbox, uidValidity);
            assertMailboxEndState(mailbox, bySha);
            System.out.printf("IMAP standalone (at-least-once) worker kill: %d mails (IMAPS), kill -9 with %d in Kafka,"
                    + " %d moved (%d in Kafka but not yet moved); restarted task running %.1f s after the kill;"
                    + " %d records (%d distinct, %d duplicates); ingest %.1f s, test %.1f s%n", MAILS,
                    inKafkaAtKill.size(), movedAtKill.size(), inKafkaNotMoved.size(), restartSeconds, records.size(),
                    perKey.size(), records.size() - perKey.size(), ingestSeconds,
                    (System.nanoTime() - started) / 1e9);
        }
    }

    /**
     * Delivers {@value #MAILS} generated report mails (unique Message-IDs) and returns what the connector must send:
     * each mail's bytes as the server hands them out, by sha-256, with its UID.
     */
    private static Map<String, Mail> deliver(ReportMailbox mailbox) throws Exception {
        List<byte[]> reports = new ReportGenerator(GeneratorSettings.defaults().withDays(25).withDomains(8))
                .inputs().filter(i -> i.contentType().equals("message/rfc822")).limit(MAILS)
                .map(GeneratedInput::bytes).toList();
        assertThat(reports).hasSize(MAILS);
        mailbox.deliver(reports);
        List<Mail> delivered = mailbox.read("INBOX");
        assertThat(delivered.stream().map(Mail::messageId).distinct()).as("unique Message-IDs").hasSize(MAILS);
        Map<String, Mail> bySha = delivered.stream().collect(Collectors.toMap(Mail::sha256, Function.identity()));
        assertThat(bySha).as("distinct mails").hasSize(MAILS);
        return bySha;
    }

    /** The mailbox source over IMAPS, polling every 200 ms, 20 mails a fetch. */
    private static Map<String, String> imapConfig(ReportMailbox mailbox) {
        Map<String, String> config = new HashMap<>();
        config.put("imap.enabled", "true");
        config.put("imap.host", ReportMailbox.HOST);
        config.put("imap.port", Integer.toString(mailbox.port()));
        config.put("imap.security", "ssl");
        config.put("imap.ssl.trust", ReportMailbox.HOST);
        config.put("imap.username", ReportMailbox.USER);
        config.put("imap.password", ReportMailbox.PASSWORD);
        config.put("imap.poll.interval.ms", "200");
        config.put("imap.fetch.batch.size", "20");
        return config;
    }

    /** Each record is a delivered mail's exact bytes, from the mailbox source, naming its mailbox, UIDVALIDITY and UID. */
    private static void assertMailRecords(List<Raw> records, Map<String, Mail> bySha, ReportMailbox mailbox,
                                          long uidValidity) {
        String origin = ReportMailbox.USER + "@" + ReportMailbox.HOST + ":" + mailbox.port() + "/INBOX/"
                + uidValidity + "/";
        assertThat(records).allSatisfy(r -> {
            assertThat(r.payloadSha256()).isEqualTo(r.key());
            assertThat(r.source()).isEqualTo("imap");
            assertThat(r.origin()).isEqualTo(origin + bySha.get(r.key()).uid());
        });
    }

    /** Every mail in the processed folder once, unchanged and marked; INBOX and the failed folder empty. */
    private static void assertMailboxEndState(ReportMailbox mailbox, Map<String, Mail> bySha) throws Exception {
        List<Mail> processed = mailbox.read("processed");
        assertThat(processed).extracting(Mail::sha256).as("each mail moved once, unchanged")
                .containsExactlyInAnyOrderElementsOf(bySha.keySet());
        assertThat(processed).as("marked as the connector marks an ingested mail").allSatisfy(m -> {
            assertThat(m.flags().contains(Flags.Flag.SEEN)).isTrue();
            assertThat(m.flags().contains(Flags.Flag.FLAGGED)).isTrue();
            assertThat(m.flags().contains("$TlsRptIngested")).isTrue();
        });
        assertThat(mailbox.count("INBOX")).isZero();
        assertThat(mailbox.count("failed")).isZero();
    }

    private static void createRawTopic(EmbeddedKafka kafka) throws Exception {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(RAW, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Creates the raw topic, throttles the task's producer, starts one worker and the connector with exactly-once
     * support required, and waits until its task runs on that worker.
     */
    private void startWorkerAndConnector(EmbeddedKafka kafka, String connector, Map<String, String> sourceConfig,
                                         double producerBytesPerSecond) throws Exception {
        createRawTopic(kafka);
        TaskProducerQuota.limit(kafka.clientProperties(), connector, producerBytesPerSecond);
        worker = ConnectWorkerProcess.start("worker", LOGS.resolve(connector), kafka.bootstrapServers(),
                connector + "-connect", FreePorts.next());
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .failFast("the worker died", () -> !worker.isAlive())
                .until(() -> worker.get("/") != null);
        Map<String, String> config = new HashMap<>(sourceConfig);
        config.put("connector.class", TlsRptSourceConnector.class.getName());
        config.put("tasks.max", "1");
        config.put("topic", RAW);
        config.put("exactly.once.support", "required");
        // one transaction per poll(): 25 records instead of 100, so that the kill lands well before the end
        config.put("poll.max.records", "25");
        // its own offsets topic: a task killed inside a transaction leaves it open (offsets are written in it) until
        // the restarted task fences it; in the worker's shared offsets topic it would hold the restarted worker's
        // start-up read (read_committed) until the producer's transaction.timeout.ms (60 s) aborted it
        config.put("offsets.storage.topic", connector + "-offsets");
        assertThat(worker.put("/connectors/" + connector + "/config", JSON.writeValueAsString(config)))
                .isBetween(200, 201);
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                .failFast("the worker died", () -> !worker.isAlive())
                .until(() -> worker.runsTaskOf(connector));
    }

    /** Starts the killed worker again (same properties, same port); seconds from the kill until its task runs. */
    private double restartAndAwaitTask(String connector, long killedAt) {
        worker = worker.restart("restarted");
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
                .failFast("the restarted worker died", () -> !worker.isAlive())
                .until(() -> worker.runsTaskOf(connector));
        return (System.nanoTime() - killedAt) / 1e9;
    }

    /**
     * Waits until the ingest has made some progress (and, with exactly-once, until a transaction is open), then kills
     * the worker with SIGKILL; returns the time of the kill.
     */
    private long killWhen(Callable<Boolean> progressed, EmbeddedKafka kafka, boolean insideATransaction) {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
                .failFast("the worker died", () -> !worker.isAlive())
                .until(progressed);
        if (insideATransaction) {
            awaitOpenTransaction(kafka);
        }
        worker.kill();
        return System.nanoTime();
    }

    /** The keys in the raw topic (read_committed) right after the kill: some, but not all, of the input. */
    private static Set<String> someButNotAllInKafka(EmbeddedKafka kafka, int inputs) {
        Set<String> keys = keys(RawTopicContent.committed(kafka.clientProperties(), RAW));
        assertThat(keys).as("some but not all of the input in Kafka at the kill").isNotEmpty()
                .hasSizeLessThan(inputs);
        return keys;
    }

    /** Waits until the restarted worker has finished the ingest and stops it; seconds since the ingest started. */
    private double awaitDone(Callable<Boolean> done, long ingestStarted) {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
                .failFast("the restarted worker died", () -> !worker.isAlive())
                .until(done);
        double seconds = (System.nanoTime() - ingestStarted) / 1e9;
        stopWorker();
        return seconds;
    }

    private static Map<String, Long> perKey(List<Raw> records) {
        return records.stream().collect(Collectors.groupingBy(Raw::key, Collectors.counting()));
    }

    /**
     * Waits until the task's current transaction has records on the broker (the raw partition's last stable offset is
     * below its high watermark), so that the kill lands inside a transaction rather than just after a commit.
     */
    private void awaitOpenTransaction(EmbeddedKafka kafka) {
        TopicPartition raw = new TopicPartition(RAW, 0);
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(20))
                    .failFast("the worker died", () -> !worker.isAlive())
                    .until(() -> endOffset(admin, raw, IsolationLevel.READ_COMMITTED)
                            < endOffset(admin, raw, IsolationLevel.READ_UNCOMMITTED));
        }
    }

    private static long endOffset(Admin admin, TopicPartition partition, IsolationLevel level) throws Exception {
        return admin.listOffsets(Map.of(partition, OffsetSpec.latest()), new ListOffsetsOptions(level))
                .partitionResult(partition).get(10, TimeUnit.SECONDS).offset();
    }

    private static Map<String, Long> landedTwice(Map<String, Long> perKey) {
        return perKey.entrySet().stream().filter(e -> e.getValue() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /**
     * The source offset committed last, as the worker stored it (its offsets topic, read_committed): with exactly-once
     * support it is written in the same transaction as the records.
     */
    private static JsonNode committedOffset(EmbeddedKafka kafka, String connector) {
        List<JsonNode> offsets = new ArrayList<>();
        TopicSnapshot.forEach(kafka.clientProperties(), connector + "-offsets", r -> {
            try {
                if (r.value() != null && JSON.readTree(r.key()).path(0).asText().equals(connector)) {
                    offsets.add(JSON.readTree(r.value()));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        assertThat(offsets).as("committed offsets of " + connector).isNotEmpty();
        return offsets.get(offsets.size() - 1);
    }

    /**
     * The restarted task found that offset: the source logs where it resumes (its INFO line in the worker's output).
     * Without it a restarted worker sends again what was committed but not yet moved.
     */
    private void awaitResumedFrom(String logged) {
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(Files.readString(worker.log())).contains(logged));
    }

    private static Set<String> keys(List<Raw> records) {
        return records.stream().map(Raw::key).collect(Collectors.toSet());
    }
}
