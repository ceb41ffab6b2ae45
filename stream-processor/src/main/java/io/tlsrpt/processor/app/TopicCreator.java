package io.tlsrpt.processor.app;

import io.tlsrpt.processor.topology.TopicNames;
import io.tlsrpt.processor.topology.TopologyFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the external topics when missing: {@code tlsrpt.reports} compacted (keyed by dedup key, one record
 * per distinct report), the others with deletion, each with the time retention of its
 * {@code topics.retention.*} key. Internal topics (repartition, changelogs) are created by Kafka Streams with
 * the names in the README.
 *
 * <p>Why explicit retention: statistics and alerts carry event time (their window's start), so under the broker's
 * default {@code retention.ms} (7 days) a backfill of old reports produced statistics and alerts that the broker
 * deleted as soon as their segment rolled. An existing output topic without a topic-level {@code retention.ms} (one
 * an earlier version created) gets the configured value, and an existing compact-only reports topic given a finite
 * retention also gets {@code delete} added to its {@code cleanup.policy} (compaction alone ignores
 * {@code retention.ms}); a retention an operator set explicitly is left alone.
 */
final class TopicCreator {

    private static final Logger LOG = LoggerFactory.getLogger(TopicCreator.class);

    private TopicCreator() {
    }

    /** The topics the processor creates, with their partitions, replication and configs. */
    static List<NewTopic> topics(ProcessorConfig config) {
        short replication = Short.parseShort(config.get(ProcessorConfig.TOPICS_REPLICATION_FACTOR));
        Optional<Short> rf = replication < 0 ? Optional.empty() : Optional.of(replication);
        Optional<Integer> partitions = Optional.of(config.getInt(ProcessorConfig.TOPICS_PARTITIONS));
        Map<String, Long> retention = retentionMs(config);
        TopicNames names = config.topicNames();
        List<NewTopic> topics = new ArrayList<>();
        for (String name : names.all()) {
            Map<String, String> configs = new LinkedHashMap<>();
            Long retain = retention.get(name);
            if (name.equals(names.reports())) {
                configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, retain == -1 ? TopicConfig.CLEANUP_POLICY_COMPACT
                        : TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE);
            } else {
                configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
            }
            if (retain != null) {
                configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retain));
            }
            topics.add(new NewTopic(name, partitions, rf).configs(configs));
        }
        return topics;
    }

    /** Output topic name -> retention.ms (-1: forever); the raw topic is the connector's and has none here. */
    static Map<String, Long> retentionMs(ProcessorConfig config) {
        TopicNames names = config.topicNames();
        Map<String, Long> retention = new LinkedHashMap<>();
        retention.put(names.reports(), config.getRetentionMs(ProcessorConfig.TOPICS_RETENTION_REPORTS));
        retention.put(names.failureStats(), config.getRetentionMs(ProcessorConfig.TOPICS_RETENTION_FAILURE_STATS));
        retention.put(names.domainStats(), config.getRetentionMs(ProcessorConfig.TOPICS_RETENTION_DOMAIN_STATS));
        retention.put(names.alerts(), config.getRetentionMs(ProcessorConfig.TOPICS_RETENTION_ALERTS));
        retention.put(names.alertsJson(), config.getRetentionMs(ProcessorConfig.TOPICS_RETENTION_ALERTS_JSON));
        retention.put(names.deadLetter(), config.getRetentionMs(ProcessorConfig.TOPICS_RETENTION_DEAD_LETTER));
        return retention;
    }

    static void createMissing(Properties adminProps, ProcessorConfig config, Duration timeout) {
        Properties props = new Properties();
        props.putAll(adminProps);
        long ms = timeout.toMillis();
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get(ms, TimeUnit.MILLISECONDS);
            List<NewTopic> wanted = topics(config);
            List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get(ms, TimeUnit.MILLISECONDS);
                    LOG.info("created topics {}", missing.stream().map(NewTopic::name).toList());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                        throw e;
                    }
                    LOG.info("topics created concurrently by another instance");
                }
            }
            applyRetentionToExisting(admin, wanted.stream().filter(t -> existing.contains(t.name())).toList(), ms);
        } catch (ExecutionException e) {
            String refused = e.getCause() instanceof AuthorizationException
                    ? "; with " + ProcessorConfig.TOPICS_CREATE + "=true the principal needs Create on the seven topics"
                    + " and AlterConfigs on the six output topics besides the processor's ACLs, or set "
                    + ProcessorConfig.TOPICS_CREATE + "=false and create them beforehand (deploy/README.md,"
                    + " \"Running against a secured Kafka cluster\")"
                    : "";
            throw new IllegalStateException("cannot create or configure topics " + config.topicNames().all() + " at "
                    + adminProps.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG) + ": " + e.getCause().getMessage()
                    + refused, e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer from Kafka at "
                    + adminProps.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG) + " within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    /**
     * Sets retention.ms on existing output topics that have no topic-level value (the broker default applies:
     * created by an earlier version or by hand without one); warns about a different explicit value and keeps it.
     */
    private static void applyRetentionToExisting(Admin admin, Collection<NewTopic> existing, long ms)
            throws ExecutionException, TimeoutException, InterruptedException {
        Map<ConfigResource, NewTopic> resources = new LinkedHashMap<>();
        for (NewTopic t : existing) {
            if (t.configs().containsKey(TopicConfig.RETENTION_MS_CONFIG)) {
                resources.put(new ConfigResource(ConfigResource.Type.TOPIC, t.name()), t);
            }
        }
        if (resources.isEmpty()) {
            return;
        }
        Map<ConfigResource, Config> current = admin.describeConfigs(resources.keySet()).all()
                .get(ms, TimeUnit.MILLISECONDS);
        Map<ConfigResource, Collection<AlterConfigOp>> changes = new LinkedHashMap<>();
        resources.forEach((resource, topic) -> {
            String wanted = topic.configs().get(TopicConfig.RETENTION_MS_CONFIG);
            ConfigEntry entry = current.get(resource).get(TopicConfig.RETENTION_MS_CONFIG);
            if (entry == null || entry.source() != ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG) {
                List<AlterConfigOp> ops = new ArrayList<>();
                ops.add(new AlterConfigOp(
                        new ConfigEntry(TopicConfig.RETENTION_MS_CONFIG, wanted), AlterConfigOp.OpType.SET));
                if (needsDeletePolicy(topic, current.get(resource).get(TopicConfig.CLEANUP_POLICY_CONFIG))) {
                    // a compact-only topic ignores retention.ms: the finite retention needs "delete" beside "compact"
                    ops.add(new AlterConfigOp(new ConfigEntry(TopicConfig.CLEANUP_POLICY_CONFIG,
                            TopicConfig.CLEANUP_POLICY_DELETE), AlterConfigOp.OpType.APPEND));
                }
                changes.put(resource, ops);
            } else if (!entry.value().equals(wanted)) {
                LOG.warn("topic {} has retention.ms={} set on the topic; keeping it (the processor's setting is {})",
                        topic.name(), entry.value(), wanted);
            }
        });
        if (!changes.isEmpty()) {
            admin.incrementalAlterConfigs(changes).all().get(ms, TimeUnit.MILLISECONDS);
            LOG.info("set retention.ms on existing topics without one: {}", changes.keySet().stream()
                    .map(r -> r.name() + "=" + resources.get(r).configs().get(TopicConfig.RETENTION_MS_CONFIG)
                            + (changes.get(r).size() > 1 ? " (cleanup.policy += delete)" : "")).toList());
        }
    }

    /**
     * Gives an existing window store changelog the configs the topology asks for (Kafka Streams applies them only
     * when it creates the topic): one created by an earlier version has event-time timestamps, under which the
     * broker deletes old-dated windows before a restore can read them (see {@code AggregateStage}). Runs whatever
     * {@code topics.create} says: the changelog is the application's own internal topic. Not fatal: without the
     * right to change it (or without an answer) the processor logs how to do it by hand and starts.
     */
    static ChangelogAlignment alignWindowStoreChangelog(Properties adminProps, ProcessorConfig config, Duration timeout) {
        String changelog = TopologyFactory.windowStoreChangelog(config.get(ProcessorConfig.APPLICATION_ID));
        Map<String, String> wanted = TopologyFactory.windowStoreChangelogConfig();
        long ms = timeout.toMillis();
        Properties props = new Properties();
        props.putAll(adminProps);
        // bounds the calls and the close as well: without an answer the start goes on after the timeout
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ms);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) ms);
        try (Admin admin = Admin.create(props)) {
            if (!exists(admin, changelog, ms)) {
                return ChangelogAlignment.ABSENT;   // Kafka Streams creates it with the topology's configs
            }
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, changelog);
            Config current = admin.describeConfigs(List.of(resource)).all().get(ms, TimeUnit.MILLISECONDS)
                    .get(resource);
            List<AlterConfigOp> ops = new ArrayList<>();
            wanted.forEach((key, value) -> {
                ConfigEntry entry = current.get(key);
                if (entry == null || !value.equals(entry.value())) {
                    ops.add(new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET));
                }
            });
            if (ops.isEmpty()) {
                return ChangelogAlignment.ALREADY_SET;
            }
            admin.incrementalAlterConfigs(Map.of(resource, ops)).all().get(ms, TimeUnit.MILLISECONDS);
            LOG.info("set {} on the existing changelog {}", ops.stream()
                    .map(op -> op.configEntry().name() + "=" + op.configEntry().value()).toList(), changelog);
            return ChangelogAlignment.SET;
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("could not check or set {} on the changelog {}: old-dated windows may be deleted by the broker"
                    + " before a restore reads them; set it by hand: kafka-configs.sh --alter --entity-type topics"
                    + " --entity-name {} --add-config {}", wanted, changelog, changelog,
                    wanted.entrySet().stream().map(c -> c.getKey() + "=" + c.getValue())
                            .collect(Collectors.joining(",")), e);
            return ChangelogAlignment.NOT_VERIFIED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking " + changelog, e);
        }
    }

    /**
     * Whether {@code topic} exists, asked by name: a topic listing leaves out the topics the principal may not
     * describe, which would take an existing changelog for an absent one; by name the broker says "not authorised"
     * (thrown, as any other error) apart from "unknown".
     */
    private static boolean exists(Admin admin, String topic, long ms)
            throws ExecutionException, TimeoutException, InterruptedException {
        try {
            admin.describeTopics(List.of(topic)).allTopicNames().get(ms, TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false;
            }
            throw e;
        }
    }

    /** What {@link #alignWindowStoreChangelog} found and did. */
    enum ChangelogAlignment {
        /** Not created yet: Kafka Streams will create it with the topology's configs. */
        ABSENT,
        ALREADY_SET,
        SET,
        /**
         * No answer, or no right to describe the topic or to read or alter its configs: logged with the command to
         * run by hand.
         */
        NOT_VERIFIED
    }

    /** The processor wants deletion on the topic (a finite retention) and its current policy lacks it. */
    static boolean needsDeletePolicy(NewTopic wanted, ConfigEntry currentPolicy) {
        String policy = wanted.configs().get(TopicConfig.CLEANUP_POLICY_CONFIG);
        if (policy == null || !List.of(policy.split(",")).contains(TopicConfig.CLEANUP_POLICY_DELETE)) {
            return false;
        }
        return currentPolicy == null || currentPolicy.value() == null
                || !List.of(currentPolicy.value().replace(" ", "").split(",")).contains(TopicConfig.CLEANUP_POLICY_DELETE);
    }
}
