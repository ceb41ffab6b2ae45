package io.tlsrpt.reliability;

import io.tlsrpt.embedded.ConsumerGroupDrain;
import io.tlsrpt.processor.app.ProcessorConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import static org.awaitility.Awaitility.await;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One processing run over a shared raw topic: its own application id (consumer group, internal topics) and its own
 * output topics ({@code <appId>.reports}, {@code .dead-letter}, {@code .failure-stats}, {@code .domain-stats}, {@code .alerts},
 * {@code .alerts.json}), so that an undisturbed run and faulted runs over the same input sit side by side on one
 * broker and can be compared.
 */
record PipelineRun(String applicationId, String rawTopic, String bootstrap, String registryUrl) {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineRun.class);

    String reports() {
        return applicationId + ".reports";
    }

    String deadLetter() {
        return applicationId + ".dead-letter";
    }

    String failureStats() {
        return applicationId + ".failure-stats";
    }

    String domainStats() {
        return applicationId + ".domain-stats";
    }

    String alerts() {
        return applicationId + ".alerts";
    }

    String alertsJson() {
        return applicationId + ".alerts.json";
    }

    /**
     * Processor settings for this run. The record cache is off so that every aggregate update reaches the detector
     * (with the cache on, which intermediate values are forwarded depends on commit timing, and alerts fire on the
     * running value); with one input partition the output is then a function of the input alone.
     */
    Map<String, String> settings(Path stateDir, int partitions) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put(ProcessorConfig.BOOTSTRAP_SERVERS, bootstrap);
        s.put(ProcessorConfig.APPLICATION_ID, applicationId);
        s.put(ProcessorConfig.SCHEMA_REGISTRY_URL, registryUrl);
        s.put(ProcessorConfig.STATE_DIR, stateDir.toString());
        s.put(ProcessorConfig.PROCESSING_GUARANTEE, "exactly_once_v2");
        s.put(ProcessorConfig.TOPIC_RAW, rawTopic);
        s.put(ProcessorConfig.TOPIC_REPORTS, reports());
        s.put(ProcessorConfig.TOPIC_DEAD_LETTER, deadLetter());
        s.put(ProcessorConfig.TOPIC_FAILURE_STATS, failureStats());
        s.put(ProcessorConfig.TOPIC_DOMAIN_STATS, domainStats());
        s.put(ProcessorConfig.TOPIC_ALERTS, alerts());
        s.put(ProcessorConfig.TOPIC_ALERTS_JSON, alertsJson());
        s.put(ProcessorConfig.TOPICS_PARTITIONS, Integer.toString(partitions));
        s.put(ProcessorConfig.TOPICS_REPLICATION_FACTOR, "1");
        s.put(ProcessorConfig.HTTP_PORT, "-1");
        s.put(ProcessorConfig.COMMIT_INTERVAL, "PT0.2S");
        s.put(ProcessorConfig.STREAMS_PREFIX + "statestore.cache.max.bytes", "0");
        // a killed member is noticed after this long, and its open transaction aborted by the broker after
        // transaction.timeout.ms (10 s by default with exactly-once): the survivor's take-over waits for both.
        // Shorter than in production to keep the build short; the heartbeat thread and a 200 ms commit interval
        // keep live members and transactions well inside them
        s.put(ProcessorConfig.STREAMS_PREFIX + "session.timeout.ms", "6000");
        s.put(ProcessorConfig.STREAMS_PREFIX + "heartbeat.interval.ms", "1000");
        s.put(ProcessorConfig.STREAMS_PREFIX + "producer.transaction.timeout.ms", "5000");
        return s;
    }

    Map<String, Object> clientProperties() {
        return Map.of("bootstrap.servers", bootstrap);
    }

    /**
     * Waits until the group has consumed and committed every record of the raw topic and of its repartition
     * topics; fails early when {@code alive} turns false.
     */
    Duration awaitDrained(Duration timeout, BooleanSupplier alive) {
        long started = System.nanoTime();
        AtomicReference<Map<String, Long>> lag = new AtomicReference<>(Map.of());
        long[] lastLog = {started};
        try (ConsumerGroupDrain drain = new ConsumerGroupDrain(clientProperties(), applicationId,
                ConsumerGroupDrain.rawAndRepartitionTopics(rawTopic, applicationId))) {
            await().atMost(timeout).pollInterval(Duration.ofMillis(200))
                    .failFast(applicationId + ": the processor died before draining", () -> !alive.getAsBoolean())
                    .alias(applicationId + " drained")
                    .until(() -> {
                        Map<String, Long> now = drain.lag();
                        if (!now.equals(lag.getAndSet(now)) && System.nanoTime() - lastLog[0] > 10_000_000_000L) {
                            lastLog[0] = System.nanoTime();
                            LOG.info("{}: lag {}", applicationId, now);
                        }
                        return now.containsKey(rawTopic) && now.values().stream().allMatch(l -> l == 0);
                    });
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        LOG.info("{} drained in {} s", applicationId, took.toSeconds());
        return took;
    }

    /** Committed offset of the group on the raw topic (summed over partitions); 0 before the first commit. */
    long committedRawOffset() {
        try (var admin = org.apache.kafka.clients.admin.Admin.create(clientProperties())) {
            return admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata()
                    .get(30, java.util.concurrent.TimeUnit.SECONDS).entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(rawTopic) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the committed offsets of " + applicationId, e);
        }
    }
}
