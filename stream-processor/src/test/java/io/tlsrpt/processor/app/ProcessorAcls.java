package io.tlsrpt.processor.app;

import io.tlsrpt.processor.topology.TopicNames;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The ACLs a processor's principal needs with exactly-once v2 and {@code topics.create=false}, as deploy/README.md
 * lists them ("Running against a secured Kafka cluster"). Kafka's implied operations make DESCRIBE unnecessary
 * (READ, WRITE and DELETE imply it) and DESCRIBE_CONFIGS too (ALTER_CONFIGS implies it).
 */
final class ProcessorAcls {

    private ProcessorAcls() {
    }

    /** Every binding, ALTER_CONFIGS on the application's internal topics (the window changelog step) included. */
    static List<AclBinding> minimal(String principal, ProcessorConfig config) {
        String app = config.get(ProcessorConfig.APPLICATION_ID);
        TopicNames topics = config.topicNames();
        List<AclBinding> acls = new ArrayList<>();
        acls.add(allow(principal, ResourceType.TOPIC, topics.raw(), PatternType.LITERAL, AclOperation.READ));
        for (String output : topics.outputs()) {
            acls.add(allow(principal, ResourceType.TOPIC, output, PatternType.LITERAL, AclOperation.WRITE));
        }
        // internal topics (repartition, changelogs): created by Kafka Streams, written and read back, repartition
        // records purged once committed (DeleteRecords), the window changelog's configs aligned at start
        for (AclOperation op : List.of(AclOperation.CREATE, AclOperation.READ, AclOperation.WRITE, AclOperation.DELETE,
                AclOperation.ALTER_CONFIGS)) {
            acls.add(onInternalTopics(principal, config, op));
        }
        // the consumer group is the application id; exactly-once v2's transactional ids are <app>-<process id>-<n>
        acls.add(allow(principal, ResourceType.GROUP, app, PatternType.LITERAL, AclOperation.READ));
        acls.add(allow(principal, ResourceType.TRANSACTIONAL_ID, app + "-", PatternType.PREFIXED, AclOperation.WRITE));
        return acls;
    }

    /**
     * What {@code topics.create=true} adds: CREATE on the seven topics (the processor creates the missing ones) and
     * ALTER_CONFIGS on the six outputs (it sets {@code retention.ms} on an existing one that has none; DESCRIBE_CONFIGS,
     * to read the current value, is implied).
     */
    static List<AclBinding> topicCreation(String principal, ProcessorConfig config) {
        TopicNames topics = config.topicNames();
        List<AclBinding> acls = new ArrayList<>();
        for (String topic : topics.all()) {
            acls.add(allow(principal, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.CREATE));
            if (!topic.equals(topics.raw())) {
                acls.add(allow(principal, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.ALTER_CONFIGS));
            }
        }
        return acls;
    }

    /** {@code acls} without the bindings of {@code op} on {@code type} resources named by {@code pattern}. */
    static List<AclBinding> without(List<AclBinding> acls, ResourceType type, PatternType pattern, AclOperation op) {
        List<AclBinding> fewer = acls.stream().filter(b -> !(b.pattern().resourceType() == type
                && b.pattern().patternType() == pattern && b.entry().operation() == op)).toList();
        if (fewer.size() == acls.size()) {
            throw new IllegalArgumentException("no " + op + " on " + type + " in " + acls);
        }
        return fewer;
    }

    /** {@code op} on every topic named {@code <application.id>-...}: Kafka Streams' internal topics. */
    static AclBinding onInternalTopics(String principal, ProcessorConfig config, AclOperation op) {
        return allow(principal, ResourceType.TOPIC, config.get(ProcessorConfig.APPLICATION_ID) + "-",
                PatternType.PREFIXED, op);
    }

    private static AclBinding allow(String principal, ResourceType type, String name, PatternType pattern,
                                    AclOperation op) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW));
    }
}
