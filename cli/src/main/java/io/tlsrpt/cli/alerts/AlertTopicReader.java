package io.tlsrpt.cli.alerts;

import io.tlsrpt.connect.record.RawRecords;
import io.tlsrpt.embedded.TopicSnapshot;
import io.tlsrpt.notify.AlertRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the JSON alert topic without a consumer group (nothing committed, nothing moved): first everything up to the
 * end offsets at opening ({@link #readToEnd}), then, optionally, what is committed after that ({@link #follow}).
 * Read committed: the processor writes alerts in transactions. The history reads the partitions of the topic at
 * opening; {@link #follow} also takes up partitions added later (within {@link #PARTITION_CHECK}), from their
 * beginning, since all they hold came after the opening.
 */
public final class AlertTopicReader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AlertTopicReader.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration READ_TIMEOUT = Duration.ofMinutes(2);
    /** How often --follow looks for partitions added to the topic (the consumer's metadata is refreshed as often). */
    static final Duration PARTITION_CHECK = Duration.ofSeconds(10);

    /** Where each record goes. */
    public interface Sink {
        void event(AlertEvent event);

        /** A record that is not a usable alert (the notifier skips it too); {@code why} says what is wrong. */
        void invalid(String where, String why);
    }

    private final String topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<TopicPartition, Long> ends;

    private AlertTopicReader(String topic, KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends) {
        this.topic = topic;
        this.consumer = consumer;
        this.ends = ends;
    }

    /**
     * @throws org.apache.kafka.common.KafkaException when the cluster cannot be read (unreachable, not authorised)
     *     or the topic does not exist ({@link UnknownTopicOrPartitionException})
     */
    public static AlertTopicReader open(Map<String, Object> client, String topic) {
        Map<String, Object> settings = new HashMap<>(client);
        settings.putIfAbsent(ConsumerConfig.METADATA_MAX_AGE_CONFIG, (int) PARTITION_CHECK.toMillis());
        KafkaConsumer<byte[], byte[]> consumer = TopicSnapshot.readCommittedConsumer(settings);
        try {
            List<TopicPartition> partitions = TopicSnapshot.partitions(consumer, topic);
            if (partitions.isEmpty()) {
                throw new UnknownTopicOrPartitionException("topic " + topic + " does not exist (the processor "
                    + "creates it when it starts)");
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            return new AlertTopicReader(topic, consumer, consumer.endOffsets(partitions));
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }

    /** Reads every committed record below the end offsets seen at opening; returns how many records it read. */
    public long readToEnd(Sink sink) {
        long read = 0;
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        while (!reachedEnds()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out reading " + topic + " up to its end offsets " + ends);
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                if (r.offset() < ends.get(new TopicPartition(r.topic(), r.partition()))) {
                    deliver(r, sink);
                    read++;
                }
            }
            // a poll may run past an end offset: what was committed after the opening belongs to follow(), so such a
            // partition goes back to its end and waits there
            for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
                if (consumer.position(e.getKey()) > e.getValue()) {
                    consumer.seek(e.getKey(), e.getValue());
                }
                if (consumer.position(e.getKey()) >= e.getValue()) {
                    consumer.pause(List.of(e.getKey()));
                }
            }
        }
        return read;
    }

    /**
     * Delivers records as they are committed until {@code done} says so (checked after every poll) or
     * {@link #wakeup()} is called from another thread; returns how many records it read.
     */
    long follow(Sink sink, BooleanSupplier done) {
        long read = 0;
        consumer.resume(consumer.paused());
        long nextCheck = System.nanoTime() + PARTITION_CHECK.toNanos();
        try {
            while (!done.getAsBoolean()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    deliver(r, sink);
                    read++;
                }
                if (System.nanoTime() - nextCheck >= 0) {
                    takeUpAddedPartitions();
                    nextCheck = System.nanoTime() + PARTITION_CHECK.toNanos();
                }
            }
        } catch (WakeupException e) {
            LOG.debug("asked to stop following {} after {} records", topic, read);   // Ctrl-C: all read is delivered
        }
        return read;
    }

    /** Assigns the partitions added to the topic since they were last listed, from their beginning. */
    private void takeUpAddedPartitions() {
        Set<TopicPartition> assigned = consumer.assignment();
        List<TopicPartition> added = TopicSnapshot.partitions(consumer, topic).stream()
            .filter(p -> !assigned.contains(p)).toList();
        if (added.isEmpty()) {
            return;
        }
        List<TopicPartition> all = new ArrayList<>(assigned);
        all.addAll(added);
        consumer.assign(all);   // the partitions already assigned keep their positions
        consumer.seekToBeginning(added);
        LOG.info("following {} partition(s) added to {}: {}", added.size(), topic, added);
    }

    /** Makes a running {@link #follow} return; safe from any thread. */
    void wakeup() {
        consumer.wakeup();
    }

    private boolean reachedEnds() {
        for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void deliver(ConsumerRecord<byte[], byte[]> r, Sink sink) {
        String where = RawRecords.position(r.topic(), r.partition(), r.offset());
        try {
            AlertRecord alert = AlertRecord.parse(r.value());
            sink.event(new AlertEvent(r.partition(), r.offset(), r.timestamp(), alert,
                new String(r.value(), java.nio.charset.StandardCharsets.UTF_8)));
        } catch (AlertRecord.InvalidAlertException e) {
            sink.invalid(where, e.getMessage());
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
