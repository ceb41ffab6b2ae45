package io.tlsrpt.cli.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of a JVM's JIT compiler threads ({@code C1 CompilerThread*}, {@code C2 CompilerThread*}), read from
 * {@code /proc/PID/task/TID/stat}. On two cores C2 keeps compiling for minutes under this load, and what it burns
 * is start-up cost, not the steady cost per report: the table prints the CPU per report with and without it.
 */
final class JitThreads {

    /** Linux's USER_HZ, the unit of utime and stime in /proc (100 on every mainstream architecture). */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private JitThreads() {
    }

    /** CPU nanoseconds of the compiler threads of process {@code pid} so far, or -1 where /proc cannot tell. */
    static long cpuNanos(long pid) {
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        if (!Files.isDirectory(tasks)) {
            return -1;
        }
        long ticks = 0;
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
            for (Path thread : threads) {
                ticks += compilerTicks(thread);
            }
        } catch (IOException e) {
            return -1;
        }
        return ticks * NANOS_PER_TICK;
    }

    private static long compilerTicks(Path thread) {
        try {
            String stat = Files.readString(thread.resolve("stat"));
            int open = stat.indexOf('(');
            int close = stat.lastIndexOf(')');
            if (open < 0 || close < open) {
                return 0;
            }
            String name = stat.substring(open + 1, close);
            if (!name.startsWith("C1 CompilerThre") && !name.startsWith("C2 CompilerThre")) {
                return 0;
            }
            // after "(comm) ": state is field 3; utime and stime are fields 14 and 15
            String[] f = stat.substring(close + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            // the thread ended between listing and reading: it no longer counts
            return 0;
        }
    }
}
