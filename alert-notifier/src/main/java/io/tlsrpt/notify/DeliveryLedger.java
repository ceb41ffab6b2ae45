package io.tlsrpt.notify;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Records consumed but not yet accepted by every Alertmanager, in consumption order, with one delivery cursor per
 * Alertmanager URL.
 *
 * <p>Each URL advances on its own, so a dead member of an HA pair does not hold back pages through the live one;
 * an offset is committed only once every URL has accepted everything up to it (Alertmanager replicates
 * silences and the notification log between peers, not alerts, so each peer must receive every alert itself).
 * Per partition, entries are in offset order and a URL delivers a prefix, so dropping the common delivered prefix
 * yields a committable offset per partition. Not thread-safe: used by the consumer thread only.
 */
final class DeliveryLedger {

    /** One consumed record and what it asks Alertmanager to do (empty for an invalid record). */
    record Entry(long seq, TopicPartition partition, long offset, long timestampMs, List<PostableAlert> alerts) {
    }

    private final ArrayDeque<Entry> pending = new ArrayDeque<>();
    private final long[] deliveredUpTo;     // per URL: highest seq accepted
    private long nextSeq = 1;

    DeliveryLedger(int urls) {
        deliveredUpTo = new long[urls];
    }

    void add(TopicPartition partition, long offset, long timestampMs, List<PostableAlert> alerts) {
        pending.addLast(new Entry(nextSeq++, partition, offset, timestampMs, List.copyOf(alerts)));
    }

    /** The next entries URL {@code url} has not accepted yet, holding at most {@code maxAlerts} alerts (min. 1 entry). */
    List<Entry> undelivered(int url, int maxAlerts) {
        List<Entry> out = new ArrayList<>();
        int alerts = 0;
        for (Entry e : pending) {
            if (e.seq() <= deliveredUpTo[url]) {
                continue;
            }
            if (!out.isEmpty() && alerts + e.alerts().size() > maxAlerts) {
                break;
            }
            out.add(e);
            alerts += e.alerts().size();
        }
        return out;
    }

    boolean hasUndelivered(int url) {
        return !pending.isEmpty() && pending.peekLast().seq() > deliveredUpTo[url];
    }

    /** alert_ids with a record URL {@code url} has not accepted yet: a re-send must not overtake those. */
    Set<String> undeliveredAlertIds(int url) {
        Set<String> ids = new HashSet<>();
        for (Entry e : pending) {
            if (e.seq() > deliveredUpTo[url]) {
                e.alerts().forEach(a -> ids.add(a.alertId()));
            }
        }
        return ids;
    }

    void markDelivered(int url, long upToSeq) {
        deliveredUpTo[url] = Math.max(deliveredUpTo[url], upToSeq);
    }

    /** Removes the entries every URL accepted and returns the offsets to commit (next offset per partition). */
    Map<TopicPartition, OffsetAndMetadata> drainCommittable() {
        long everywhere = Arrays.stream(deliveredUpTo).min().orElse(0);
        Map<TopicPartition, OffsetAndMetadata> commits = new LinkedHashMap<>();
        while (!pending.isEmpty() && pending.peekFirst().seq() <= everywhere) {
            Entry e = pending.removeFirst();
            commits.put(e.partition(), new OffsetAndMetadata(e.offset() + 1));
        }
        return commits;
    }

    /** Drops the entries of partitions no longer owned; their new owner consumes them again from the commit. */
    void removePartitions(Collection<TopicPartition> partitions) {
        for (Iterator<Entry> it = pending.iterator(); it.hasNext(); ) {
            if (partitions.contains(it.next().partition())) {
                it.remove();
            }
        }
    }

    int size() {
        return pending.size();
    }

    /** Timestamp of the oldest record some URL has not accepted, or -1. */
    long oldestUndeliveredTimestampMs() {
        long everywhere = Arrays.stream(deliveredUpTo).min().orElse(0);
        for (Entry e : pending) {
            if (e.seq() > everywhere) {
                return e.timestampMs();
            }
        }
        return -1;
    }
}
