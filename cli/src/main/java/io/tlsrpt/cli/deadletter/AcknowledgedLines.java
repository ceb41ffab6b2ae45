package io.tlsrpt.cli.deadletter;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tlsrpt.connect.record.RawRecords;
import io.tlsrpt.embedded.RawInputProducer;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The dead-letters command's JSON lines, each printed only once the record it replays is acknowledged by the broker
 * or known to have failed, so that a line never says "written" for a record that is not in Kafka. Lines wait in
 * batches of {@value #MAX_PENDING} (the producer is flushed once per batch) and keep the order they were read in.
 */
final class AcknowledgedLines {

    static final int MAX_PENDING = 500;

    private record Line(ObjectNode json, Future<RecordMetadata> sent) {
    }

    private final PrintWriter out;
    private final List<Line> pending = new ArrayList<>();
    private long written;
    private long failed;
    private String firstFailure;

    AcknowledgedLines(PrintWriter out) {
        this.out = out;
    }

    /**
     * A line to print; {@code sent} is the replay of its dead letter through {@code replay}, or null when it was not
     * replayed.
     */
    void add(ObjectNode json, Future<RecordMetadata> sent, RawInputProducer replay) {
        pending.add(new Line(json, sent));
        if (pending.size() >= MAX_PENDING) {
            drain(replay);
        }
    }

    /**
     * Waits for the pending replays, then prints every pending line with its outcome. {@code replay} is the producer
     * to flush, or null when there is none or it is closed (closing waited for its sends).
     */
    void drain(RawInputProducer replay) {
        if (replay != null && pending.stream().anyMatch(l -> l.sent() != null)) {
            replay.awaitSent();
        }
        for (Line line : pending) {
            if (line.sent() != null) {
                recordOutcome(line);
            }
            out.println(line.json());
        }
        pending.clear();
        out.flush();
    }

    private void recordOutcome(Line line) {
        try {
            RecordMetadata m = line.sent().get();   // complete: awaitSent() returned
            line.json().put("replay", "written");
            line.json().put("replayed_to", RawRecords.position(m.topic(), m.partition(), m.offset()));
            written++;
        } catch (ExecutionException e) {
            String why = e.getCause() == null ? e.toString() : e.getCause().toString();
            line.json().put("replay", "failed: " + why);
            failed++;
            if (firstFailure == null) {
                firstFailure = why;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a replay's acknowledgement", e);
        }
    }

    /** Replays the broker acknowledged (of the lines printed so far). */
    long written() {
        return written;
    }

    /** Replays that failed (of the lines printed so far). */
    long failed() {
        return failed;
    }

    /** Why the first failed replay failed, or null. */
    String firstFailure() {
        return firstFailure;
    }
}
