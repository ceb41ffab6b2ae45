package io.tlsrpt.processor.rocksdb;

import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;

/**
 * The RocksDB memory budget of one processor instance: ONE block cache and ONE write buffer manager shared by every
 * state store (every task, every window segment) of one Kafka Streams client, so that block cache, index and
 * filter blocks and memtables together stay within {@code totalBytes} however many stores and segments there are.
 * Kafka Streams' default is a 50 MB block cache and three 16 MB memtables per RocksDB instance, with no total.
 *
 * <p>Lifecycle: the processor creates one before it builds its {@code KafkaStreams}, hands it to
 * {@link BoundedMemoryRocksDBConfig} through the Streams configuration ({@link #CONFIG}) and closes it after
 * Kafka Streams has closed its stores. The stores never close it.
 */
public final class RocksDBMemory implements AutoCloseable {

    /** Streams configuration entry carrying this object to {@link BoundedMemoryRocksDBConfig}. */
    public static final String CONFIG = "tlsrpt.rocksdb.memory";

    /** Share of the cache reserved for index and filter blocks (high priority: evicted last), as in Kafka's docs. */
    static final double INDEX_FILTER_BLOCK_RATIO = 0.1;
    /** Memtables per store: one being written, one being flushed. */
    static final int MEMTABLES_PER_STORE = 2;
    private static final long MIN_MEMTABLE_BYTES = 1L << 20;
    private static final long MAX_MEMTABLE_BYTES = 16L << 20;   // Kafka Streams' default write_buffer_size

    private final long totalBytes;
    private final long writeBufferBytes;
    private final long memtableBytes;
    private final Cache cache;
    private final WriteBufferManager writeBufferManager;
    private boolean closed;

    /**
     * @param totalBytes        block cache capacity; memtables are charged to it, so this bounds both
     * @param writeBufferRatio  share of {@code totalBytes} memtables may take before RocksDB flushes them
     */
    public RocksDBMemory(long totalBytes, double writeBufferRatio) {
        if (totalBytes <= 0) {
            throw new IllegalArgumentException("RocksDB memory must be positive: " + totalBytes);
        }
        if (!(writeBufferRatio > 0 && writeBufferRatio < 1)) {
            throw new IllegalArgumentException("write buffer ratio must be between 0 and 1: " + writeBufferRatio);
        }
        RocksDB.loadLibrary();
        this.totalBytes = totalBytes;
        this.writeBufferBytes = (long) (totalBytes * writeBufferRatio);
        // a quarter of the memtable budget per memtable: several stores can have one filling before the shared
        // budget forces a flush; never more than Kafka Streams' default, never so small that every write flushes
        this.memtableBytes = Math.max(MIN_MEMTABLE_BYTES, Math.min(MAX_MEMTABLE_BYTES, writeBufferBytes / 4));
        // strict capacity limit off (Kafka's advice): with it on, a read or write that finds the cache full of
        // pinned blocks fails instead of briefly overshooting
        this.cache = new LRUCache(totalBytes, -1, false, INDEX_FILTER_BLOCK_RATIO);
        this.writeBufferManager = new WriteBufferManager(writeBufferBytes, cache);
    }

    public Cache cache() {
        return cache;
    }

    public WriteBufferManager writeBufferManager() {
        return writeBufferManager;
    }

    /** The bound: capacity of the shared block cache, memtables included. */
    public long totalBytes() {
        return totalBytes;
    }

    /** Memtable bytes of all stores together before RocksDB flushes. */
    public long writeBufferBytes() {
        return writeBufferBytes;
    }

    /** write_buffer_size of each store. */
    public long memtableBytes() {
        return memtableBytes;
    }

    /**
     * Bytes held in the shared cache now: data, index and filter blocks and the memtables' reservations; 0 once
     * closed (synchronized with {@link #close()}: a metrics scrape must not read a released handle).
     */
    public synchronized long usedBytes() {
        return closed ? 0 : cache.getUsage();
    }

    /** Bytes of cache entries in use (pinned) now, which cannot be evicted until released; 0 once closed. */
    public synchronized long pinnedBytes() {
        return closed ? 0 : cache.getPinnedUsage();
    }

    /**
     * Releases this client's handles. RocksDB keeps the native cache and write buffer manager alive while a
     * database still refers to them, so closing after a Kafka Streams close that timed out is still safe.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        writeBufferManager.close();
        cache.close();
    }

    @Override
    public String toString() {
        return "RocksDBMemory[total=" + totalBytes + ", writeBuffers=" + writeBufferBytes + ", memtable="
                + memtableBytes + "]";
    }
}
