package io.tlsrpt.cli.watch;

import io.tlsrpt.embedded.TopicSnapshot;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watch's compacted topic, keyed by domain: each check's posture and open incidents. The last record of each
 * domain is what a restarted watch resumes from; a tombstone ends a domain that left the watch list.
 */
final class PostureTopic {

    private static final Logger LOG = LoggerFactory.getLogger(PostureTopic.class);

    private PostureTopic() {
    }

    /**
     * Creates the topic (compacted, the broker's default partitions and replication) unless it exists, after making
     * sure the alert topics exist (the stream processor creates them; the watch does not write to a topic a broker
     * would create with its defaults).
     *
     * @throws IllegalStateException when an alert topic does not exist
     */
    static void ensure(Map<String, Object> client, String topic, List<String> alertTopics) {
        try (Admin admin = Admin.create(client)) {
            java.util.Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            for (String alerts : alertTopics) {
                if (!existing.contains(alerts)) {
                    throw new IllegalStateException("the alert topic " + alerts + " does not exist (the stream "
                        + "processor creates it when it starts), or this principal may not write it (Write, which "
                        + "implies Describe)");
                }
            }
            if (existing.contains(topic)) {
                return;
            }
            NewTopic compacted = new NewTopic(topic, Optional.empty(), Optional.empty())
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            admin.createTopics(List.of(compacted)).all().get(30, TimeUnit.SECONDS);
            LOG.info("created the compacted topic {}", topic);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {   // another watch created it meanwhile: fine
                throw new KafkaException("cannot create " + topic + ": " + e.getCause().getMessage(), e.getCause());
            }
        } catch (TimeoutException e) {
            throw new KafkaException("the cluster did not answer within 30 s listing or creating " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while creating " + topic, e);
        }
    }

    /**
     * What the watch kept about each domain, from the committed records. A record this version cannot read is
     * logged and skipped: that domain is then checked as if for the first time.
     */
    static Map<String, WatchedDomain> load(Map<String, Object> client, String topic) {
        Map<String, WatchedDomain> state = new HashMap<>();
        TopicSnapshot.forEach(client, topic, r -> {
            String domain = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
            if (domain == null) {
                LOG.warn("skipping a record without key in {} at {}-{}@{}", topic, topic, r.partition(), r.offset());
            } else if (r.value() == null) {
                state.remove(domain);
            } else {
                try {
                    state.put(domain, PostureJson.read(new String(r.value(), StandardCharsets.UTF_8)));
                } catch (IllegalArgumentException e) {
                    state.remove(domain);
                    LOG.warn("cannot resume {} from {}-{}@{}: {}; it is checked as if for the first time", domain,
                        topic, r.partition(), r.offset(), e.getMessage());
                }
            }
        });
        return state;
    }
}
