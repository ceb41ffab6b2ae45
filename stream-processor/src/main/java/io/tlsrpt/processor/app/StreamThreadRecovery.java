package io.tlsrpt.processor.app;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

/**
 * What to do when a stream thread dies of an error that no record handler took (bad records are dead-lettered
 * before they get here): replace the thread, at most {@code maxReplacements} times within {@code window}, then shut
 * the client down.
 *
 * <p>Why replace: such an error is usually the environment's, and passing. After a broker restart, for example, the
 * transaction coordinator may have aborted the thread's open transaction, and the thread's producer is then unusable
 * ({@code InvalidTxnStateException} on commit), although the cluster is fine. A new thread has a new producer; its
 * tasks are restored from their changelogs, and the aborted transaction's output was never visible (exactly-once
 * holds). Why a bound: an error that comes back at once (lost authorisation, a broken disk) must stop the client, so
 * that {@code /health/live} turns DOWN and the supervisor sees it, rather than loop; one that cannot pass by itself
 * (authentication, authorisation, a configuration error) stops it at once. Thread-safe.
 */
final class StreamThreadRecovery {

    private final int maxReplacements;
    private final Duration window;
    private final Deque<Instant> recent = new ArrayDeque<>();

    /**
     * @param maxReplacements replacements allowed within {@code window}; 0: shut down at the first failure
     * @param window          the sliding window they are counted in
     */
    StreamThreadRecovery(int maxReplacements, Duration window) {
        if (maxReplacements < 0) {
            throw new IllegalArgumentException("maxReplacements must be >= 0: " + maxReplacements);
        }
        this.maxReplacements = maxReplacements;
        this.window = window;
    }

    /** What to do with a thread that died, and why, in words for the log line. */
    record Decision(StreamThreadExceptionResponse response, String why) {
        boolean replaces() {
            return response == StreamThreadExceptionResponse.REPLACE_THREAD;
        }
    }

    /**
     * The decision for a thread that died of {@code error} at {@code now}; a replacement is counted when it is
     * granted.
     */
    synchronized Decision onThreadDeath(Throwable error, Instant now) {
        if (permanent(error)) {
            return new Decision(StreamThreadExceptionResponse.SHUTDOWN_CLIENT, "an error a new thread would meet again "
                    + "(credentials, ACLs or settings); shutting the client down");
        }
        while (!recent.isEmpty() && !recent.peekFirst().isAfter(now.minus(window))) {
            recent.removeFirst();
        }
        if (recent.size() >= maxReplacements) {
            return new Decision(StreamThreadExceptionResponse.SHUTDOWN_CLIENT, "after " + recent.size()
                    + " replacements within " + window + "; shutting the client down");
        }
        recent.addLast(now);
        return new Decision(StreamThreadExceptionResponse.REPLACE_THREAD, "replacing it (" + recent.size() + " of "
                + maxReplacements + " replacements allowed within " + window + ")");
    }

    /** An error a new thread would die of again: wrong credentials, missing ACLs, a bad setting. */
    private static boolean permanent(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AuthenticationException || t instanceof AuthorizationException
                    || t instanceof ConfigException) {
                return true;
            }
        }
        return false;
    }

    /** Replacements granted within the window ending at the last death. */
    synchronized int recentReplacements() {
        return recent.size();
    }
}
