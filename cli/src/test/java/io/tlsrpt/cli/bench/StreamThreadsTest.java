package io.tlsrpt.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StreamThreadsTest {

    private static final long SPIN_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    @Test
    void countsStreamThreadsButNotTheirProducerOrConsumerThreads() throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long before = StreamThreads.cpuNanos();
        CountDownLatch spun = new CountDownLatch(3);
        CountDownLatch release = new CountDownLatch(1);
        Thread stream = spinner("tlsrpt-app-6f1c-StreamThread-1", spun, release);
        Thread producer = spinner("tlsrpt-app-6f1c-StreamThread-1-producer", spun, release);
        Thread consumer = spinner("kafka-consumer-network-thread | tlsrpt-app-6f1c-StreamThread-1-consumer", spun,
            release);
        try {
            assertThat(spun.await(30, TimeUnit.SECONDS)).isTrue();
            long counted = StreamThreads.cpuNanos() - before;
            long streamCpu = mx.getThreadCpuTime(stream.getId());
            // the other two spun as long: counting either would add at least SPIN_NANOS
            assertThat(counted).isGreaterThanOrEqualTo(SPIN_NANOS)
                .isCloseTo(streamCpu, within(TimeUnit.MILLISECONDS.toNanos(20)));
            assertThat(mx.getThreadCpuTime(producer.getId())).isGreaterThanOrEqualTo(SPIN_NANOS);
            assertThat(mx.getThreadCpuTime(consumer.getId())).isGreaterThanOrEqualTo(SPIN_NANOS);
        } finally {
            release.countDown();
            stream.join();
            producer.join();
            consumer.join();
        }
    }

    @Test
    void theLineGivesCpuPerReportAndTheShareOfThePhase() {
        CpuTime pipeline = new CpuTime(24_300_000_000L, 7_100_000_000L, 12_000_000_000L, 2_000_000_000L, 11_600_000_000L);
        assertThat(PipelineBench.streamThreadLine(pipeline, 19.6, 100_000))
            .startsWith("# stream threads: 11.6 s CPU in the 19.6 s pipeline phase (59 % of it), 0.116 ms per report");
        assertThat(PipelineBench.streamThreadLine(new CpuTime(1, 1, 1, 1, -1), 19.6, 100_000))
            .isEqualTo("# stream threads: CPU time not measured by this JVM");
    }

    /** A thread that burns at least SPIN_NANOS of its own CPU, then waits, alive, until released. */
    private static Thread spinner(String name, CountDownLatch spun, CountDownLatch release) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Thread t = new Thread(() -> {
            long sink = 0;
            while (mx.getCurrentThreadCpuTime() < SPIN_NANOS) {
                sink += System.nanoTime() % 7;
            }
            spun.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (sink == 42) {
                Thread.yield();
            }
        }, name);
        t.start();
        return t;
    }
}
