package io.tlsrpt.connect.it;

/**
 * The names a distributed Connect group uses on the cluster, laid out as deploy/k8s names them for group
 * {@code tlsrpt-connect}: internal topics {@code <group>-configs}, {@code -offsets}, {@code -status}; one offsets
 * topic per connector; exactly-once source's transactional ids ({@code connect-cluster-<group>} for the leader's
 * config producer, {@code <group>-<connector>-<task>} for the tasks).
 */
record ConnectNames(String groupId, String raw, String spoolConnector, String httpsConnector) {

    /** A group of its own (tests share one cluster), connectors named as in deploy/ ({@code tlsrpt-https}). */
    static ConnectNames of(String groupId) {
        return new ConnectNames(groupId, "tlsrpt.raw." + groupId, "tlsrpt-spool", "tlsrpt-https");
    }

    String configTopic() {
        return groupId + "-configs";
    }

    String offsetTopic() {
        return groupId + "-offsets";
    }

    String statusTopic() {
        return groupId + "-status";
    }

    /** The spool connector's own offsets topic (deploy/k8s: the mailbox connector's tlsrpt-connect-imap-offsets). */
    String spoolOffsetsTopic() {
        return groupId + "-spool-offsets";
    }

    String httpsOffsetsTopic() {
        return groupId + "-https-offsets";
    }

    /** The transactional id of the leader's producer on the config topic. */
    String leaderTransactionalId() {
        return "connect-cluster-" + groupId;
    }

    /** The prefix of the source tasks' transactional ids, {@code <group>-<connector>-<task>}. */
    String taskTransactionalIdPrefix() {
        return groupId + "-";
    }
}
