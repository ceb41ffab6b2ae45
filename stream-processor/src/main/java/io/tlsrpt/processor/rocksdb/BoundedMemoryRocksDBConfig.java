package io.tlsrpt.processor.rocksdb;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;

/**
 * Kafka Streams' "bounded memory" recipe (developer guide, Memory management, RocksDB): every store of the client
 * uses the one block cache and the one write buffer manager of the client's {@link RocksDBMemory}, found in the
 * Streams configuration under {@link RocksDBMemory#CONFIG}. Index and filter blocks live in that cache (high
 * priority, top level pinned) instead of beside it, and memtables are charged to it, so the cache's capacity
 * bounds the three together. Kafka Streams creates one instance of this class per store (and per window segment).
 */
public final class BoundedMemoryRocksDBConfig implements RocksDBConfigSetter {

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        RocksDBMemory memory = memory(configs);
        if (!(options.tableFormatConfig() instanceof BlockBasedTableConfig table)) {
            throw new IllegalStateException("store " + storeName + ": expected Kafka Streams' block-based table format, got "
                    + options.tableFormatConfig());
        }
        // Kafka Streams' own table config (BlockBasedTableConfigWithAccessibleCache) is modified in place, so that
        // its RocksDB metrics (block-cache-usage, -capacity) report the shared cache
        table.setBlockCache(memory.cache());
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(memory.writeBufferManager());
        options.setMaxWriteBufferNumber(RocksDBMemory.MEMTABLES_PER_STORE);
        options.setWriteBufferSize(memory.memtableBytes());
    }

    /** The shared cache and write buffer manager belong to the processor instance: not closed per store. */
    @Override
    public void close(String storeName, Options options) {
        // nothing of our own to release here; RocksDBMemory is closed by its owner after Kafka Streams
    }

    static RocksDBMemory memory(Map<String, Object> configs) {
        Object value = configs.get(RocksDBMemory.CONFIG);
        if (value instanceof RocksDBMemory memory) {
            return memory;
        }
        throw new ConfigException(RocksDBMemory.CONFIG, value,
                "a RocksDBMemory instance is required by " + BoundedMemoryRocksDBConfig.class.getName()
                        + " (the processor puts its own in the Streams configuration)");
    }
}
