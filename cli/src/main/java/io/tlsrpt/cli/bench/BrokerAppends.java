package io.tlsrpt.cli.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * What the broker appended during a phase, per topic: the growth of every partition's end offset, which counts the
 * records written and the exactly-once transactions' commit markers (one per partition a transaction wrote to).
 * The copy appends one record per report; the pipeline's appends per report (repartition, reports, changelogs,
 * statistics, alerts) are the I/O it costs the broker and its own clients, whatever the processing.
 *
 * <p>On the embedded broker every topic counts, the broker's own {@code __consumer_offsets} and
 * {@code __transaction_state} too (offset commits and transaction state, per commit); on an external cluster only the
 * run's topics (names with the run's suffix), since the broker's own topics are shared with other clients.
 */
final class BrokerAppends {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** End offsets of every counted partition at one moment. */
    record Snapshot(Map<TopicPartition, Long> endOffsets) {

        /** Offsets appended since {@code before}, by topic (a partition new since then counts from 0). */
        Map<String, Long> since(Snapshot before) {
            Map<String, Long> byTopic = new TreeMap<>();
            endOffsets.forEach((tp, end) -> byTopic.merge(tp.topic(),
                end - before.endOffsets.getOrDefault(tp, 0L), Long::sum));
            byTopic.values().removeIf(appended -> appended == 0);
            return byTopic;
        }
    }

    private BrokerAppends() {
    }

    static Snapshot take(BenchTarget target) {
        try (Admin admin = Admin.create(target.client())) {
            Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(target.embedded())).names()
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).stream()
                .filter(t -> target.embedded() || target.isOfThisRun(t))
                .collect(Collectors.toSet());
            Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames()
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            described.values().forEach(d -> d.partitions().forEach(
                p -> latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                .forEach((tp, info) -> ends.put(tp, info.offset()));
            return new Snapshot(ends);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the topics' end offsets", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the topics' end offsets", e);
        }
    }

    /**
     * A topic's name in the table: the application id and the run's suffix taken out, so that the floor's and the
     * pipeline's rows line up across runs ({@code <app>-dedup-by-domain-store-changelog}).
     */
    static String shortName(String topic, String applicationId, String runSuffix) {
        String name = topic.startsWith(applicationId + "-") ? "<app>" + topic.substring(applicationId.length())
            : topic;
        return runSuffix.isEmpty() || !name.endsWith(runSuffix) ? name
            : name.substring(0, name.length() - runSuffix.length());
    }
}
