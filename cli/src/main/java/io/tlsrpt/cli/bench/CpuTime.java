package io.tlsrpt.cli.bench;

import java.time.Duration;

/**
 * CPU time consumed by this JVM and by the embedded broker (user + system, all threads, from the OS). On a machine
 * shared with other jobs the wall-clock rates move with the load; the CPU a phase cost per report moves much less,
 * so the table prints both.
 */
record CpuTime(long clientNanos, long brokerNanos, long jitNanos, long brokerJitNanos, long streamThreadNanos) {

    /**
     * Now, for this process and the target's broker (broker -1 when external or unknown); {@code jitNanos} is
     * the part of both spent by JIT compiler threads and {@code brokerJitNanos} the broker's share of it,
     * {@code streamThreadNanos} this JVM's stream threads' part (each -1 when unknown).
     */
    static CpuTime now(BenchTarget target) {
        long clientJit = JitThreads.cpuNanos(ProcessHandle.current().pid());
        long brokerJit = target.brokerPid() < 0 ? 0 : JitThreads.cpuNanos(target.brokerPid());
        return new CpuTime(nanos(ProcessHandle.current()), target.brokerCpuNanos(),
            clientJit < 0 || brokerJit < 0 ? -1 : clientJit + brokerJit, target.brokerPid() < 0 ? -1 : brokerJit,
            StreamThreads.cpuNanos());
    }

    /** CPU nanoseconds of a process, or -1 when the OS does not tell. */
    static long nanos(ProcessHandle process) {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    /** The CPU spent between {@code earlier} and this sample. */
    CpuTime since(CpuTime earlier) {
        return new CpuTime(clientNanos - earlier.clientNanos,
            brokerNanos < 0 || earlier.brokerNanos < 0 ? -1 : brokerNanos - earlier.brokerNanos,
            jitNanos < 0 || earlier.jitNanos < 0 ? -1 : jitNanos - earlier.jitNanos,
            brokerJitNanos < 0 || earlier.brokerJitNanos < 0 ? -1 : brokerJitNanos - earlier.brokerJitNanos,
            streamThreadNanos < 0 || earlier.streamThreadNanos < 0 ? -1 : streamThreadNanos - earlier.streamThreadNanos);
    }

    /** {@link #totalSeconds()} without the JIT compiler threads (-1 when unknown). */
    double withoutJitSeconds() {
        return jitNanos < 0 ? -1 : totalSeconds() - jitNanos / 1e9;
    }

    /** Client plus broker (the client alone when the broker is unknown), in seconds. */
    double totalSeconds() {
        return (clientNanos + Math.max(0, brokerNanos)) / 1e9;
    }
}
