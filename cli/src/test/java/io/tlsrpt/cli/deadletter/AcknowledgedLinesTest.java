package io.tlsrpt.cli.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

/** A line says "written" only for an acknowledged replay, with where it went; lines keep their order. */
class AcknowledgedLinesTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void anAcknowledgedReplayIsWrittenWithItsOffsetAFailedOneSaysWhyAndAListedOneIsUnchanged() throws Exception {
        StringWriter text = new StringWriter();
        AcknowledgedLines lines = new AcknowledgedLines(new PrintWriter(text));
        lines.add(line("a"), CompletableFuture.completedFuture(
            new RecordMetadata(new TopicPartition("tlsrpt.raw", 2), 40L, 1, 0L, 64, 300)), null);
        lines.add(line("b"), CompletableFuture.failedFuture(new TopicAuthorizationException("Not authorized")), null);
        lines.add(line("c"), null, null);
        assertThat(text.toString()).as("nothing is printed before its replay's outcome is known").isEmpty();

        lines.drain(null);

        List<ObjectNode> printed = text.toString().lines().map(AcknowledgedLinesTest::parse).toList();
        assertThat(printed).extracting(l -> l.get("key").asText()).containsExactly("a", "b", "c");
        assertThat(printed.get(0).get("replay").asText()).isEqualTo("written");
        assertThat(printed.get(0).get("replayed_to").asText()).isEqualTo("tlsrpt.raw-2@41");
        assertThat(printed.get(1).get("replay").asText()).startsWith("failed: ").contains("Not authorized");
        assertThat(printed.get(1).has("replayed_to")).isFalse();
        assertThat(printed.get(2).has("replay")).isFalse();
        assertThat(lines.written()).isEqualTo(1);
        assertThat(lines.failed()).isEqualTo(1);
        assertThat(lines.firstFailure()).contains("TopicAuthorizationException");
    }

    @Test
    void aFullBatchIsPrintedWithoutWaitingForTheEnd() {
        StringWriter text = new StringWriter();
        AcknowledgedLines lines = new AcknowledgedLines(new PrintWriter(text));
        for (int i = 0; i < AcknowledgedLines.MAX_PENDING + 1; i++) {
            lines.add(line("k" + i), null, null);
        }
        assertThat(text.toString().lines()).hasSize(AcknowledgedLines.MAX_PENDING);
        lines.drain(null);
        assertThat(text.toString().lines()).hasSize(AcknowledgedLines.MAX_PENDING + 1);
        assertThat(lines.written()).isZero();
        assertThat(lines.failed()).isZero();
    }

    private static ObjectNode line(String key) {
        return MAPPER.createObjectNode().put("key", key);
    }

    private static ObjectNode parse(String json) {
        try {
            return (ObjectNode) MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
