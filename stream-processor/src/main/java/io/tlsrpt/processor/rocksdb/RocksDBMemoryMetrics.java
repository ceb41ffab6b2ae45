package io.tlsrpt.processor.rocksdb;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The shared RocksDB budget as three gauges ({@code tlsrpt_rocksdb_memory_*_bytes} in Prometheus). Kafka Streams'
 * own {@code block-cache-usage} metrics are per store and carry a different tag for key-value and window stores,
 * which Prometheus cannot hold under one name (Micrometer binds only one kind); these read the one shared cache.
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
