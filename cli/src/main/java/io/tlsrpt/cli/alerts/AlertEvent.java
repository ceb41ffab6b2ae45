package io.tlsrpt.cli.alerts;

import io.tlsrpt.notify.AlertRecord;
import java.time.Instant;
import java.util.Comparator;

/**
 * One record of the JSON alert topic: the alert as the notifier reads it, the value exactly as written (what the
 * command prints as JSON) and where it is.
 */
public record AlertEvent(int partition, long offset, long timestamp, AlertRecord alert, String json) {

    /** Oldest first by detection time (the record's time when absent), then by position. */
    static final Comparator<AlertEvent> BY_TIME = Comparator.comparing(AlertEvent::time)
        .thenComparingInt(AlertEvent::partition).thenComparingLong(AlertEvent::offset);

    /** When the processor detected it; the record's timestamp for an alert without {@code detected_at}. */
    Instant time() {
        return alert.detectedAt() != null ? alert.detectedAt() : Instant.ofEpochMilli(timestamp);
    }

    boolean firing() {
        return alert.status() == AlertRecord.Status.FIRING;
    }
}
