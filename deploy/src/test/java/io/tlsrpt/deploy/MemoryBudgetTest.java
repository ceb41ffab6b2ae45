package io.tlsrpt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tlsrpt.deploy.Workloads.Container;
import io.tlsrpt.deploy.Workloads.Target;
import io.tlsrpt.processor.app.ProcessorConfig;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every stream processor container has an explicit heap, a RocksDB budget and a memory limit that add up: heap +
 * {@code rocksdb.memory.bytes} + the JVM's overhead beside them fits the limit (deploy/README.md, "Memory budget of
 * the stream processor"). Without it the JVM is OOM-killed once the state grows (798 MB RSS at a million reports
 * with RocksDB's per-store defaults, against a 768 MiB limit).
 */
class MemoryBudgetTest {

    private static final long MIB = 1L << 20;
    /**
     * JVM memory beside heap and RocksDB budget: metaspace, code cache, GC structures, thread stacks, network
     * buffers, RocksDB's allocations outside its cache (compaction, iterators) and malloc's slack. Measured at
     * ~250 MiB for the processor alone after a million reports (README, "Memory budget of the stream processor");
     * 320 MiB leaves ~70 MiB of headroom.
     */
    static final long JVM_OVERHEAD = 320 * MIB;

    private static final Pattern XMX = Pattern.compile("-Xmx(\\d+)([kKmMgG]?)");
    private static final Pattern QUANTITY = Pattern.compile("(\\d+)([kKmMgG]i?)?[bB]?");

    @Test
    void heapPlusRocksDbPlusJvmOverheadFitTheMemoryLimit() {
        for (Container c : Workloads.running(Workloads.PROCESSOR_MAIN)) {
            String javaOptions = c.env().getOrDefault("JAVA_TOOL_OPTIONS", "");
            Matcher xmx = XMX.matcher(javaOptions);
            assertThat(xmx.find()).as(c + ": an explicit -Xmx in JAVA_TOOL_OPTIONS (got '" + javaOptions + "')")
                    .isTrue();
            long heap = bytes(xmx.group(1), xmx.group(2));
            long rocksDb = ProcessorConfig.fromProperties(new Properties(), Map.copyOf(c.env())).rocksDbMemoryBytes();
            assertThat(c.env()).as(c + " sets its RocksDB budget explicitly")
                    .containsKey(EnvironmentVariablesTest.envOf(ProcessorConfig.ROCKSDB_MEMORY_BYTES));
            long limit = memoryLimit(c);
            assertThat(heap + rocksDb + JVM_OVERHEAD)
                    .as("%s: heap %d MiB + RocksDB %d MiB + JVM overhead %d MiB within the %d MiB limit", c,
                            heap / MIB, rocksDb / MIB, JVM_OVERHEAD / MIB, limit / MIB)
                    .isLessThanOrEqualTo(limit);
        }
    }

    @Test
    void quantitiesAreReadInTheirFilesUnits() {
        assertThat(quantity(Target.K8S, "768Mi")).isEqualTo(768 * MIB);
        assertThat(quantity(Target.K8S, "768M")).as("Kubernetes: M is decimal").isEqualTo(768_000_000L);
        assertThat(quantity(Target.K8S, "1Gi")).isEqualTo(1024 * MIB);
        assertThat(quantity(Target.COMPOSE, "768m")).as("compose: m is binary, as for docker").isEqualTo(768 * MIB);
        assertThat(quantity(Target.COMPOSE, "805306368")).isEqualTo(768 * MIB);
    }

    /** compose {@code mem_limit} (or {@code deploy.resources.limits.memory}); Kubernetes {@code resources.limits.memory}. */
    private static long memoryLimit(Container c) {
        JsonNode node = c.target() == Target.COMPOSE
                ? (c.node().has("mem_limit") ? c.node().path("mem_limit")
                        : c.node().path("deploy").path("resources").path("limits").path("memory"))
                : c.node().path("resources").path("limits").path("memory");
        assertThat(node.isMissingNode() || node.isNull()).as(c + " has a memory limit").isFalse();
        return quantity(c.target(), node.asText());
    }

    /**
     * Kubernetes: 768Mi binary, 768M decimal; compose: 768m binary (docker's units); a bare number is bytes.
     */
    static long quantity(Target target, String text) {
        Matcher m = QUANTITY.matcher(text.trim());
        assertThat(m.matches()).as("a memory quantity: " + text).isTrue();
        String unit = m.group(2) == null ? "" : m.group(2);
        if (target == Target.K8S && unit.length() == 1) {
            long decimal = switch (unit) {
                case "k" -> 1_000L;
                case "M" -> 1_000_000L;
                case "G" -> 1_000_000_000L;
                default -> throw new AssertionError("not a Kubernetes memory unit: " + text);
            };
            return Long.parseLong(m.group(1)) * decimal;
        }
        return bytes(m.group(1), unit.isEmpty() ? "" : unit.substring(0, 1));
    }

    private static long bytes(String number, String unit) {
        int shift = switch (unit.toLowerCase(Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 0;
        };
        return Long.parseLong(number) << shift;
    }
}
