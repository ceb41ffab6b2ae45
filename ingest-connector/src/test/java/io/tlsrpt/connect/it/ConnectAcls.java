package io.tlsrpt.connect.it;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The ACLs of a Connect worker's principal with {@code exactly.once.source.support=enabled}, running the spool (or
 * mailbox) connector with {@code exactly.once.support=required} and the HTTPS connector, each with an offsets topic
 * of its own, as deploy/README.md lists them ("Running against a secured Kafka cluster", "The Connect worker").
 * {@link Binding} holds the usual Connect rights and what deploy/k8s/kafka-connect.yaml documented before it was
 * run, each marked with what {@code SecuredConnectIT}'s experiment found: needed (without it the worker, a
 * connector or a task fails, a report is not delivered, or an ERROR is logged) or not (everything works as with
 * it). Describe is implied by Read and Write, and IdempotentWrite has not been needed for idempotent producers
 * since Kafka 2.8 when the principal may Write to a topic.
 */
final class ConnectAcls {

    private ConnectAcls() {
    }

    /** One binding (or one operation on a group of like resources), and whether the experiment found it needed. */
    enum Binding {
        GROUP_READ(ResourceType.GROUP, n -> List.of(n.groupId()), AclOperation.READ, true),
        CONFIG_TOPIC_READ(ResourceType.TOPIC, n -> List.of(n.configTopic()), AclOperation.READ, true),
        CONFIG_TOPIC_WRITE(ResourceType.TOPIC, n -> List.of(n.configTopic()), AclOperation.WRITE, true),
        CONFIG_TOPIC_CREATE(ResourceType.TOPIC, n -> List.of(n.configTopic()), AclOperation.CREATE, true),
        OFFSET_TOPIC_READ(ResourceType.TOPIC, n -> List.of(n.offsetTopic()), AclOperation.READ, true),
        OFFSET_TOPIC_WRITE(ResourceType.TOPIC, n -> List.of(n.offsetTopic()), AclOperation.WRITE, true),
        OFFSET_TOPIC_CREATE(ResourceType.TOPIC, n -> List.of(n.offsetTopic()), AclOperation.CREATE, true),
        STATUS_TOPIC_READ(ResourceType.TOPIC, n -> List.of(n.statusTopic()), AclOperation.READ, true),
        STATUS_TOPIC_WRITE(ResourceType.TOPIC, n -> List.of(n.statusTopic()), AclOperation.WRITE, true),
        STATUS_TOPIC_CREATE(ResourceType.TOPIC, n -> List.of(n.statusTopic()), AclOperation.CREATE, true),
        /** Only for the worker's check that its topics are compacted, which it skips (INFO) without this. */
        INTERNAL_TOPICS_DESCRIBE_CONFIGS(ResourceType.TOPIC, n -> List.of(n.configTopic(), n.offsetTopic(),
                n.statusTopic(), n.spoolOffsetsTopic(), n.httpsOffsetsTopic()), AclOperation.DESCRIBE_CONFIGS, false),
        RAW_WRITE(ResourceType.TOPIC, n -> List.of(n.raw()), AclOperation.WRITE, true),
        RAW_DESCRIBE(ResourceType.TOPIC, n -> List.of(n.raw()), AclOperation.DESCRIBE, false),
        LEADER_TRANSACTIONAL_ID_WRITE(ResourceType.TRANSACTIONAL_ID, n -> List.of(n.leaderTransactionalId()),
                AclOperation.WRITE, true),
        LEADER_TRANSACTIONAL_ID_DESCRIBE(ResourceType.TRANSACTIONAL_ID, n -> List.of(n.leaderTransactionalId()),
                AclOperation.DESCRIBE, false),
        TASK_TRANSACTIONAL_IDS_WRITE(ResourceType.TRANSACTIONAL_ID, n -> List.of(n.taskTransactionalIdPrefix()),
                PatternType.PREFIXED, AclOperation.WRITE, true),
        TASK_TRANSACTIONAL_IDS_DESCRIBE(ResourceType.TRANSACTIONAL_ID, n -> List.of(n.taskTransactionalIdPrefix()),
                PatternType.PREFIXED, AclOperation.DESCRIBE, false),
        CLUSTER_IDEMPOTENT_WRITE(ResourceType.CLUSTER, n -> List.of("kafka-cluster"), AclOperation.IDEMPOTENT_WRITE,
                false),
        CONNECTOR_OFFSETS_READ(ResourceType.TOPIC, ConnectAcls::connectorOffsetsTopics, AclOperation.READ, true),
        CONNECTOR_OFFSETS_WRITE(ResourceType.TOPIC, ConnectAcls::connectorOffsetsTopics, AclOperation.WRITE, true),
        CONNECTOR_OFFSETS_DESCRIBE(ResourceType.TOPIC, ConnectAcls::connectorOffsetsTopics, AclOperation.DESCRIBE,
                false),
        CONNECTOR_OFFSETS_CREATE(ResourceType.TOPIC, ConnectAcls::connectorOffsetsTopics, AclOperation.CREATE, true);

        final boolean needed;
        private final ResourceType type;
        private final Function<ConnectNames, List<String>> names;
        private final PatternType pattern;
        private final AclOperation op;

        Binding(ResourceType type, Function<ConnectNames, List<String>> names, AclOperation op, boolean needed) {
            this(type, names, PatternType.LITERAL, op, needed);
        }

        Binding(ResourceType type, Function<ConnectNames, List<String>> names, PatternType pattern, AclOperation op,
                boolean needed) {
            this.type = type;
            this.names = names;
            this.pattern = pattern;
            this.op = op;
            this.needed = needed;
        }

        List<AclBinding> bindings(String principal, ConnectNames connect) {
            return names.apply(connect).stream().map(name -> new AclBinding(new ResourcePattern(type, name, pattern),
                    new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW))).toList();
        }
    }

    /** What the worker needs: every binding the experiment found needed. */
    static List<AclBinding> minimal(String principal, ConnectNames connect) {
        return Arrays.stream(Binding.values()).filter(b -> b.needed)
                .flatMap(b -> b.bindings(principal, connect).stream()).toList();
    }

    /** {@link #minimal} without Create: for a worker whose topics were created beforehand. */
    static List<AclBinding> minimalForExistingTopics(String principal, ConnectNames connect) {
        return Arrays.stream(Binding.values()).filter(b -> b.needed && b.op != AclOperation.CREATE)
                .flatMap(b -> b.bindings(principal, connect).stream()).toList();
    }

    /** Every documented binding except {@code removed}. */
    static List<AclBinding> allBut(Binding removed, String principal, ConnectNames connect) {
        return Arrays.stream(Binding.values()).filter(b -> b != removed)
                .flatMap(b -> b.bindings(principal, connect).stream()).toList();
    }

    private static List<String> connectorOffsetsTopics(ConnectNames connect) {
        return List.of(connect.spoolOffsetsTopic(), connect.httpsOffsetsTopic());
    }
}
