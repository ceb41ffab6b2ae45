package io.tlsrpt.processor.rocksdb;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The shared RocksDB budget as three gauges ({@code tlsrpt_rocksdb_memory_*_bytes} in Prometheus): one figure per
 * instance. Kafka Streams' own {@code kafka_stream_state_block_cache_usage} is exported too, but once per store and
 * task (each showing the same shared cache, so a sum over-counts, and a window store without an open segment
 * shows 0), with {@code rocksdb_state_id} or {@code rocksdb_window_state_id} labels depending on the store type.
 */
public final class RocksDBMemoryMetrics implements MeterBinder {

    public static final String USED = "tlsrpt.rocksdb.memory.used.bytes";
    public static final String PINNED = "tlsrpt.rocksdb.memory.pinned.bytes";
    public static final String LIMIT = "tlsrpt.rocksdb.memory.limit.bytes";

    private final RocksDBMemory memory;

    public RocksDBMemoryMetrics(RocksDBMemory memory) {
        this.memory = memory;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder(USED, memory, RocksDBMemory::usedBytes)
                .description("bytes in the shared RocksDB block cache: data, index and filter blocks and memtables")
                .baseUnit("bytes").register(registry);
        Gauge.builder(PINNED, memory, RocksDBMemory::pinnedBytes)
                .description("bytes of the shared RocksDB block cache pinned by readers (not evictable now)")
                .baseUnit("bytes").register(registry);
        Gauge.builder(LIMIT, memory, RocksDBMemory::totalBytes)
                .description("capacity of the shared RocksDB block cache (rocksdb.memory.bytes)")
                .baseUnit("bytes").register(registry);
    }
}
