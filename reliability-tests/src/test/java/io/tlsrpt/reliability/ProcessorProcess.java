package io.tlsrpt.reliability;

import io.tlsrpt.processor.app.TlsRptProcessor;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream processor as its own operating-system process, started the way an operator starts it
 * ({@code java ... io.tlsrpt.processor.app.TlsRptProcessor processor.properties}) with this test's classpath, so
 * that it can be killed with SIGKILL ({@link #kill()}): no shutdown hook, no final commit, no leaving the group.
 */
final class ProcessorProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessorProcess.class);

    private final String name;
    private final Process process;
    private final Path log;

    private ProcessorProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Writes {@code settings} to {@code dir/NAME.properties} and starts the processor on it; its output goes to
     * {@code dir/NAME.log}.
     */
    static ProcessorProcess start(String name, Path dir, Map<String, String> settings) {
        try {
            Files.createDirectories(dir);
            Path props = dir.resolve(name + ".properties");
            Properties p = new Properties();
            p.putAll(settings);
            try (OutputStream out = Files.newOutputStream(props)) {
                p.store(out, "reliability test " + name);
            }
            Path log = dir.resolve(name + ".log");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.tlsrpt",
                    "-cp", System.getProperty("java.class.path"),
                    TlsRptProcessor.class.getName(), props.toString()));
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
            LOG.info("started processor {} (pid {}), log {}", name, process.pid(), log);
            return new ProcessorProcess(name, process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start processor " + name, e);
        }
    }

    String name() {
        return name;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    /** SIGKILL: the process gets no chance to commit, flush or leave the consumer group. */
    void kill() {
        process.destroyForcibly();
        await(Duration.ofSeconds(30));
        LOG.info("killed processor {} with SIGKILL (exit {})", name, process.exitValue());
    }

    /** SIGTERM: the shutdown hook commits and leaves the group, as in an orderly stop. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            if (!await(Duration.ofSeconds(60))) {
                LOG.warn("processor {} did not stop on SIGTERM within 60 s; killing it", name);
                process.destroyForcibly();
                await(Duration.ofSeconds(30));
            }
        }
    }

    private boolean await(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for processor " + name, e);
        }
    }
}
