package io.tlsrpt.cli.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.regex.Pattern;

/**
 * CPU time of the in-process stream processor's stream threads ({@code <client id>-StreamThread-N}, not their
 * producer or consumer threads). The pipeline runs one record at a time on these threads, so their CPU per report is
 * the bound of its rate; set against the phase's wall time it tells whether they were busy all along or waited (for a
 * core the compiler or the broker held, or for the broker's answers).
 */
final class StreamThreads {

    private static final Pattern STREAM_THREAD = Pattern.compile(".*-StreamThread-\\d+");

    private StreamThreads() {
    }

    /** CPU nanoseconds of the live stream threads of this JVM so far, or -1 when the JVM does not measure it. */
    static long cpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (!threads.isThreadCpuTimeSupported() || !threads.isThreadCpuTimeEnabled()) {
            return -1;
        }
        long total = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && STREAM_THREAD.matcher(info.getThreadName()).matches()) {
                // -1 when the thread ended since it was listed: it no longer counts
                total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return total;
    }
}
