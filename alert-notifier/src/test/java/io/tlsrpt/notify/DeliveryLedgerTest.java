package io.tlsrpt.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class DeliveryLedgerTest {

    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);

    private static PostableAlert alert(String id) {
        return new PostableAlert(id, Map.of("alert_id", id), Map.of(), Instant.EPOCH, null);
    }

    @Test
    void commitsOnlyWhatEveryAlertmanagerAccepted() {
        DeliveryLedger ledger = new DeliveryLedger(2);
        ledger.add(P0, 10, 1000, List.of(alert("a")));
        ledger.add(P1, 5, 1001, List.of(alert("b")));
        ledger.add(P0, 11, 1002, List.of(alert("c")));

        List<DeliveryLedger.Entry> forFirst = ledger.undelivered(0, 100);
        assertThat(forFirst).hasSize(3);
        ledger.markDelivered(0, forFirst.get(2).seq());
        assertThat(ledger.drainCommittable()).isEmpty();     // the second Alertmanager has nothing yet
        assertThat(ledger.hasUndelivered(0)).isFalse();
        assertThat(ledger.undeliveredAlertIds(1)).containsExactlyInAnyOrder("a", "b", "c");

        ledger.markDelivered(1, forFirst.get(1).seq());
        Map<TopicPartition, OffsetAndMetadata> commits = ledger.drainCommittable();
        assertThat(commits).containsEntry(P0, new OffsetAndMetadata(11)).containsEntry(P1, new OffsetAndMetadata(6));
        assertThat(ledger.size()).isEqualTo(1);
        assertThat(ledger.oldestUndeliveredTimestampMs()).isEqualTo(1002);
    }

    @Test
    void chunksRespectTheAlertCapButAlwaysMakeProgress() {
        DeliveryLedger ledger = new DeliveryLedger(1);
        ledger.add(P0, 0, 0, List.of(alert("a"), alert("a2")));
        ledger.add(P0, 1, 0, List.of(alert("b")));
        assertThat(ledger.undelivered(0, 1)).hasSize(1);
        assertThat(ledger.undelivered(0, 3)).hasSize(2);
    }

    @Test
    void revokedPartitionsLeaveTheLedger() {
        DeliveryLedger ledger = new DeliveryLedger(1);
        ledger.add(P0, 0, 0, List.of(alert("a")));
        ledger.add(P1, 0, 0, List.of(alert("b")));
        ledger.removePartitions(Set.of(P0));
        assertThat(ledger.undeliveredAlertIds(0)).containsExactly("b");
    }
}
