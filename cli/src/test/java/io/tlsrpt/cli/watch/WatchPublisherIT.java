package io.tlsrpt.cli.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tlsrpt.embedded.TopicSnapshot;
import io.tlsrpt.testkafka.KafkaTestCluster;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.test.JaasUtils;
import org.junit.jupiter.api.Test;

/**
 * The watch's transactional publisher on a real broker when its producer fails fatally, left able neither to commit
 * nor to abort (CI once saw a watch's first commit end so, with {@code InvalidTxnStateException}; here the
 * transactional id's right is withdrawn, which the producer also treats as fatal). A new producer under the same
 * transactional id aborts what the old one left open and publishes; nothing of the failed round is ever visible.
 */
class WatchPublisherIT {

    private static final String USER = "User:" + JaasUtils.KAFKA_PLAIN_USER1;
    private static final String TRANSACTIONAL_ID = "tlsrpt-watch";
    private static final WatchPublisher.Topics TOPICS =
        new WatchPublisher.Topics("watch.alerts", "watch.alerts.json", "tlsrpt.policy-posture");

    @Test
    void aProducerLeftUnableToCommitOrAbortIsReplacedUnderTheSameId() throws Exception {
        try (KafkaTestCluster.Secured cluster = KafkaTestCluster.startSecured(Map.of());
             Admin admin = cluster.admin()) {
            admin.createTopics(List.of(new NewTopic(TOPICS.alerts(), 1, (short) 1),
                new NewTopic(TOPICS.alertsJson(), 1, (short) 1), new NewTopic(TOPICS.posture(), 1, (short) 1)))
                .all().get(30, TimeUnit.SECONDS);
            List<AclBinding> topics = List.of(TOPICS.alerts(), TOPICS.alertsJson(), TOPICS.posture()).stream()
                .map(topic -> allow(ResourceType.TOPIC, topic)).toList();
            List<AclBinding> transactionalId = List.of(allow(ResourceType.TRANSACTIONAL_ID, TRANSACTIONAL_ID));
            KafkaTestCluster.grant(admin, topics);
            KafkaTestCluster.grant(admin, transactionalId);
            Map<String, Object> client = new HashMap<>();
            cluster.user().forEach((key, value) -> client.put((String) key, value));
            Map<String, Object> serde = Map.of("schema.registry.url", "mock://watch-publisher-it");

            try (WatchPublisher publisher = new WatchPublisher(client, serde, TRANSACTIONAL_ID, TOPICS)) {
                publisher.publish(List.of("first.test"), List.of(ended()));

                KafkaTestCluster.revoke(admin, transactionalId);
                assertThatThrownBy(() -> publisher.publish(List.of("lost.test"), List.of(ended())))
                    .isInstanceOf(KafkaException.class);
                assertThat(publisher.usable()).as("a fatal error: the round could not even be aborted").isFalse();

                KafkaTestCluster.grant(admin, transactionalId);
                publisher.reopen();
                assertThat(publisher.usable()).isTrue();
                publisher.publish(List.of("second.test"), List.of(ended()));
            }

            Map<String, Object> superUser = new HashMap<>();
            cluster.superUser().forEach((key, value) -> superUser.put((String) key, value));
            List<String> published = TopicSnapshot.readAll(superUser, TOPICS.posture()).stream()
                .map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList();
            assertThat(published).containsExactly("first.test", "second.test");
        }
    }

    private static AclBinding allow(ResourceType type, String name) {
        return new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
            new AccessControlEntry(USER, "*", AclOperation.WRITE, AclPermissionType.ALLOW));
    }

    /** A step that ends its domain: one tombstone on the posture topic, no alert. */
    private static WatchStep ended() {
        return new WatchStep(null, List.of(), List.of(), List.of());
    }
}
