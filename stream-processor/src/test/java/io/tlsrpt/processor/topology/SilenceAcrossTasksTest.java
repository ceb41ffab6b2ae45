package io.tlsrpt.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tlsrpt.processor.detect.ReporterCadence;
import io.tlsrpt.processor.detect.SilenceSettings;
import io.tlsrpt.processor.served.ServedDomains;
import io.tlsrpt.schema.Alert;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * Two tasks of one processor instance: a domain alone on its partition, whose reporter stopped, is judged against the
 * newest window of the instance's other tasks (the topology test driver runs one task only). And a task restarted, or
 * moved to another instance, between two checks: its store restored, its processor and the instance's memory new.
 */
class SilenceAcrossTasksTest {

    private static final Duration DAY = Duration.ofDays(1);
    private static final Instant DAY0 = Instant.parse("2026-11-01T00:00:00Z");

    private static final class Task {
        final MockProcessorContext<String, Alert> context = new MockProcessorContext<>();
        final KeyValueStore<String, ReporterCadence> store;
        final PipelineMetrics metrics = new PipelineMetrics(new SimpleMeterRegistry());
        final SilenceStage.Instance instance;
        final SilenceStage.SilenceProcessor processor;

        Task(SilenceStage.Instance instance) {
            this(instance, null);
        }

        /**
         * The task started on {@code instance} (at its clock's time); {@code before}: a task started again, its store
         * restored.
         */
        Task(SilenceStage.Instance instance, Task before) {
            this.instance = instance;
            store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(SilenceStage.STORE), Serdes.String(),
                            ReporterCadenceSerde.serde())
                    .withLoggingDisabled().build();
            store.init(context.getStateStoreContext(), store);
            context.addStateStore(store);
            if (before != null) {
                try (var all = before.store.all()) {
                    all.forEachRemaining(entry -> store.put(entry.key, entry.value));
                }
            }
            processor = new SilenceStage.SilenceProcessor(SilenceSettings.defaults(), DAY, instance, metrics);
            processor.init(context);
        }

        void daily(String domain, String reporter, int from, int to) {
            for (int d = from; d <= to; d++) {
                DomainWindow contribution = new DomainWindow(1, 100, Set.of(reporter), Map.of(), Map.of(reporter, 100L));
                processor.process(new Record<>(domain, contribution, DAY0.plus(DAY.multipliedBy(d)).toEpochMilli()));
            }
        }

