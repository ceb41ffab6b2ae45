package io.tlsrpt.processor.topology;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * What the reporter-silence check ({@link SilenceStage}) finds and what it costs, for this processor instance: the
 * (domain, reporter) pairs watched, those with an open {@code reports-stopped} alert, and the time each task's check
 * took (it reads the task's whole {@code reporter-cadence-store} on the stream thread, which processes nothing
 * meanwhile). The gauges sum the figures of every task this instance runs: each check counts them afresh, and between
 * checks a report from a new (domain, reporter) pair adds one watched and a report that resolves an alert takes one
 * stopped away, so that an on-call who sees the alert resolve sees the gauge follow at once, not at the next check (an
 * hour by default). A task new on this instance (a start, a rebalance) counts what its restored store holds from its
 * start on; a task that leaves the instance takes its figures with it.
 */
public final class SilenceCheckMetrics {

    public static final String CHECK = "tlsrpt.silence.check";
    public static final String WATCHED = "tlsrpt.reporters.watched";
    public static final String STOPPED = "tlsrpt.reporters.stopped";
    public static final String RENAMED = "tlsrpt.reporters.renamed";

    /** The figures of one task's last check. */
    private record TaskFigures(long watched, long stopped) {
    }

    private final Map<String, TaskFigures> byTask = new ConcurrentHashMap<>();
    private final Timer check;
    private final Counter renamed;

    SilenceCheckMetrics(MeterRegistry registry) {
        check = Timer.builder(CHECK)
                .description("reporter-silence checks: one per task and silence.check.interval, each reading the "
                        + "task's whole reporter-cadence-store")
                .register(registry);
        renamed = Counter.builder(RENAMED)
                .description("(policy domain, reporter) pairs not announced as reports-stopped because a reporter "
                        + "with a related name began in its place on enough domains (silence.rename.min.domains): "
                        + "a renamed organisation")
                .register(registry);
        gauge(registry, WATCHED, "(policy domain, reporter) pairs whose silence is watched: each task's last check "
                + "(or its store at its start), plus the pairs first seen since", TaskFigures::watched);
        gauge(registry, STOPPED, "(policy domain, reporter) pairs with an open reports-stopped alert: each task's last "
                + "check (or its store at its start), less those resolved by a report since", TaskFigures::stopped);
    }

    private void gauge(MeterRegistry registry, String name, String description, ToLongFunction<TaskFigures> figure) {
        Gauge.builder(name, this, metrics -> metrics.sum(figure)).description(description).register(registry);
    }

    private long sum(ToLongFunction<TaskFigures> figure) {
        return byTask.values().stream().mapToLong(figure).sum();
    }

    /** A task's check read {@code watched} entries, of which {@code stopped} have an open alert, in {@code nanos}. */
    void checked(String task, long watched, long stopped, long nanos) {
        byTask.put(task, new TaskFigures(watched, stopped));
        check.record(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * A task started on this instance with {@code watched} entries in its restored store, of which {@code stopped}
     * have an open alert: its figures until its first check.
     */
    void started(String task, long watched, long stopped) {
        byTask.put(task, new TaskFigures(watched, stopped));
    }

    /** A report from a (domain, reporter) pair the task did not watch yet: one more watched until the next check. */
    void firstSeen(String task) {
        byTask.merge(task, new TaskFigures(1, 0),
                (last, one) -> new TaskFigures(last.watched() + 1, last.stopped()));
    }

    /** A report resolved one of the task's open alerts: one fewer stopped until the next check. */
    void resolvedByReport(String task) {
        byTask.computeIfPresent(task,
                (t, last) -> new TaskFigures(last.watched(), Math.max(0, last.stopped() - 1)));
    }

    /** A check found {@code pairs} (domain, reporter) pairs renamed, not stopped. */
    void renamed(int pairs) {
        renamed.increment(pairs);
    }

    /** The task closed on this instance: its figures no longer count here. */
    void closed(String task) {
        byTask.remove(task);
    }

    long watched() {
        return sum(TaskFigures::watched);
    }

    long stopped() {
        return sum(TaskFigures::stopped);
    }

    long renamed() {
        return (long) renamed.count();
    }

    long checks() {
        return check.count();
    }
}
