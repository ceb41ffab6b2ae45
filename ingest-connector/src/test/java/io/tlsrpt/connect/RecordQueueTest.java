package io.tlsrpt.connect;

import io.tlsrpt.connect.record.RawRecord;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class RecordQueueTest {
    private static RawRecord record(int size) {
        return new RawRecord(new byte[size], "https", Instant.now(), "application/json", "127.0.0.1", null,
                Map.of("source", "https"), Map.of("seq", 1L));
    }

    @Test
    void boundedByCountAndBytes() throws Exception {
        RecordQueue q = new RecordQueue(2, 100);
        assertThat(q.offer(record(40), 0, TimeUnit.MILLISECONDS)).isTrue();
        assertThat(q.offer(record(70), 10, TimeUnit.MILLISECONDS)).as("over the byte bound").isFalse();
        assertThat(q.offer(record(50), 0, TimeUnit.MILLISECONDS)).isTrue();
        assertThat(q.offer(record(1), 10, TimeUnit.MILLISECONDS)).as("over the count bound").isFalse();
        assertThat(q.bytes()).isEqualTo(90);
        assertThat(q.drain(10, 0, TimeUnit.MILLISECONDS)).hasSize(2);
        assertThat(q.offer(record(500), 0, TimeUnit.MILLISECONDS)).as("one oversized record into an empty queue").isTrue();
    }

    @Test
    void withdrawTakesBackOnlyQueuedRecords() throws Exception {
        RecordQueue q = new RecordQueue(10, 1000);
        RawRecord a = record(10);
        RawRecord b = record(10);
        q.offer(a, 0, TimeUnit.MILLISECONDS);
        q.offer(b, 0, TimeUnit.MILLISECONDS);
        assertThat(q.drain(1, 0, TimeUnit.MILLISECONDS)).containsExactly(a);
        assertThat(q.withdraw(a)).isFalse();
        assertThat(q.withdraw(b)).isTrue();
        assertThat(q.size()).isZero();
    }

    @Test
    void closeReleasesWaitersAndReturnsUnsent() throws Exception {
        RecordQueue q = new RecordQueue(1, 1000);
        q.offer(record(1), 0, TimeUnit.MILLISECONDS);
        assertThat(q.close()).hasSize(1);
        assertThat(q.offer(record(1), 1, TimeUnit.SECONDS)).isFalse();
        assertThat(q.drain(5, 1, TimeUnit.SECONDS)).isEmpty();
    }
}
