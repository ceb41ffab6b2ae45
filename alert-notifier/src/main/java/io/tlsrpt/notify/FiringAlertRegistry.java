package io.tlsrpt.notify;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The alerts currently firing, by alert_id, with the partition their records live on. Firing alerts are
 * re-posted from here every resend interval, so Alertmanager's resolve_timeout never ends them.
 *
 * <p>The registry is a fold over the alert topic: {@link #apply} is called for every record in offset order,
 * both for live records and when the notifier re-reads its partitions from the beginning after an assignment
 * (that is how firing alerts survive a notifier restart). Not thread-safe: used by the consumer thread only.
 */
final class FiringAlertRegistry {

    private record Entry(int partition, PostableAlert alert) {
    }

    private final AlertMapper mapper;
    private final Map<String, Entry> firing = new LinkedHashMap<>();

    FiringAlertRegistry(AlertMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * Folds one record in and returns what to post for it, in order. Usually one alert; two when the label set of
     * an incident changed (warning escalated to critical): the old label set is ended first, otherwise that
     * Alertmanager alert would stay firing until it expires. The MX hosts label stays the one it first fired with; a
     * resolution ends the label set that fired.
     */
    List<PostableAlert> apply(AlertRecord record, int partition, Instant now) {
        Entry previous = firing.get(record.alertId());
        Instant detected = record.detectedAt() == null ? now : record.detectedAt();
        Instant startsAt = previous != null && previous.alert().startsAt().isBefore(detected)
                ? previous.alert().startsAt() : detected;
        PostableAlert mapped = mapper.map(record, startsAt, now);
        if (previous != null && mapped.firing()) {
            mapped = withMxLabelOf(previous.alert(), mapped);
        }
        if (previous != null && !mapped.firing()) {
            // the resolution ends the very alert that fired, whatever labels its last record would give (the MX
            // hosts of a window back to normal are not those that failed)
            mapped = new PostableAlert(mapped.alertId(), previous.alert().labels(), mapped.annotations(),
                    mapped.startsAt(), mapped.endsAt());
        }
        List<PostableAlert> out = new ArrayList<>(2);
        if (previous != null && !previous.alert().labels().equals(mapped.labels())) {
            out.add(previous.alert().endedAt(now));
        }
        out.add(mapped);
        if (mapped.firing()) {
            firing.put(record.alertId(), new Entry(partition, mapped));
        } else {
            firing.remove(record.alertId());
        }
        return out;
    }

    /**
     * {@code update} with the {@code receiving_mx} label the incident fired with (or none, if it fired without): the
     * hosts of a later window (a backup MX host failing too, one dropping out of the top) would change the label set,
     * end the Alertmanager alert and fire another, in another group, paging again for the same incident. The
     * update's hosts are in its annotations.
     */
    private static PostableAlert withMxLabelOf(PostableAlert fired, PostableAlert update) {
        String label = fired.labels().get(AlertMapper.RECEIVING_MX);
        if (Objects.equals(label, update.labels().get(AlertMapper.RECEIVING_MX))) {
            return update;
        }
        Map<String, String> labels = new LinkedHashMap<>(update.labels());
        if (label == null) {
            labels.remove(AlertMapper.RECEIVING_MX);
        } else {
            labels.put(AlertMapper.RECEIVING_MX, label);
        }
        return new PostableAlert(update.alertId(), labels, update.annotations(), update.startsAt(), update.endsAt());
    }

    /** The alerts to re-post. */
    List<PostableAlert> firing() {
        return firing.values().stream().map(Entry::alert).toList();
    }

    /** Forgets the alerts of partitions this instance no longer owns (their new owner rebuilds them). */
    void forgetPartitions(Collection<Integer> partitions) {
        firing.values().removeIf(e -> partitions.contains(e.partition()));
    }

    int size() {
        return firing.size();
    }
}
