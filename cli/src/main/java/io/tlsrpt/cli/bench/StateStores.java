package io.tlsrpt.cli.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import java.lang.management.ManagementFactory;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Size of the processor's state stores: bytes on disk per store (walking the Kafka Streams state directory) and the
 * keys per store (RocksDB's {@code estimate-num-keys}).
 */
final class StateStores {

    /**
     * One store: bytes of its files on disk, RocksDB's live data (SST files plus memtables, -1 when unknown) and
     * estimated keys (-1 when unknown).
     */
    record Store(String name, long bytes, long liveBytes, long keys) {
        double bytesPerKey() {
            return keys > 0 ? (double) Math.max(bytes, liveBytes) / keys : Double.NaN;
        }
    }

    private StateStores() {
    }

    /** The stores under {@code appStateDir} (STATE_DIR/APPLICATION_ID), by name. */
    static Map<String, Store> measure(Path appStateDir) {
        Map<String, Long> bytes = new TreeMap<>();
        if (Files.isDirectory(appStateDir)) {
            try (Stream<Path> walk = Files.walk(appStateDir)) {
                walk.filter(Files::isRegularFile).forEach(f -> bytes.merge(storeName(appStateDir, f), size(f),
                    Long::sum));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot walk the state directory " + appStateDir, e);
            }
        }
        Map<String, Long> keys = rocksDbProperty("estimate-num-keys");
        Map<String, Long> live = rocksDbProperty("total-sst-files-size");
        rocksDbProperty("size-all-mem-tables").forEach((k, v) -> live.merge(k, v, Long::sum));
        Map<String, Store> stores = new TreeMap<>();
        bytes.forEach((name, b) -> stores.put(name, new Store(name, b, live.getOrDefault(name, -1L),
            keys.getOrDefault(name, -1L))));
        keys.forEach((name, k) -> stores.putIfAbsent(name, new Store(name, 0, live.getOrDefault(name, -1L), k)));
        return stores;
    }

    /**
     * The store a file belongs to: {@code TASK/rocksdb/STORE/...} (key-value stores) or {@code TASK/STORE/...}
     * (segmented window stores); anything else (checkpoint files, locks) is "(other)".
     */
    private static String storeName(Path root, Path file) {
        Path rel = root.relativize(file);
        if (rel.getNameCount() >= 4 && rel.getName(1).toString().equals("rocksdb")) {
            return rel.getName(2).toString();
        }
        if (rel.getNameCount() >= 3) {
            return rel.getName(1).toString();
        }
        return "(other)";
    }

    /**
     * A RocksDB property metric of every store, summed over tasks and segments, from the Kafka Streams metrics on
     * the platform MBean server ({@code stream-state-metrics}, INFO level, JMX reporter on by default).
     */
    static Map<String, Long> rocksDbProperty(String metric) {
        Map<String, Long> keys = new TreeMap<>();
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            for (ObjectName name : server.queryNames(new ObjectName("kafka.streams:type=stream-state-metrics,*"),
                null)) {
                String store = null;
                for (var e : name.getKeyPropertyList().entrySet()) {
                    if (e.getKey().endsWith("-state-id")) {
                        store = e.getValue();
                    }
                }
                if (store == null) {
                    continue;
                }
                try {
                    Object v = server.getAttribute(name, metric);
                    if (v instanceof Number n && !Double.isNaN(n.doubleValue())) {
                        keys.merge(store, n.longValue(), Long::sum);
                    }
                } catch (javax.management.AttributeNotFoundException e) {
                    // a store type without the RocksDB property metrics (in-memory): no estimate
                }
            }
        } catch (javax.management.JMException e) {
            throw new IllegalStateException("cannot read the Kafka Streams state metrics", e);
        }
        return keys;
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return 0;   // RocksDB deleted it while we walked (compaction): not part of the state any more
        }
    }
}
