package io.tlsrpt.cli.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Memory figures of this JVM: the peak heap (sum of the heap pools' peak usage, an upper bound of the true peak)
 * and the peak resident set size (VmHWM in /proc/self/status). Both can be reset before a phase.
 */
final class ProcessMemory {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessMemory.class);

    private ProcessMemory() {
    }

    /** Forgets the peaks so far (heap pools; RSS via /proc/self/clear_refs where the kernel allows it). */
    static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot reset the peak RSS (VmHWM): {}", e.toString());
        }
    }

    /** Sum of the peak usage of the heap pools since the last reset, in bytes. */
    static long peakHeapBytes() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    /** The maximum heap (-Xmx) of this JVM in bytes. */
    static long maxHeapBytes() {
        return Runtime.getRuntime().maxMemory();
    }

    /** Peak RSS of this process (VmHWM) in bytes, or -1 when unknown. */
    static long peakRssBytes() {
        return statusField(Path.of("/proc/self/status"), "VmHWM");
    }

    /** A kB field of a /proc/PID/status file, in bytes; -1 when missing. */
    static long statusField(Path status, String field) {
        try {
            for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
                if (line.startsWith(field + ":")) {
                    String kb = line.substring(field.length() + 1).trim().split("\\s+")[0];
                    return Long.parseLong(kb) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot read {} from {}: {}", field, status, e.toString());
        }
        return -1;
    }
}
