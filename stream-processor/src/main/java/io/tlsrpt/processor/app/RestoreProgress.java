package io.tlsrpt.processor.app;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What restoring the state stores from their changelogs does, which Kafka Streams says only at DEBUG: a task that
 * moved here without a standby copy (or a new machine, a lost volume) restores its stores before it processes, and
 * its partitions' alerts wait meanwhile. One INFO line when a store's changelog partition with records starts
 * restoring (how many at most) and one when it ends (how many, how long);
 * {@code tlsrpt_state_restored_records_total{store}} counts the records as they are restored. Called on Kafka
 * Streams' restoring thread.
 */
final class RestoreProgress implements StateRestoreListener {

    private static final Logger LOG = LoggerFactory.getLogger(RestoreProgress.class);
    static final String RESTORED_RECORDS = "tlsrpt.state.restored.records";

    private final MeterRegistry registry;
    private final Map<String, Counter> byStore = new ConcurrentHashMap<>();
    /** When each (changelog partition, store) began restoring, in nanoseconds. */
    private final Map<String, Long> started = new ConcurrentHashMap<>();

    RestoreProgress(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void onRestoreStart(TopicPartition partition, String store, long startingOffset, long endingOffset) {
        started.put(partition + " " + store, System.nanoTime());
        // every store of every task starts so, most with nothing to read: only those with records are worth a line
        if (endingOffset > startingOffset) {
            LOG.info("restoring {} from {}: offsets {} to {} (up to {} records)", store, partition, startingOffset,
                    endingOffset, endingOffset - startingOffset);
        }
    }

    @Override
    public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long numRestored) {
        counter(store).increment(numRestored);
    }

    @Override
    public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
        Long began = started.remove(partition + " " + store);
        if (totalRestored > 0) {
            LOG.info("restored {} from {}: {} records in {} ms", store, partition, totalRestored,
                    began == null ? -1 : (System.nanoTime() - began) / 1_000_000);
        }
    }

    @Override
    public void onRestoreSuspended(TopicPartition partition, String store, long totalRestored) {
        started.remove(partition + " " + store);
        LOG.info("restoring {} from {} suspended after {} records (the task moved on)", store, partition,
                totalRestored);
    }

    private Counter counter(String store) {
        return byStore.computeIfAbsent(store, s -> Counter.builder(RESTORED_RECORDS)
                .description("state store records restored from the changelogs (a task moved here without a standby"
                        + " copy, a new machine or state directory)")
                .tag("store", s).register(registry));
    }
}
