package io.tlsrpt.processor.app;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tlsrpt.processor.served.ServedDomains;
import io.tlsrpt.processor.served.ServedDomainsFile;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The served-domains list in force, for the decode stage: {@code served.domains}, and {@code served.domains.file}
 * re-read every {@code served.domains.reload.interval} on a thread of its own (no file I/O on a stream thread).
 * Metrics: {@code tlsrpt_served_domains} (entries in force, 0 = every domain served) and
 * {@code tlsrpt_served_domains_reloads_total{result="applied|failed"}}.
 */
public final class ServedDomainsReloader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServedDomainsReloader.class);

    private final ServedDomains inline;
    private final ServedDomainsFile file;
    private final ScheduledExecutorService scheduler;
    private final Counter applied;
    private final Counter failed;

    private ServedDomainsReloader(ServedDomains inline, ServedDomainsFile file, Duration interval,
                                  MeterRegistry registry) {
        this.inline = inline;
        this.file = file;
        Gauge.builder("tlsrpt.served.domains", this, r -> r.current().size())
                .description("Entries of the served-domains list in force (domains and wildcards); 0: every policy"
                        + " domain is served")
                .register(registry);
        this.applied = reloads(registry, "applied");
        this.failed = reloads(registry, "failed");
        if (file == null) {
            scheduler = null;
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, "served-domains-reload");
            t.setDaemon(true);
            return t;
        });
        long ms = interval.toMillis();
        scheduler.scheduleWithFixedDelay(this::reload, ms, ms, TimeUnit.MILLISECONDS);
    }

    private static Counter reloads(MeterRegistry registry, String result) {
        return Counter.builder("tlsrpt.served.domains.reloads")
                .description("Reloads of served.domains.file that changed the list (applied) or were refused, keeping"
                        + " the list in force (failed)")
                .tag("result", result)
                .register(registry);
    }

    /**
     * The list the configuration gives, with its file read once and then every reload interval.
     *
     * @throws IllegalArgumentException if the file cannot be read or is not a list (checked at load too)
     */
    public static ServedDomainsReloader start(ProcessorConfig config, MeterRegistry registry) {
        Optional<ServedDomainsFile> file = config.servedDomainsFile();
        ServedDomainsReloader reloader = new ServedDomainsReloader(config.servedDomains(), file.orElse(null),
                config.getDuration(ProcessorConfig.SERVED_DOMAINS_RELOAD_INTERVAL), registry);
        ServedDomains served = reloader.current();
        if (served.servesAll()) {
            LOG.info("serving every policy domain (served.domains and served.domains.file are empty)");
        } else {
            LOG.info("serving {}{}; reports about other policy domains are dead-lettered as unserved-policy-domain",
                    served, file.map(f -> " (with " + f.path() + ", read again every "
                            + config.get(ProcessorConfig.SERVED_DOMAINS_RELOAD_INTERVAL) + ")").orElse(""));
        }
        return reloader;
    }

    /** The list in force. */
    public ServedDomains current() {
        return file == null ? inline : file.current();
    }

    /** Reads the file again (the scheduler's task; tests call it directly). */
    void reload() {
        ServedDomainsFile.Reload reload = file.reload();
        switch (reload.outcome()) {
            case APPLIED -> {
                applied.increment();
                LOG.info("{} changed: serving {}", file.path(), file.current());
            }
            case FAILED -> {
                failed.increment();
                LOG.warn("served.domains.file not applied, the list in force stays ({}): {}", file.current(),
                        reload.problem());
            }
            case UNCHANGED -> LOG.debug("{} unchanged", file.path());
        }
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
