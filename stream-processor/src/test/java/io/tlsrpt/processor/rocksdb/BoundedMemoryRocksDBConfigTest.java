package io.tlsrpt.processor.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.state.internals.BlockBasedTableConfigWithAccessibleCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteOptions;

class BoundedMemoryRocksDBConfigTest {

    private static final long MIB = 1L << 20;

    @TempDir
    Path dir;

    /** Options as Kafka Streams' RocksDBStore hands them to a config setter: its own table config, 50 MB cache. */
    private static Options kafkaStreamsOptions() {
        Options options = new Options().setCreateIfMissing(true);
        BlockBasedTableConfigWithAccessibleCache table = new BlockBasedTableConfigWithAccessibleCache();
        table.setBlockCache(new org.rocksdb.LRUCache(50 * MIB));
        options.setTableFormatConfig(table);
        return options;
    }

    @Test
    void everyStoreGetsTheSharedCacheAndWriteBufferManager() {
        try (RocksDBMemory memory = new RocksDBMemory(64 * MIB, 0.5);
             Options dedup = kafkaStreamsOptions();
             Options windowSegment = kafkaStreamsOptions()) {
            BoundedMemoryRocksDBConfig setter = new BoundedMemoryRocksDBConfig();
            Map<String, Object> configs = Map.of(RocksDBMemory.CONFIG, memory);
            setter.setConfig("dedup-store", dedup, configs);
            setter.setConfig("domain-window-store.1764547200000", windowSegment, configs);

            for (Options options : new Options[] {dedup, windowSegment}) {
                BlockBasedTableConfigWithAccessibleCache table =
                        (BlockBasedTableConfigWithAccessibleCache) options.tableFormatConfig();
                assertThat(table.blockCache()).isSameAs(memory.cache());
                assertThat(table.cacheIndexAndFilterBlocks()).isTrue();
                assertThat(table.cacheIndexAndFilterBlocksWithHighPriority()).isTrue();
                assertThat(table.pinTopLevelIndexAndFilter()).isTrue();
                assertThat(options.writeBufferManager()).isSameAs(memory.writeBufferManager());
                assertThat(options.maxWriteBufferNumber()).isEqualTo(2);
                assertThat(options.writeBufferSize()).isEqualTo(memory.memtableBytes());
            }
            setter.close("dedup-store", dedup);
            assertThat(memory.usedBytes()).as("closing a store leaves the shared cache usable").isZero();
        }
    }

    @Test
    void memtablesAreAQuarterOfTheWriteBudgetWithinOneAndSixteenMiB() {
        try (RocksDBMemory standard = new RocksDBMemory(64 * MIB, 0.5);
             RocksDBMemory small = new RocksDBMemory(4 * MIB, 0.5);
             RocksDBMemory large = new RocksDBMemory(1024 * MIB, 0.5)) {
            assertThat(standard.writeBufferBytes()).isEqualTo(32 * MIB);
            assertThat(standard.memtableBytes()).isEqualTo(8 * MIB);
            assertThat(small.memtableBytes()).isEqualTo(MIB);
            assertThat(large.memtableBytes()).isEqualTo(16 * MIB);
        }
    }

    @Test
    void withoutTheProcessorsBudgetTheSetterRefusesToConfigure() {
        try (Options options = kafkaStreamsOptions()) {
            assertThatThrownBy(() -> new BoundedMemoryRocksDBConfig().setConfig("dedup-store", options, Map.of()))
                    .isInstanceOf(ConfigException.class).hasMessageContaining(RocksDBMemory.CONFIG);
        }
        assertThatThrownBy(() -> new RocksDBMemory(0, 0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RocksDBMemory(MIB, 1.0)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Two real databases configured by the setter: their memtables are charged to the one cache (its usage grows
     * with unflushed writes to either), and blocks read back after a flush stay within its capacity. Closing the
     * budget's handles while a database is open is safe (RocksDB holds its own references).
     */
    @Test
    void realDatabasesChargeMemtablesAndBlocksToTheSharedCache() throws Exception {
        RocksDBMemory memory = new RocksDBMemory(8 * MIB, 0.5);
        BoundedMemoryRocksDBConfig setter = new BoundedMemoryRocksDBConfig();
        Map<String, Object> configs = Map.of(RocksDBMemory.CONFIG, memory);
        byte[] value = "x".repeat(200).getBytes(StandardCharsets.US_ASCII);
        try (Options options1 = kafkaStreamsOptions(); Options options2 = kafkaStreamsOptions();
             WriteOptions noWal = new WriteOptions().setDisableWAL(true)) {
            setter.setConfig("one", options1, configs);
            setter.setConfig("two", options2, configs);
            try (RocksDB one = RocksDB.open(options1, dir.resolve("one").toString());
                 RocksDB two = RocksDB.open(options2, dir.resolve("two").toString())) {
                assertThat(memory.usedBytes()).isLessThan(MIB);
                for (int i = 0; i < 4_000; i++) {   // ~0.8 MB each: below the 1 MiB memtables, nothing flushed
                    one.put(noWal, key(i), value);
                    two.put(noWal, key(i), value);
                }
                long withMemtables = memory.usedBytes();
                assertThat(withMemtables).as("both memtables charged to the cache").isGreaterThanOrEqualTo(MIB);

                long peak = 0;
                for (int round = 0; round < 5; round++) {   // 40 MB written: five times the budget
                    for (int i = 0; i < 20_000; i++) {
                        one.put(noWal, key(round * 20_000 + i), value);
                        two.put(noWal, key(round * 20_000 + i), value);
                    }
                    peak = Math.max(peak, memory.usedBytes());
                }
                try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
                    one.flush(flush);
                    two.flush(flush);
                }
                for (int i = 0; i < 100_000; i += 7) {     // read back: data, index and filter blocks into the cache
                    assertThat(one.get(key(i))).isEqualTo(value);
                    assertThat(two.get(key(i))).isEqualTo(value);
                    peak = Math.max(peak, memory.usedBytes());
                }
                assertThat(peak).as("cache + memtables under a load five times the budget")
                        .isGreaterThan(4 * MIB).isLessThanOrEqualTo(memory.totalBytes());

                memory.close();
                one.put(noWal, key(-1), value);
                assertThat(one.get(key(-1))).isEqualTo(value);
                assertThat(memory.usedBytes()).as("a closed budget reads as 0, not a released handle").isZero();
            }
        } finally {
            memory.close();
        }
    }

    private static byte[] key(int i) {
        return String.format("key-%09d", i).getBytes(StandardCharsets.US_ASCII);
    }
}
