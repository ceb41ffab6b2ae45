package io.tlsrpt.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tlsrpt.embedded.EmbeddedKafka;
import io.tlsrpt.embedded.RawInputProducer;
import io.tlsrpt.generate.GeneratedInput;
import io.tlsrpt.processor.app.ProcessorConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Faults: the stream processor is killed with SIGKILL in the middle of a month of generated reports (20,070) and
 * restarted; two processors share the work and one of them is killed. Every processor is its own JVM started from
 * the operator's entry point. One broker, one schema registry over HTTP (the JVMs must agree on schema ids) and one
 * input topic serve every run; each run has its own application id and output topics, and the faulted runs' final
 * statistics and alerts are compared with those of an undisturbed run of the same input.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProcessorCrashIT {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessorCrashIT.class);
    /** In the processor's restore lines ({@code RestoreProgress}). */
    private static final Pattern RESTORE_OFFSETS = Pattern.compile("offsets (\\d+) to (\\d+)");
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(6);
    private static final String RAW = "month.raw";
    /** The processes' logs and properties stay after the run, for a post-mortem. */
    private static final Path LOGS = Path.of("target", "process-logs", "ProcessorCrashIT");
    private static final String RAW_4 = "month.raw.4p";
    private static final int KILL_DAY = 12;
    /**
     * The backlog is the whole month: the stages of the by-domain path can drift apart in event time by up to that
     * much, so the operator replaying it sizes window.max.partition.drift to cover it.
     */
    private static final Map<String, String> BACKLOG_DRIFT =
            Map.of(ProcessorConfig.WINDOW_MAX_PARTITION_DRIFT, "P31D");

    @TempDir
    static Path dir;

    private EmbeddedKafka kafka;
    private RegistryServer registry;
    private long reports;
    private RunResults undisturbed;
    private final List<ProcessorProcess> processes = new ArrayList<>();

    @BeforeAll
    void undisturbedRun() throws Exception {
        kafka = Brokers.builder(dir.resolve("kafka")).start();
        registry = new RegistryServer();
        long started = System.nanoTime();
        reports = GeneratedMonth.produce(kafka.bootstrapServers(), RAW, 1);
        assertThat(reports).isEqualTo(GeneratedMonth.reportCount()).isGreaterThanOrEqualTo(20_000);
        assertThat(GeneratedMonth.produce(kafka.bootstrapServers(), RAW_4, 4)).isEqualTo(reports);
        LOG.info("produced {} generated reports twice in {} s", reports, (System.nanoTime() - started) / 1_000_000_000);

        PipelineRun run = run("undisturbed", RAW);
        ProcessorProcess p = start("undisturbed", run, dir.resolve("state-undisturbed"), 1);
        Duration took = run.awaitDrained(DRAIN_TIMEOUT, p::isAlive);
        p.close();
        undisturbed = readFinished(run);
        System.out.printf("undisturbed run: %d reports in, %s out, %d s%n", reports, undisturbed.summary(),
                took.toSeconds());
        undisturbed.alerts().forEach(a -> System.out.println("  alert " + a));
        assertThat(undisturbed.firing("starttls-downgrade-suspected")).as("the downgrade is found").isPositive();
        assertThat(undisturbed.alerts().stream().filter(a -> a.status().equals("resolved"))).isNotEmpty();
        assertThat(undisturbed.repeatedAnnouncements()).isEmpty();
    }

    @AfterAll
    void stopEverything() {
        processes.forEach(ProcessorProcess::close);
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @Order(1)
    void killNineMidwayThenRestartOnTheSameStateDirectoryGivesTheUndisturbedResults() {
        long started = System.nanoTime();
        PipelineRun run = run("kill-same-state", RAW);
        Path state = dir.resolve("state-kill-same");
        ProcessorProcess first = start("kill-same-state-1", run, state, 1);
        long killedAt = killWhenCommitted(first, run, reports * 3 / 10);
        ProcessorProcess second = start("kill-same-state-2", run, state, 1);
        run.awaitDrained(DRAIN_TIMEOUT, second::isAlive);
        second.close();
        assertSameAsUndisturbed(run, false);
        System.out.printf("kill -9 at raw offset %d of %d, restart on the same state dir: equal results, %d s%n",
                killedAt, reports, (System.nanoTime() - started) / 1_000_000_000);
    }

    @Test
    @Order(2)
    void killNineMidwayThenRestartOnAFreshStateDirectoryGivesTheUndisturbedResults() {
        long started = System.nanoTime();
        PipelineRun run = run("kill-fresh-state", RAW);
        ProcessorProcess first = start("kill-fresh-state-1", run, dir.resolve("state-kill-fresh-1"), 1);
        long killedAt = killWhenCommitted(first, run, reports / 2);
        // a new machine: the stores are rebuilt from their changelogs
        ProcessorProcess second = start("kill-fresh-state-2", run, dir.resolve("state-kill-fresh-2"), 1);
        // a new state directory is a new process id and so a new transactional id: the killed instance's open
        // transaction is not fenced but aborted by the broker after its timeout, and until then the repartition
        // partitions look drained to a read_committed reader (once, the drain check passed while the survivor
        // waited there, with 978 of 1,711 statistics written)
        awaitTakeOver(run);
        run.awaitDrained(DRAIN_TIMEOUT, second::isAlive);
        second.close();
        assertSameAsUndisturbed(run, false);
        System.out.printf("kill -9 at raw offset %d of %d, restart on an empty state dir: equal results, %d s%n",
                killedAt, reports, (System.nanoTime() - started) / 1_000_000_000);
    }

    @Test
    @Order(3)
    void twoInstancesShareTheWorkAndTheSurvivorTakesOverWhenOneIsKilled() throws Exception {
        long started = System.nanoTime();
        String topic = "month.raw.4p.daily";
        GeneratedMonth.createTopic(kafka.bootstrapServers(), topic, 4);
        PipelineRun run = run("scale-out", topic);
        // with a standby replica of every task, as the Kubernetes example runs: the survivor takes over warm state
        // (the restart on a fresh state directory above is the restore from the changelogs)
        Map<String, String> standby = Map.of("streams.num.standby.replicas", "1");
        ProcessorProcess a = start("scale-out-a", run, dir.resolve("state-scale-a"), 4, standby);
        ProcessorProcess b = start("scale-out-b", run, dir.resolve("state-scale-b"), 4, standby);
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .failFast("a processor died", () -> !a.isAlive() || !b.isAlive())
                .alias("two members, each with raw partitions")
                .until(() -> membersWithRawPartitions(run) == 2);
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
                .alias("each instance keeps standby copies of tasks the other works")
                .until(() -> holdsStandbyTasks(a) && holdsStandbyTasks(b));

        // reports arrive as in real life, day after day (each day is processed before the next arrives, so the
        // partitions stay within the window grace of each other); one instance is killed in the middle of day 12
        List<List<GeneratedInput>> days = GeneratedMonth.byDay();
        long sent = 0;
        long killedAt = -1;
        int survivorLogBeforeKill = 0;
        try (RawInputProducer producer = GeneratedMonth.producer(kafka.bootstrapServers(), topic)) {
            for (int day = 1; day <= days.size(); day++) {
                days.get(day - 1).forEach(input -> GeneratedMonth.send(producer, input));
                producer.flush();
                long before = sent;
                sent += days.get(day - 1).size();
                if (day == KILL_DAY) {
                    survivorLogBeforeKill = Files.readAllLines(b.log()).size();
                    killedAt = killWhenCommitted(a, run, before + (sent - before) / 4, sent);
                    awaitTakeOver(run);
                }
                run.awaitDrained(DRAIN_TIMEOUT, killedAt < 0 ? () -> a.isAlive() && b.isAlive() : b::isAlive);
            }
        }
        assertThat(sent).isEqualTo(reports);
        assertThat(membersWithRawPartitions(run)).as("the survivor holds every raw partition").isEqualTo(1);
        // the moved tasks' stores were there already: what the survivor restored starts where its standby copies
        // stood, not at the beginning of the changelogs (as it does without standby replicas)
        List<String> restores = Files.readAllLines(b.log()).stream().skip(survivorLogBeforeKill)
                .filter(line -> line.contains("RestoreProgress - restoring ")).toList();
        assertThat(restores).as("the survivor's restores after the kill").noneMatch(ProcessorCrashIT::fromTheStart);
        b.close();
        assertSameAsUndisturbed(run, true);
        System.out.printf("scale-out: 2 instances on 4 partitions fed day by day, one killed with kill -9 at raw"
                + " offset %d of %d (day %d), the survivor finished: equal results, %d s%n", killedAt, reports,
                KILL_DAY, (System.nanoTime() - started) / 1_000_000_000);
    }

    /**
     * The whole month already waiting in a four-partition topic (a backlog: a backfill, or processors down for days)
     * and two instances, one killed. The stages of the by-domain path advance in event time at different speeds (the
     * killed instance's repartition partitions restart from its last commit while the survivor's are days ahead), so
     * the by-domain task's stream time runs ahead of reports that are on time by their arrival. They are counted
     * (lateness is judged by arrival or stream time, and the aggregate's windows stay open for grace + max partition
     * drift, sized here for the month): the statistics equal the undisturbed run's exactly.
     * <p>
     * Alerts: the detector fires on running values as data arrives, so with a backlog it may evaluate a later window
     * of an incident before the earlier ones are complete, and the incident then takes its first firing window (and
     * with it its alert_id) from that later window. So this test asserts the same incidents (kind, domain, result
     * type) fire once and resolve, first firing inside the undisturbed incident's episode, not the same alert ids.
     */
    @Test
    @Order(4)
    void aBacklogOnSeveralPartitionsGivesTheUndisturbedStatisticsAndIncidentsAfterATakeOver() {
        long started = System.nanoTime();
        PipelineRun run = run("backlog", RAW_4);
        ProcessorProcess a = start("backlog-a", run, dir.resolve("state-backlog-a"), 4, BACKLOG_DRIFT);
        ProcessorProcess b = start("backlog-b", run, dir.resolve("state-backlog-b"), 4, BACKLOG_DRIFT);
        long killedAt = killWhenCommitted(a, run, reports * 3 / 10, reports);
        // until the broker aborts the killed instance's open transaction, its repartition partitions look drained
        // to a read_committed reader (their last stable offset stops there)
        awaitTakeOver(run);
        run.awaitDrained(DRAIN_TIMEOUT, b::isAlive);
        b.close();
        RunResults results = readFinished(run);
        System.out.printf("backlog: %s; \"late report\" log lines: %d (killed instance), %d (survivor)%n",
                results.summary(), lateReportLines(a), lateReportLines(b));
        results.alerts().forEach(alert -> System.out.println("  alert " + alert));
        assertThat(results.repeatedAnnouncements()).as("alerts emitted twice").isEmpty();
        assertThat(results.differencesFrom(undisturbed)).as("statistics that differ from the undisturbed run's")
                .isEmpty();
        assertThat(results.finalStats()).isEqualTo(undisturbed.finalStats());
        assertThat(results.finalDomainStats()).isNotEmpty().isEqualTo(undisturbed.finalDomainStats());
        assertThat(results.episodes()).as("the same incidents fire and resolve, once each")
                .isEqualTo(undisturbed.episodes());
        undisturbed.episodes().keySet().forEach(episode -> {
            String first = results.firstFiringWindow(episode);
            assertThat(first).as("first firing of %s inside the undisturbed episode", episode)
                    .isGreaterThanOrEqualTo(undisturbed.firstFiringWindow(episode))
                    .isLessThan(undisturbed.resolutionWindow(episode));
        });
        System.out.printf("backlog on 4 partitions, kill -9 at raw offset %d of %d: equal statistics, the same"
                + " incidents, %d s%n", killedAt, reports, (System.nanoTime() - started) / 1_000_000_000);
    }

    private static long lateReportLines(ProcessorProcess p) {
        try (var lines = Files.lines(p.log())) {
            return lines.filter(l -> l.contains("LateReportFilter - late report")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private PipelineRun run(String applicationId, String rawTopic) {
        return new PipelineRun(applicationId, rawTopic, kafka.bootstrapServers(), registry.url());
    }

    private ProcessorProcess start(String name, PipelineRun run, Path stateDir, int partitions) {
        return start(name, run, stateDir, partitions, Map.of());
    }

    private ProcessorProcess start(String name, PipelineRun run, Path stateDir, int partitions,
                                   Map<String, String> extraSettings) {
        Map<String, String> settings = new LinkedHashMap<>(run.settings(stateDir, partitions));
        settings.putAll(extraSettings);
        ProcessorProcess p = ProcessorProcess.start(name, LOGS, settings);
        processes.add(p);
        return p;
    }

    /**
     * A restore line ({@code restoring <store> from <changelog>: offsets S to E ...}) that reads a changelog from its
     * start, more than a hundred records: the restore of a store that had no copy here.
     */
    private static boolean fromTheStart(String restoreLine) {
        Matcher offsets = RESTORE_OFFSETS.matcher(restoreLine);
        assertThat(offsets.find()).as("offsets in " + restoreLine).isTrue();
        return Long.parseLong(offsets.group(1)) == 0 && Long.parseLong(offsets.group(2)) > 100;
    }

    /** The instance's latest assignment, as it logs it at each start of processing, has standby tasks. */
    private static boolean holdsStandbyTasks(ProcessorProcess p) throws IOException {
        List<String> assignments = Files.readAllLines(p.log()).stream()
                .filter(line -> line.contains("tasks of this instance: ")).toList();
        return !assignments.isEmpty() && !assignments.get(assignments.size() - 1).endsWith("standby []");
    }

    /** Waits until the group has committed {@code offset} raw records, then SIGKILLs the process. */
    private long killWhenCommitted(ProcessorProcess p, PipelineRun run, long offset) {
        return killWhenCommitted(p, run, offset, reports);
    }

    private long killWhenCommitted(ProcessorProcess p, PipelineRun run, long offset, long produced) {
        await().atMost(DRAIN_TIMEOUT).pollInterval(Duration.ofMillis(200))
                .failFast("processor " + p.name() + " died (see " + p.log() + ")", () -> !p.isAlive())
                .alias(p.name() + " committed " + offset + " raw records")
                .until(() -> run.committedRawOffset() >= offset);
        long committed = run.committedRawOffset();
        // a fast processor may have committed all that was produced so far; the kill still comes before the
        // rest of the input, which the survivor must then process
        assertThat(committed).as("killed before the end of the input").isLessThanOrEqualTo(produced);
        p.kill();
        return committed;
    }

    /**
     * After a kill: waits until the survivor holds every raw partition and the killed instance's open transaction
     * has been aborted by the broker (after {@code transaction.timeout.ms}). Until then the killed instance's
     * partitions look drained to a read_committed reader (their last stable offset stops at the open transaction),
     * and feeding the next day would let the survivor run days ahead in event time of the replay.
     */
    private void awaitTakeOver(PipelineRun run) {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .alias("one member with every raw partition, no transaction of a dead member open")
                .until(() -> membersWithRawPartitions(run) == 1 && danglingTransactions(run).isEmpty());
    }

    /**
     * The run's results once its processors are stopped and no transaction of the application is open or half
     * committed: a read_committed snapshot reads each partition up to its last stable offset, and the commit markers
     * of a transaction reach the output partitions one by one, possibly after the input offsets (which the drain
     * check reads) are committed.
     */
    private RunResults readFinished(PipelineRun run) {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .alias(run.applicationId() + ": no open transaction")
                .until(() -> danglingTransactions(run).isEmpty());
        return RunResults.read(run);
    }

    /** Open transactions of the application whose producer does not belong to a live group member. */
    private List<String> danglingTransactions(PipelineRun run) throws Exception {
        try (Admin admin = Admin.create(run.clientProperties())) {
            List<String> live = admin.describeConsumerGroups(List.of(run.applicationId())).describedGroups()
                    .get(run.applicationId()).get(30, TimeUnit.SECONDS).members().stream()
                    .map(m -> m.clientId().replaceAll("-StreamThread-\\d+-consumer$", "")).toList();
            return admin.listTransactions().all().get(30, TimeUnit.SECONDS).stream()
                    .filter(t -> t.transactionalId().startsWith(run.applicationId() + "-"))
                    .filter(t -> t.state() == TransactionState.ONGOING || t.state() == TransactionState.PREPARE_ABORT
                            || t.state() == TransactionState.PREPARE_COMMIT)
                    .map(TransactionListing::transactionalId)
                    .filter(id -> live.stream().noneMatch(id::startsWith))
                    .toList();
        }
    }

    /** Members of the group holding partitions of the raw topic; 0 while the group does not exist yet. */
    private int membersWithRawPartitions(PipelineRun run) throws Exception {
        try (Admin admin = Admin.create(run.clientProperties())) {
            ConsumerGroupDescription group;
            try {
                group = admin.describeConsumerGroups(List.of(run.applicationId()))
                        .describedGroups().get(run.applicationId()).get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof GroupIdNotFoundException) {
                    return 0;
                }
                throw e;
            }
            int members = 0;
            for (MemberDescription m : group.members()) {
                if (m.assignment().topicPartitions().stream().anyMatch(tp -> tp.topic().equals(run.rawTopic()))) {
                    members++;
                }
            }
            return members;
        }
    }

    /**
     * The final statistics per (domain, result type, window) equal the undisturbed run's; the alerts too, in order,
     * with one partition; with several, the same incidents (alert_id, status, kind, domain, result type) fire and the
     * same resolutions (same windows) are announced. No announcement is emitted twice.
     */
    private static List<String> resolutions(RunResults results) {
        return results.resolved().stream()
                .map(a -> String.join("|", a.alertId(), a.status(), a.kind(), a.policyDomain(), a.resultType(),
                        String.valueOf(a.windowStart())))
                .toList();
    }

    private void assertSameAsUndisturbed(PipelineRun run, boolean severalPartitions) {
        RunResults results = readFinished(run);
        System.out.printf("%s: %s%n", run.applicationId(), results.summary());
        assertThat(results.repeatedAnnouncements()).as("alerts emitted twice").isEmpty();
        assertThat(results.finalStats()).isEqualTo(undisturbed.finalStats());
        assertThat(results.finalDomainStats()).isNotEmpty().isEqualTo(undisturbed.finalDomainStats());
        if (severalPartitions) {
            // the same incidents fire and resolve; the counts a firing or update announces are those of the running
            // window when the rule tripped, and with several partitions the order in which a window's reports
            // arrive (and so that running value) is not defined, even without any fault
            assertThat(results.incidents()).isEqualTo(undisturbed.incidents());
            // a resolution fires once the later window has seen enough traffic: its running totals at that moment
            // depend on the arrival order across partitions too, so compare which windows resolved which incidents
            assertThat(resolutions(results)).isEqualTo(resolutions(undisturbed));
        } else {
            assertThat(results.alerts()).isEqualTo(undisturbed.alerts());
            assertThat(results.alerts()).hasSameSizeAs(undisturbed.alerts());
        }
        assertThat(results.finalStats()).hasSameSizeAs(undisturbed.finalStats());
    }
}
