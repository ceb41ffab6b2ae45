package io.tlsrpt.notify;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the alerts of {@code tlsrpt.alerts.json} to one or more Alertmanagers, at least once.
 *
 * <p>One thread owns the consumer and does everything: poll, map, post, commit. Posting to several URLs
 * happens in parallel; each URL has its own cursor and backoff (see {@link DeliveryLedger}), and the group offset
 * is committed only once every URL answered 2xx (or rejected the payload as invalid, which retrying cannot fix).
 * While an Alertmanager is down the records wait in memory up to {@code max.pending.records}; above that the
 * partitions are paused - the thread keeps polling, so the group session stays alive.
 *
 * <p>Restart: on every partition assignment the partitions are re-read from the beginning up to the position the
 * group resumes from, rebuilding the set of firing alerts, which is then re-sent at once and every
 * {@code resend.interval.ms} until resolved.
 */
public final class AlertmanagerNotifier implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AlertmanagerNotifier.class);
    /** Alerts per POST; keeps request bodies small. */
    static final int MAX_ALERTS_PER_POST = 500;
    private static final long MAX_POLL_WAIT_MS = 500;

    private final NotifierConfig config;
    private final NotifierMetrics metrics;
    private final AlertmanagerClient client;
    private final FiringAlertRegistry registry;
    private final DeliveryLedger ledger;
    private final List<Target> targets = new ArrayList<>();
    private final Backoff backoff;
    private final Clock clock = Clock.systemUTC();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile Throwable failure;
    private Instant nextResendAt;

    /** Delivery state of one Alertmanager URL. */
    private static final class Target {
        final int index;
        final URI url;
        int failures;
        Instant nextAttemptAt = Instant.EPOCH;
        boolean resendDue;

        Target(int index, URI url) {
            this.index = index;
            this.url = url;
        }
    }

    /** A POST in flight: which URL, up to which ledger entry (0 for a re-send), how many alerts. */
    private record Attempt(Target target, long upToSeq, int alerts, CompletableFuture<AlertmanagerClient.PostResult> result) {
    }

    private AlertmanagerNotifier(NotifierConfig config, MeterRegistry meterRegistry) {
        this.config = config;
        this.metrics = new NotifierMetrics(meterRegistry);
        this.client = new AlertmanagerClient(config);
        this.registry = new FiringAlertRegistry(new AlertMapper(config.extraLabels(), config.domainUrl()));
        this.ledger = new DeliveryLedger(config.alertmanagerUrls().size());
        for (URI url : config.alertmanagerUrls()) {
            targets.add(new Target(targets.size(), url));
        }
        this.backoff = new Backoff(config.retryBackoffInitial(), config.retryBackoffMax(), new SplittableRandom());
        this.consumer = new KafkaConsumer<>(consumerProperties(config, true));
        this.nextResendAt = clock.instant().plus(config.resendInterval());
        this.thread = new Thread(this::run, "tlsrpt-alert-notifier");
    }

    /** Starts a notifier with its own (simple) meter registry. */
    public static AlertmanagerNotifier start(NotifierConfig config) {
        return start(config, new SimpleMeterRegistry());
    }

    /** Starts a notifier that registers its meters in {@code meterRegistry}. */
    public static AlertmanagerNotifier start(NotifierConfig config, MeterRegistry meterRegistry) {
        AlertmanagerNotifier notifier = new AlertmanagerNotifier(config, meterRegistry);
        log.info("starting alert notifier: {}", config);
        notifier.thread.start();
        return notifier;
    }

    /** False once the notifier stopped, by {@link #close()} or by an unexpected error ({@link #failure()}). */
    public boolean isRunning() {
        return stopped.getCount() > 0;
    }

    /** The error that stopped the notifier, if any. */
    public Throwable failure() {
        return failure;
    }

    /** Stops polling, commits what every Alertmanager accepted and closes the consumer. Idempotent. */
    @Override
    public void close() {
        running.set(false);
        if (isRunning()) {
            consumer.wakeup();   // KafkaConsumer.wakeup is the one method safe to call from another thread
        }
        try {
            if (!stopped.await(config.timeout().toMillis() + 30_000, TimeUnit.MILLISECONDS)) {
                log.warn("alert notifier thread did not stop in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            consumer.subscribe(List.of(config.topic()), new Rebalance());
            while (running.get()) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(pollWaitMs()));
                Instant now = clock.instant();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    ingest(record, now);
                }
                flowControl();
                deliver(now);
                commit(ledger.drainCommittable());
                updateGauges();
            }
        } catch (WakeupException e) {
            if (running.get()) {
                failure = e;
                log.error("alert notifier woken up unexpectedly", e);
            }
        } catch (AuthorizationException e) {
            // a missing ACL is a deployment error: say which rights are needed rather than "unexpected"
            failure = e;
            log.error("alert notifier stopped: Kafka refused access ({}); its principal needs Read on topic {} and Read"
                    + " on group {} (deploy/README.md, \"Running against a secured Kafka cluster\"); uncommitted"
                    + " alerts are delivered after a restart with these rights", e.getMessage(), config.topic(),
                    config.groupId());
        } catch (RuntimeException | Error e) {
            failure = e;
            log.error("alert notifier stopped by an unexpected error; uncommitted alerts are delivered on restart", e);
        } finally {
            try {
                commit(ledger.drainCommittable());
            } catch (RuntimeException e) {
                log.warn("final commit failed; the last alerts will be posted again after a restart", e);
            }
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
            stopped.countDown();
            log.info("alert notifier stopped");
        }
    }

    private void ingest(ConsumerRecord<byte[], byte[]> record, Instant now) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        try {
            AlertRecord alert = AlertRecord.parse(record.value());
            ledger.add(tp, record.offset(), record.timestamp(), registry.apply(alert, record.partition(), now));
        } catch (AlertRecord.InvalidAlertException e) {
            // not silently dropped: logged with its coordinates and counted; the record stays on the topic
            metrics.invalidRecord();
            log.error("skipping invalid alert record {}-{}@{}: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            ledger.add(tp, record.offset(), record.timestamp(), List.of());
        }
    }

    /** Pauses the partitions while too many records wait for a down Alertmanager; resumes when there is room. */
    private void flowControl() {
        Set<TopicPartition> assigned = consumer.assignment();
        if (ledger.size() >= config.maxPendingRecords()) {
            if (!consumer.paused().containsAll(assigned)) {
                log.warn("{} alert records wait for Alertmanager; pausing consumption", ledger.size());
                consumer.pause(assigned);
            }
        } else if (!consumer.paused().isEmpty()) {
            consumer.resume(consumer.paused());
        }
    }

    private void deliver(Instant now) {
        if (!now.isBefore(nextResendAt)) {
            targets.forEach(t -> t.resendDue = true);
            nextResendAt = now.plus(config.resendInterval());
        }
        List<Attempt> attempts = new ArrayList<>();
        for (Target target : targets) {
            if (now.isBefore(target.nextAttemptAt)) {
                continue;
            }
            Attempt attempt = nextAttempt(target);
            if (attempt != null) {
                attempts.add(attempt);
            }
        }
        for (Attempt attempt : attempts) {
            AlertmanagerClient.PostResult result = attempt.result().join();   // bounded by the request timeout
            handle(attempt, result, clock.instant());
        }
    }

    private Attempt nextAttempt(Target target) {
        List<DeliveryLedger.Entry> entries = ledger.undelivered(target.index, MAX_ALERTS_PER_POST);
        if (!entries.isEmpty()) {
            long upTo = entries.get(entries.size() - 1).seq();
            List<PostableAlert> alerts = entries.stream().flatMap(e -> e.alerts().stream()).toList();
            if (alerts.isEmpty()) {            // only invalid records: nothing to post
                ledger.markDelivered(target.index, upTo);
                return null;
            }
            return new Attempt(target, upTo, alerts.size(), client.post(target.url, AlertMapper.toJson(alerts)));
        }
        if (target.resendDue) {
            Set<String> waiting = ledger.undeliveredAlertIds(target.index);
            // an alert with a record still queued for this URL is sent by that record, in order
            List<PostableAlert> firing = registry.firing().stream().filter(a -> !waiting.contains(a.alertId())).toList();
            if (firing.isEmpty()) {
                target.resendDue = false;
                return null;
            }
            return new Attempt(target, 0, firing.size(), client.post(target.url, AlertMapper.toJson(firing)));
        }
        return null;
    }

    private void handle(Attempt attempt, AlertmanagerClient.PostResult result, Instant now) {
        Target target = attempt.target();
        metrics.posted(target.url, result.outcome(), attempt.alerts());
        switch (result.outcome()) {
            case ACCEPTED, REJECTED -> {
                if (result.outcome() == AlertmanagerClient.Outcome.REJECTED) {
                    log.error("Alertmanager {} rejected {} alert(s) as invalid (HTTP {}): {} - not retried",
                            NotifierConfig.redact(target.url), attempt.alerts(), result.status(), result.detail());
                }
                if (target.failures > 0) {
                    log.info("Alertmanager {} accepts alerts again after {} failed attempt(s)",
                            NotifierConfig.redact(target.url), target.failures);
                }
                target.failures = 0;
                target.nextAttemptAt = Instant.EPOCH;
                if (attempt.upToSeq() > 0) {
                    ledger.markDelivered(target.index, attempt.upToSeq());
                } else {
                    target.resendDue = false;
                }
            }
            case FAILED -> {
                target.failures++;
                Duration delay = backoff.delay(target.failures);
                target.nextAttemptAt = now.plus(delay);
                metrics.retried(target.url);
                String message = "posting {} alert(s) to Alertmanager {} failed (attempt {}, HTTP {}): {}; retrying in {} ms";
                Object[] args = {attempt.alerts(), NotifierConfig.redact(target.url), target.failures,
                        result.status(), result.detail(), delay.toMillis()};
                if (target.failures == 1 || target.failures % 10 == 0) {
                    log.warn(message, args);
                } else {
                    log.debug(message, args);
                }
            }
            default -> throw new IllegalStateException("unknown outcome " + result.outcome());
        }
    }

    private long pollWaitMs() {
        Instant now = clock.instant();
        Instant wake = nextResendAt;
        for (Target target : targets) {
            if (ledger.hasUndelivered(target.index) || target.resendDue) {
                Instant at = target.nextAttemptAt.isAfter(now) ? target.nextAttemptAt : now;
                wake = at.isBefore(wake) ? at : wake;
            }
        }
        long ms = Duration.between(now, wake).toMillis();
        return Math.max(0, Math.min(ms, MAX_POLL_WAIT_MS));
    }

    private void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets);
            log.debug("committed {}", offsets);
        } catch (CommitFailedException e) {
            // the partitions moved to another instance, which posts these alerts again: at least once, not lost
            log.warn("commit of {} failed after a rebalance; the new owner re-posts those alerts", offsets, e);
        }
    }

    private void updateGauges() {
        long lag = ledger.size();
        for (TopicPartition tp : consumer.assignment()) {
            lag += consumer.currentLag(tp).orElse(0);
        }
        metrics.lagRecords.set(lag);
        long oldest = ledger.oldestUndeliveredTimestampMs();
        metrics.lagMillis.set(oldest < 0 ? 0 : Math.max(0, clock.millis() - oldest));
        metrics.firing.set(registry.size());
    }

    /** Rebuilds the firing alerts of newly assigned partitions; forgets revoked ones. Runs on the poll thread. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            commit(ledger.drainCommittable());
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            Map<TopicPartition, Long> resumeAt = new HashMap<>();
            for (TopicPartition tp : partitions) {
                resumeAt.put(tp, consumer.position(tp));
            }
            rebuild(resumeAt);
            targets.forEach(t -> t.resendDue = true);   // an Alertmanager restarted meanwhile has forgotten them
        }

        private void forget(Collection<TopicPartition> partitions) {
            ledger.removePartitions(partitions);
            Set<Integer> numbers = new HashSet<>();
            partitions.forEach(tp -> numbers.add(tp.partition()));
            registry.forgetPartitions(numbers);
        }
    }

    /** Re-reads the partitions from the beginning up to (excluding) the offsets the group resumes from. */
    private void rebuild(Map<TopicPartition, Long> resumeAt) {
        long started = System.nanoTime();
        int records = 0;
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(consumerProperties(config, false))) {
            reader.assign(resumeAt.keySet());
            reader.seekToBeginning(resumeAt.keySet());
            Set<TopicPartition> remaining = new HashSet<>();
            for (Map.Entry<TopicPartition, Long> e : resumeAt.entrySet()) {
                if (reader.position(e.getKey()) < e.getValue()) {
                    remaining.add(e.getKey());
                }
            }
            long deadline = started + config.rebuildTimeout().toNanos();
            Instant now = clock.instant();
            while (!remaining.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() >= resumeAt.get(tp)) {
                        continue;
                    }
                    records++;
                    try {
                        registry.apply(AlertRecord.parse(record.value()), record.partition(), now);
                    } catch (AlertRecord.InvalidAlertException e) {
                        log.debug("rebuild skips invalid record {}@{} (reported when first consumed)", tp, record.offset());
                    }
                }
                remaining.removeIf(tp -> reader.position(tp) >= resumeAt.get(tp));
            }
            if (!remaining.isEmpty()) {
                log.warn("rebuilding firing alerts of {} did not finish within {} ms; alerts that fired earlier on "
                        + "them are not re-sent until they update", remaining, config.rebuildTimeout().toMillis());
            }
        } catch (KafkaException e) {
            log.warn("could not rebuild the firing alerts of {}; they are re-sent once they update", resumeAt.keySet(), e);
        }
        log.info("rebuilt firing alerts from {} record(s) of {} in {} ms: {} firing", records, resumeAt.keySet(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), registry.size());
    }

    private static Map<String, Object> consumerProperties(NotifierConfig config, boolean group) {
        Map<String, Object> p = new HashMap<>(config.kafkaOverrides());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);   // commits follow Alertmanager's 2xx only
        p.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        if (group) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
            // a new group starts at the beginning: alerts written before the notifier first ran are delivered too
            p.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "tlsrpt-alert-notifier");
        } else {
            p.remove(ConsumerConfig.GROUP_ID_CONFIG);          // the rebuild reader is no group member
            p.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            p.put(ConsumerConfig.CLIENT_ID_CONFIG, "tlsrpt-alert-notifier-rebuild");
        }
        return p;
    }
}
