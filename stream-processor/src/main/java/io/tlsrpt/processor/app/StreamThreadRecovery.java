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

    /**
     * The response to a thread that died of {@code error} at {@code now}; a replacement is counted when it is
     * granted.
     */
    synchronized StreamThreadExceptionResponse onThreadDeath(Throwable error, Instant now) {
        if (permanent(error)) {
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        while (!recent.isEmpty() && !recent.peekFirst().isAfter(now.minus(window))) {
            recent.removeFirst();
        }
        if (recent.size() >= maxReplacements) {
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        recent.addLast(now);
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    /** An error a new thread would die of again: wrong credentials, missing ACLs, a bad setting. */
    static boolean permanent(Throwable error) {
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

    int maxReplacements() {
        return maxReplacements;
    }

    Duration window() {
        return window;
    }
}
