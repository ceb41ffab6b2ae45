package io.tlsrpt.processor.app;

import io.tlsrpt.processor.topology.TopicNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the external topics when missing: {@code tlsrpt.reports} compacted (keyed by dedup key, one record
 * per distinct report), the others with deletion. Internal topics (repartition, changelogs) are created by
 * Kafka Streams with the names in the README.
 */
final class TopicCreator {

    private static final Logger LOG = LoggerFactory.getLogger(TopicCreator.class);

    private TopicCreator() {
    }

    static List<NewTopic> topics(TopicNames names, int partitions, short replication) {
        Optional<Short> rf = replication < 0 ? Optional.empty() : Optional.of(replication);
        List<NewTopic> topics = new ArrayList<>();
        for (String name : names.all()) {
            NewTopic topic = new NewTopic(name, Optional.of(partitions), rf);
            String policy = name.equals(names.reports()) ? TopicConfig.CLEANUP_POLICY_COMPACT
                    : TopicConfig.CLEANUP_POLICY_DELETE;
            topic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, policy));
            topics.add(topic);
        }
        return topics;
    }

    static void createMissing(Properties adminProps, TopicNames names, int partitions, short replication,
                              Duration timeout) {
        Properties props = new Properties();
        props.putAll(adminProps);
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = topics(names, partitions, replication).stream()
                    .filter(t -> !existing.contains(t.name())).toList();
            if (missing.isEmpty()) {
                return;
            }
            admin.createTopics(missing).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("created topics {}", missing.stream().map(NewTopic::name).toList());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException) {
                LOG.info("topics created concurrently by another instance");
                return;
            }
            throw new IllegalStateException("cannot create topics at " + adminProps.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)
                    + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer from Kafka at "
                    + adminProps.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG) + " within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }
}
