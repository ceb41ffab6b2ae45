package io.tlsrpt.processor.topology;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each partition's domains summed over every window {@code domain-window-store} keeps ({@link DomainSummaries}), kept
 * for the domain list: while no window of the partition has changed since and this instance's tasks have not moved
 * the sums are exact and read again only then; while windows change they are used until {@code maxAge} old. Summing
 * a partition reads every window of it (a second or more at 100,000 domains); a portal asking for the list every few
 * seconds then costs that once per change or per {@code maxAge}, not per request. Only the sums over every kept
 * window are kept: a list from a day on ({@code since}) reads the windows each time.
 *
 * <p>While reports arrive, a list asked once the sums are half their maximum age old still gets them, and they are
 * read again behind it (one read per partition at a time, on a thread of its own): lists asked more often than the
 * maximum age then never wait for a read, and the sums they get are never older than it. A list that finds them
 * older waits for a read, the one under way if there is one (two lists at once read once).
 */
public final class SummedDomains {

    /** {@code tlsrpt_domain_list_partition_sums_total}: each partition's sums a domain list used, by where from. */
    public static final String METRIC = "tlsrpt.domain.list.partition.sums";

    private static final Logger LOG = LoggerFactory.getLogger(SummedDomains.class);

    /** A partition's sums, with the counts of {@link WindowChanges} and the time they were read at. */
    private record Summed(long updates, long assignments, long readAtNanos, Map<String, DomainSummaries.Summary> sums) {
    }

    /** A read under way, started under {@code assignments}. */
    private record Reading(long assignments, CompletableFuture<Summed> summed) {
    }

    private final WindowChanges changes;
    private final long maxAgeNanos;
    private final LongSupplier nanoTime;
    private final Executor behind;
    private final Map<Integer, Summed> byPartition = new ConcurrentHashMap<>();
    private final Map<Integer, Reading> reading = new ConcurrentHashMap<>();
    private final Counter kept;
    private final Counter read;

    public SummedDomains(WindowChanges changes, Duration maxAge, MeterRegistry registry) {
        this(changes, maxAge, System::nanoTime, readerThread(), registry);
    }

    /** @param behind runs the reads behind a list (one at a time is enough: a read per partition per half age) */
    SummedDomains(WindowChanges changes, Duration maxAge, LongSupplier nanoTime, Executor behind,
                  MeterRegistry registry) {
        this.changes = changes;
        this.maxAgeNanos = maxAge.toNanos();
        this.nanoTime = nanoTime;
        this.behind = behind;
        // read often while reports arrive: http.domains.list.max.age too short for how often the list is asked
        this.kept = counter(registry, "kept");
        this.read = counter(registry, "read");
    }

    /** One daemon thread, ended after a minute idle: nothing to close, nothing left running between reads. */
    private static Executor readerThread() {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(),
                runnable -> {
                    Thread t = new Thread(runnable, "domain-list-sums");
                    t.setDaemon(true);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    private static Counter counter(MeterRegistry registry, String source) {
        return Counter.builder(METRIC).tag("source", source)
                .description("Partitions' domain sums the domain lists answered from, by source: kept from an earlier "
                        + "read (perhaps read again behind a list), or read from every window the store keeps while "
                        + "the list waited")
                .register(registry);
    }

    /** Every domain of {@code partition}, summed over all its kept windows, read from {@code store} when needed. */
    public Map<String, DomainSummaries.Summary> of(int partition,
                                                  Supplier<ReadOnlyWindowStore<String, DomainWindow>> store) {
        long assignments = changes.assignments();
        long now = nanoTime.getAsLong();
        // a partition this instance may no longer work: its sums are dropped, not kept for a return
        byPartition.values().removeIf(summed -> summed.assignments() != assignments);
        Summed last = byPartition.get(partition);
        if (last != null) {
            long age = now - last.readAtNanos();
            boolean exact = last.updates() == changes.updates(partition);
            if (exact || age < maxAgeNanos) {
                if (!exact && age >= maxAgeNanos / 2) {
                    readBehind(partition, store, assignments);
                }
                kept.increment();
                return last.sums();
            }
        }
        read.increment();
        Reading under = reading.get(partition);
        if (under == null || under.assignments() != assignments) {
            CompletableFuture<Summed> mine = new CompletableFuture<>();
            Reading started = new Reading(assignments, mine);
            under = reading.merge(partition, started,
                    (old, fresh) -> old.assignments() == fresh.assignments() ? old : fresh);
            if (under == started) {
                read(partition, store, started);
            }
        }
        try {
            return under.summed().join().sums();
        } catch (CompletionException e) {
            // the read's own exception (a store not queryable while tasks move), as if this list had read
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /** Starts a read of {@code partition} on the reader's thread, unless one is under way. */
    private void readBehind(int partition, Supplier<ReadOnlyWindowStore<String, DomainWindow>> store,
                            long assignments) {
        Reading started = new Reading(assignments, new CompletableFuture<>());
        if (reading.putIfAbsent(partition, started) == null) {
            behind.execute(() -> {
                try {
                    read(partition, store, started);
                } catch (RuntimeException e) {
                    // the next list reads itself, or starts another; nothing was answered from this read
                    LOG.info("could not read partition {}'s domain sums behind a list: {}", partition, e.toString());
                }
            });
        }
    }

    /** Reads {@code partition}'s sums on this thread, keeps them and completes {@code started}. */
    private void read(int partition, Supplier<ReadOnlyWindowStore<String, DomainWindow>> store, Reading started) {
        try {
            // counted before reading: a window changed while the store is read makes these sums stale, not exact
            long updates = changes.updates(partition);
            long at = nanoTime.getAsLong();
            Summed summed = new Summed(updates, started.assignments(), at,
                    DomainSummaries.read(store.get(), Instant.EPOCH, domain -> true));
            if (changes.assignments() == started.assignments()) {
                byPartition.put(partition, summed);
            }
            started.summed().complete(summed);
        } catch (RuntimeException e) {
            started.summed().completeExceptionally(e);
            throw e;
        } finally {
            reading.remove(partition, started);
        }
    }
}