        void check(Instant now) {
            context.setCurrentSystemTimeMs(now.toEpochMilli());
            context.scheduledPunctuators().get(0).getPunctuator().punctuate(now.toEpochMilli());
        }
    }

    private static SilenceStage.Instance instance() {
        return instance(DAY0);
    }

    /** An instance whose tasks start at {@code startedAt}. */
    private static SilenceStage.Instance instance(Instant startedAt) {
        return new SilenceStage.Instance(SilenceSettings.defaults(), Clock.fixed(startedAt, ZoneOffset.UTC),
                new OpenStops(DAY), () -> ServedDomains.ALL);
    }

    /** Google stopped on example.com (days 19-25), alone on its task, and goes on on example.net (19-29). */
    private static Task[] googleStoppedOnTheDomainAloneOnItsTask() {
        SilenceStage.Instance instance = instance();
        Task alone = new Task(instance);
        Task others = new Task(instance);
        alone.daily("example.com", "Google", 19, 25);
        others.daily("example.net", "Google", 19, 29);
        return new Task[] {alone, others};
    }

    @Test
    void aDomainAloneOnItsPartitionIsJudgedAgainstTheInstancesNewestWindow() {
        Task[] tasks = googleStoppedOnTheDomainAloneOnItsTask();
        Task alone = tasks[0];
        Task others = tasks[1];
        assertThat(alone.context.scheduledPunctuators()).singleElement()
                .satisfies(p -> assertThat(p.getInterval()).isEqualTo(Duration.ofHours(1)));

        Instant now = DAY0.plus(DAY.multipliedBy(30)).plus(Duration.ofHours(13));
        alone.check(now);
        others.check(now);
        assertThat(alone.context.forwarded()).as("a suspicion, confirmed by the next check").isEmpty();
        alone.check(now.plus(Duration.ofHours(1)));
        others.check(now.plus(Duration.ofHours(1)));
        assertThat(alone.context.forwarded()).singleElement().satisfies(f -> {
            assertThat(f.record().key()).isEqualTo("example.com|reports-stopped|Google");
            assertThat(f.record().value().getStatus()).isEqualTo("firing");
        });
        assertThat(others.context.forwarded()).isEmpty();
    }

    @Test
    void withoutCurrentReportsAnywhereNobodyIsJudged() {
        Task alone = googleStoppedOnTheDomainAloneOnItsTask()[0];
        // four days after the instance's newest window: an outage or a backlog, not a stopped reporter
        Instant now = DAY0.plus(DAY.multipliedBy(34)).plus(Duration.ofHours(1));
        alone.check(now);
        alone.check(now.plus(Duration.ofHours(1)));
        assertThat(alone.context.forwarded()).isEmpty();
    }

    @Test
    void aSuspicionSurvivesARestartBetweenTheTwoChecks() {
        Task[] tasks = googleStoppedOnTheDomainAloneOnItsTask();
        Task alone = tasks[0];
        Instant now = DAY0.plus(DAY.multipliedBy(30)).plus(Duration.ofHours(13));
        alone.check(now);
        assertThat(alone.context.forwarded()).isEmpty();
        assertThat(alone.store.get("example.com|Google").suspected()).as("stored with the cadence").isTrue();

        // the instance restarts (or its tasks move to another): no report yet, nothing in memory, the stores restored
        SilenceStage.Instance instance = instance(now.plus(Duration.ofMinutes(30)));
        Task restarted = new Task(instance, alone);
        new Task(instance, tasks[1]);
        assertThat(restarted.metrics.silence().watched()).as("counted from the store at the start").isEqualTo(1);
        restarted.check(now.plus(Duration.ofHours(1)));
        assertThat(restarted.context.forwarded()).as("the second check in a row, across the restart")
                .singleElement().satisfies(f -> {
                    assertThat(f.record().key()).isEqualTo("example.com|reports-stopped|Google");
                    assertThat(f.record().value().getStatus()).isEqualTo("firing");
                    assertThat(f.record().value().getSummary()).contains("4 window(s) without one");
                });
        assertThat(restarted.store.get("example.com|Google").alerted()).isTrue();
        assertThat(restarted.store.get("example.com|Google").suspected()).isFalse();

        Task again = new Task(instance(now.plus(Duration.ofHours(2))), restarted);
        assertThat(again.metrics.silence().stopped()).as("the open alert, before any check").isEqualTo(1);
        assertThat(again.metrics.silence().watched()).isEqualTo(1);
        // what GET /v1/incidents lists of the task's partition, read from the store it started on
        assertThat(again.instance.open.of(again.context.taskId().partition())).hasValueSatisfying(open ->
                assertThat(open).singleElement().satisfies(stop -> {
                    assertThat(stop.policyDomain()).isEqualTo("example.com");
                    assertThat(stop.reporter()).isEqualTo("Google");
                    assertThat(stop.alertId()).isEqualTo(restarted.context.forwarded().get(0).record().value()
                            .getAlertId());
                }));
    }

    @Test
    void aCheckThatCannotJudgeEndsTheSuspicionsSoTheCatchingUpNeedsTwoChecksAgain() {
        Task[] tasks = googleStoppedOnTheDomainAloneOnItsTask();
        Task alone = tasks[0];
        Task others = tasks[1];
        Instant now = DAY0.plus(DAY.multipliedBy(30)).plus(Duration.ofHours(13));
        alone.check(now);
        assertThat(alone.store.get("example.com|Google").suspected()).isTrue();

        // four days without any report: an outage, not judged; then the backlog arrives
        Instant afterOutage = now.plus(Duration.ofDays(4));
        alone.check(afterOutage);
        assertThat(alone.store.get("example.com|Google").suspected()).isFalse();
        others.daily("example.net", "Google", 30, 33);
        alone.check(afterOutage.plus(Duration.ofHours(1)));
        assertThat(alone.context.forwarded()).as("a suspicion again, not yet an alert").isEmpty();
        alone.check(afterOutage.plus(Duration.ofHours(2)));
        assertThat(alone.context.forwarded()).singleElement()
                .satisfies(f -> assertThat(f.record().value().getSummary()).contains("8 window(s) without one"));
    }

    /** Google stopped on a.example and b.example (task one) and c.example (task two), and goes on on d.example. */
    private static Task[] googleStoppedOnThreeDomainsOfTwoTasks(SilenceStage.Instance instance) {
        Task one = new Task(instance);
        Task two = new Task(instance);
        one.daily("a.example", "Google", 19, 25);
        one.daily("b.example", "Google", 19, 25);
        two.daily("c.example", "Google", 19, 25);
        two.daily("d.example", "Google", 19, 29);
        return new Task[] {one, two};
    }

    /** The two tasks' first checks, 20 minutes apart (each task checks hourly from its own start); the first's time. */
    private static Instant firstChecks(Task[] tasks) {
        Instant now = DAY0.plus(DAY.multipliedBy(30)).plus(Duration.ofHours(13));
        tasks[0].check(now);
        tasks[1].check(now.plus(Duration.ofMinutes(20)));
        return now;
    }

    @Test
    void aReporterStoppedOnTheDomainsOfSeveralTasksIsSaidToHaveStoppedWidely() {
        Task[] tasks = googleStoppedOnThreeDomainsOfTwoTasks(instance());
        Instant now = firstChecks(tasks);
        tasks[0].check(now.plus(Duration.ofHours(1)));
        tasks[1].check(now.plus(Duration.ofMinutes(80)));

        assertThat(tasks[0].context.forwarded()).as("two domains of this task, one of the other").hasSize(2)
                .allSatisfy(f -> assertThat(f.record().value().getSummary())
                        .contains("Google stopped on 3 domains at once"));
        assertThat(tasks[1].context.forwarded()).singleElement()
                .satisfies(f -> assertThat(f.record().value().getSummary())
                        .contains("Google stopped on 3 domains at once"));
    }

    @Test
    void aReporterThatResumesOnOneOfThemNoLongerCountsThere() {
        Task[] tasks = googleStoppedOnThreeDomainsOfTwoTasks(instance());
        Instant now = firstChecks(tasks);
        tasks[1].daily("c.example", "Google", 29, 29);
        tasks[0].check(now.plus(Duration.ofHours(1)));

        assertThat(tasks[0].context.forwarded()).hasSize(2).allSatisfy(f ->
                assertThat(f.record().value().getSummary()).contains("Google")
                        .doesNotContain("domains at once"));
    }

    @Test
    void aWideStopIsSeenAcrossARestartBetweenTheTwoChecks() {
        Task[] tasks = googleStoppedOnThreeDomainsOfTwoTasks(instance());
        Instant now = firstChecks(tasks);

        // a restart: the instance's memory new, its suspicions read back from the restored stores at the start
        SilenceStage.Instance restarted = instance(now.plus(Duration.ofMinutes(30)));
        Task one = new Task(restarted, tasks[0]);
        Task two = new Task(restarted, tasks[1]);
        one.check(now.plus(Duration.ofMinutes(90)));
        two.check(now.plus(Duration.ofMinutes(95)));

        assertThat(one.context.forwarded()).hasSize(2).allSatisfy(f ->
                assertThat(f.record().value().getSummary()).contains("Google stopped on 3 domains at once"));
        assertThat(two.context.forwarded()).singleElement().satisfies(f ->
                assertThat(f.record().value().getSummary()).contains("Google stopped on 3 domains at once"));
    }

    @Test
    void aRenameOnTheDomainsOfSeveralTasksRaisesNoAlert() {
        Task one = new Task(instance());
        Task two = new Task(one.instance);
        // "Google Inc." becomes "Google LLC" on a.example and b.example (task one) and c.example (task two)
        for (String domain : new String[] {"a.example", "b.example"}) {
            one.daily(domain, "Google Inc.", 19, 25);
            one.daily(domain, "Google LLC", 24, 29);
        }
        two.daily("c.example", "Google Inc.", 19, 25);
        two.daily("c.example", "Google LLC", 24, 29);
        // and stops on d.example (task two) with no successor there
        two.daily("d.example", "Google Inc.", 19, 25);
        Task[] tasks = {one, two};
        Instant now = firstChecks(tasks);
        one.check(now.plus(Duration.ofHours(1)));
        two.check(now.plus(Duration.ofMinutes(80)));

        assertThat(one.context.forwarded()).as("renamed on three domains of the instance, two of them here").isEmpty();
        assertThat(one.store.get("a.example|Google Inc.")).as("the old name no longer watched").isNull();
        assertThat(two.store.get("c.example|Google Inc.")).isNull();
        assertThat(two.context.forwarded()).as("d.example, where no successor began").singleElement()
                .satisfies(f -> assertThat(f.record().value().getSummary()).contains("d.example")
                        .doesNotContain("domains at once"));
    }
}

