package io.tlsrpt.connect;

import io.tlsrpt.connect.record.RawRecord;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The hand-over between the sources' threads and {@code SourceTask.poll()}: bounded by record count and by payload
 * bytes, so a slow or unavailable Kafka turns into back-pressure (a blocked IMAP/spool reader, a 503 answer) rather
 * than memory growth. A record larger than the byte bound is admitted only into an empty queue.
 */
public final class RecordQueue {
    private final int maxRecords;
    private final long maxBytes;
    private final ArrayDeque<RawRecord> items = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private long bytes;
    private boolean closed;

    public RecordQueue(int maxRecords, long maxBytes) {
        if (maxRecords < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("queue bounds must be positive");
        }
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
    }

    /** Waits up to the timeout for room; false when it timed out or the queue was closed. */
    public boolean offer(RawRecord record, long timeout, TimeUnit unit) throws InterruptedException {
        long size = record.payload().length;
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (!closed && !hasRoomFor(size)) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = notFull.awaitNanos(nanos);
            }
            if (closed) {
                return false;
            }
            items.addLast(record);
            bytes += size;
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    private boolean hasRoomFor(long size) {
        return items.isEmpty() || (items.size() < maxRecords && bytes + size <= maxBytes);
    }

    /** Returns up to max records, waiting up to the timeout for the first one; empty on timeout or close. */
    public List<RawRecord> drain(int max, long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (items.isEmpty() && !closed) {
                if (nanos <= 0) {
                    return List.of();
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            List<RawRecord> out = new ArrayList<>(Math.min(max, items.size()));
            while (!items.isEmpty() && out.size() < max) {
                RawRecord r = items.removeFirst();
                bytes -= r.payload().length;
                out.add(r);
            }
            if (!out.isEmpty()) {
                notFull.signalAll();
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** Stops accepting records, wakes every waiter and returns what was still queued (never handed to Connect). */
    public List<RawRecord> close() {
        lock.lock();
        try {
            closed = true;
            List<RawRecord> left = new ArrayList<>(items);
            items.clear();
            bytes = 0;
            notEmpty.signalAll();
            notFull.signalAll();
            return left;
        } finally {
            lock.unlock();
        }
    }

    /** Takes back a record that is still queued (identity); true when it was, so Connect never saw it. */
    public boolean withdraw(RawRecord record) {
        lock.lock();
        try {
            boolean removed = items.removeIf(r -> r == record);
            if (removed) {
                bytes -= record.payload().length;
                notFull.signalAll();
            }
            return removed;
        } finally {
            lock.unlock();
        }
    }

    public int size() {
        lock.lock();
        try {
            return items.size();
        } finally {
            lock.unlock();
        }
    }

    public long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }
}
