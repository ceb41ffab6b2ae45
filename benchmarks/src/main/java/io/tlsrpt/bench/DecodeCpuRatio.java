package io.tlsrpt.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * The {@link DecodeBenchmark} ratio measured by CPU time instead of wall-clock throughput: the subject and its floor
 * alternate in short slices (a few ms each) on one thread, each slice timed by the thread's CPU time. On a shared
 * machine whose load average is many times its core count, JMH's wall-clock figures for one pair moved by 3-10x
 * between back-to-back runs; CPU time does not count the time the thread waited for a core, and alternating in slices
 * gives both the same cache and JIT conditions.
 *
 * <p>{@code java -cp benchmarks/target/tlsrpt-benchmarks.jar io.tlsrpt.bench.DecodeCpuRatio SHAPE [SLICES]}
 * (default 200 slices after as many warm-up slices). Prints subject and floor CPU microseconds per operation, the
 * ratio floor/subject over all slices, and the median and quartiles of the per-slice ratios.
 */
public final class DecodeCpuRatio {

    /** One measured pair: CPU nanoseconds of every slice of subject and floor. */
    record Result(InputShape shape, int opsPerSlice, long[] subjectNanos, long[] floorNanos) {

        double ratio() {
            return (double) Arrays.stream(floorNanos).sum() / Arrays.stream(subjectNanos).sum();
        }

        /** The per-slice ratios, sorted. */
        double[] sliceRatios() {
            double[] ratios = new double[subjectNanos.length];
            for (int i = 0; i < ratios.length; i++) {
                ratios[i] = (double) floorNanos[i] / Math.max(1, subjectNanos[i]);
            }
            Arrays.sort(ratios);
            return ratios;
        }

        String describe() {
            double[] r = sliceRatios();
            int n = subjectNanos.length;
            double ops = (double) n * opsPerSlice;
            return String.format(java.util.Locale.ROOT,
                "%s: subject %.1f us/op, floor %.1f us/op (thread CPU time), ratio %.2f"
                    + " (per-slice median %.2f, quartiles %.2f..%.2f; %d slices of %d ops)",
                shape, Arrays.stream(subjectNanos).sum() / 1e3 / ops, Arrays.stream(floorNanos).sum() / 1e3 / ops,
                ratio(), r[n / 2], r[n / 4], r[3 * n / 4], n, opsPerSlice);
        }
    }

    private DecodeCpuRatio() {
    }

    public static void main(String[] args) throws IOException {
        InputShape shape = InputShape.valueOf(args[0]);
        int slices = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        System.out.println(measure(shape, slices, slices).describe());
    }

    static Result measure(InputShape shape, int warmupSlices, int slices) throws IOException {
        DecodeBenchmark benchmark = new DecodeBenchmark();
        benchmark.shape = shape;
        benchmark.setUp();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        // a slice of a few milliseconds: long enough for the CPU clock's resolution, short against load drift
        int ops = Math.max(1, 2_000_000 / Math.max(1, shape.sample().raw().length * 4));
        long[] subject = new long[slices];
        long[] floor = new long[slices];
        Object sink = null;
        for (int s = -warmupSlices; s < slices; s++) {
            long start = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < ops; i++) {
                sink = benchmark.decode();
            }
            long middle = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < ops; i++) {
                sink = benchmark.floorGunzipTreeParse();
            }
            long end = threads.getCurrentThreadCpuTime();
            if (s >= 0) {
                subject[s] = middle - start;
                floor[s] = end - middle;
            }
        }
        if (sink == null) {
            throw new IllegalStateException("nothing decoded");
        }
        return new Result(shape, ops, subject, floor);
    }
}
