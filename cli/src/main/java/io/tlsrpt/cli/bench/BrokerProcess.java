package io.tlsrpt.cli.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.tlsrpt.embedded.EmbeddedKafka;
import io.tlsrpt.embedded.RawInputProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded broker of a benchmark, in a JVM of its own: so that the heap, RSS and CPU the benchmark reports are
 * those of the measured clients, not of the broker. The child prints {@code BOOTSTRAP host:port} once ready and
 * stops when its standard input closes (when the benchmark ends, or dies).
 */
public final class BrokerProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerProcess.class);
    private static final String READY = "BOOTSTRAP ";
    /** Heap of the broker JVM. */
    static final String BROKER_HEAP = "-Xmx1g";

    private final Process process;
    private final String bootstrap;

    private BrokerProcess(Process process, String bootstrap) {
        this.process = process;
        this.bootstrap = bootstrap;
    }

    /**
     * Starts a broker JVM with its data in {@code dataDir}; returns once it accepts clients. A broker that exits before
     * it is ready is started again, twice at most, on other ports: Kafka ends its process when a listener cannot bind,
     * and a port found free can be taken before the broker binds it.
     */
    public static BrokerProcess start(Path dataDir) {
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(dataDir);
            } catch (ExitedEarly e) {
                if (attempt >= START_ATTEMPTS) {
                    throw new IllegalStateException(e.getMessage() + ", " + START_ATTEMPTS + " times");
                }
                LOG.warn("{}; starting it again (its log above says why)", e.getMessage());
            }
        }
    }

    private static final int START_ATTEMPTS = 3;

    /** The broker process ended before it said it was ready. */
    private static final class ExitedEarly extends Exception {
        private static final long serialVersionUID = 1L;

        ExitedEarly(int exit) {
            super("the broker process exited before it was ready (exit " + exit + ")");
        }
    }

    private static BrokerProcess startOnce(Path dataDir) throws ExitedEarly {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, BROKER_HEAP, "-XX:+UseParallelGC",
            "-cp", System.getProperty("java.class.path"), BrokerProcess.class.getName(), dataDir.toString()));
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith(READY)) {
                    LOG.info("benchmark broker (pid {}) ready on {}", p.pid(), line.substring(READY.length()));
                    drainToStderr(out, p.pid());
                    return new BrokerProcess(p, line.substring(READY.length()).trim());
                }
            }
            p.destroyForcibly();
            throw new ExitedEarly(p.waitFor());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the broker process", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the broker process", e);
        }
    }

    /**
     * Keeps reading the broker's standard output after the ready line, passing it on to ours: a pipe nobody reads
     * fills up (64 KiB), and the broker then blocks in its next log call, in the middle of a request (seen: a
     * logging configuration writing INFO to stdout made every topic creation of the bench time out).
     */
    private static void drainToStderr(BufferedReader out, long pid) {
        Thread drain = new Thread(() -> {
            try (out) {
                String line;
                while ((line = out.readLine()) != null) {
                    System.err.println(line);
                }
            } catch (IOException e) {
                LOG.debug("stopped reading the output of broker process {}", pid, e);
            }
        }, "bench-broker-stdout");
        drain.setDaemon(true);
        drain.start();
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    /** Resident set size of the broker process in bytes (VmRSS), or -1 when unknown. */
    public long rssBytes() {
        return ProcessMemory.statusField(Path.of("/proc", Long.toString(process.pid()), "status"), "VmRSS");
    }

    public long pid() {
        return process.pid();
    }

    /** CPU time of the broker process (user + system) in nanoseconds, or -1 when unknown. */
    public long cpuNanos() {
        return CpuTime.nanos(process.toHandle());
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                LOG.warn("the broker process did not stop within 60 s; killing it");
                process.destroyForcibly();
            }
        } catch (IOException e) {
            LOG.warn("cannot signal the broker process to stop; killing it", e);
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** Child entry point: {@code BrokerProcess DATA_DIR}. */
    public static void main(String[] args) throws IOException {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder(Path.of(args[0]))
            .property("message.max.bytes", Integer.toString(RawInputProducer.MAX_RECORD_BYTES + 64 * 1024))
            .start()) {
            System.out.println(READY + kafka.bootstrapServers());
            System.out.flush();
            // runs until the parent closes our stdin (or dies)
            while (System.in.read() >= 0) {
                // ignore input
            }
        }
        System.exit(0);
    }
}
