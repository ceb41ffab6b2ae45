package io.tlsrpt.reliability;

import io.tlsrpt.embedded.EmbeddedKafka;
import java.nio.file.Path;

/** The broker every fault test uses: a real single KRaft node ({@link EmbeddedKafka}) with its data in {@code dir}. */
final class Brokers {

    private Brokers() {
    }

    /**
     * Time retention is off: the generated reports are dated January 2025 and the pipeline timestamps its records with
     * event time (raw records with their arrival, statistics and alerts with the window), so with the default seven
     * days the broker's retention check (first run 30 s after start) would delete whole segments in mid-test and a
     * consumer would silently jump to the end.
     * <p>
     * The log cleaner runs every second instead of every 15 s: it compacts, and it applies the time retention of
     * {@code compact,delete} topics (a window store's changelog), as on a broker that has run for days. With 15 s a
     * test could pass only because the cleaner had not yet deleted what a restore needs (RELIABILITY.md, Findings 7).
     * <p>
     * Timed-out transactions are looked for every second instead of every 10 s: a killed processor's open transaction
     * is aborted right after its {@code transaction.timeout.ms} (5 s in {@link PipelineRun}), not up to 10 s later,
     * so a take-over waits as long as the timeout says and no longer.
     */
    static EmbeddedKafka.Builder builder(Path dir) {
        return EmbeddedKafka.builder(dir).property("log.retention.ms", "-1").property("log.cleaner.backoff.ms", "1000")
                .property("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
    }
}
