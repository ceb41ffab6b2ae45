package io.tlsrpt.processor.topology;

import static io.tlsrpt.processor.topology.ReportFixtures.failure;
import static io.tlsrpt.processor.topology.ReportFixtures.report;
import static org.assertj.core.api.Assertions.assertThat;

import io.tlsrpt.schema.FailureStats;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The window values switched from JSON to binary under the same store and topic names: contributions an earlier
 * version left on the by-other-domain repartition topic, as JSON, are still counted, and this version writes binary.
 */
class JsonWindowsOfEarlierVersionsTest {

    private static final String OTHERS_TOPIC = "tlsrpt-ttd-" + AggregateStage.REPARTITION + "-repartition";

    private final TopologyFixture f = new TopologyFixture();
    private final TestInputTopic<String, byte[]> othersIn = f.driver.createInputTopic(OTHERS_TOPIC,
            Serdes.String().serializer(), Serdes.ByteArray().serializer());
    private final TestOutputTopic<String, byte[]> othersOut = f.driver.createOutputTopic(OTHERS_TOPIC,
            Serdes.String().deserializer(), Serdes.ByteArray().deserializer());

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void aJsonContributionLeftOnTheRepartitionTopicIsCountedWithTheBinaryOnes() {
        f.send(report("Google Inc.", "r-1", 3).policy("mike.example", 200,
                failure("certificate-expired", 2, "192.0.2.2", "mx1.mike.example")), 3);
        DomainWindow earlier = new DomainWindow(1, 55, Set.of("Microsoft Corporation"), Map.of("certificate-expired",
                new TypeCounts(5, Set.of("Microsoft Corporation"), Map.of("198.51.100.1", 5L),
                        Map.of("mx1.mike.example", 5L))));
        byte[] json = JsonSerde.of(DomainWindow.class).serializer().serialize(OTHERS_TOPIC, earlier);
        assertThat(json[0]).isEqualTo((byte) '{');
        RecordHeaders headers = new RecordHeaders();
        headers.add(ReportExplode.RECEIVED_AT, ReportFixtures.day(4).plusSeconds(3600).toString()
                .getBytes(StandardCharsets.UTF_8));

        othersIn.pipeInput(new TestRecord<>("mike.example", json, headers, ReportFixtures.day(3)));

        FailureStats stats = f.stats.readKeyValuesToMap().get("mike.example|certificate-expired");
        assertThat(stats.getFailedSessions()).isEqualTo(7);
        assertThat(stats.getReports()).isEqualTo(2);
        assertThat(stats.getTotalSessions()).isEqualTo(202 + 55);
        assertThat(stats.getReporters()).containsExactly("Google Inc.", "Microsoft Corporation");
        assertThat(stats.getTopSendingIps()).extracting(c -> c.getValue() + "=" + c.getCount())
                .containsExactly("198.51.100.1=5", "192.0.2.2=2");
        assertThat(f.deadLetter.isEmpty()).isTrue();
    }

    @Test
    void thisVersionWritesBinaryContributions() {
        f.send(report("Google Inc.", "multi-1", 3)
                .policy("alpha.example", 100, failure("certificate-expired", 1, "192.0.2.1", "mx1.alpha.example"))
                .policy("mike.example", 200, failure("certificate-expired", 2, "192.0.2.2", "mx1.mike.example")), 3);

        List<byte[]> written = othersOut.readValuesToList();
        assertThat(written).hasSize(1);
        assertThat(written.get(0)[0]).isEqualTo(DomainWindowSerde.FORMAT_4);
        DomainWindow contribution = AggregateStage.WINDOW_SERDE.deserializer().deserialize(OTHERS_TOPIC,
                written.get(0));
        assertThat(contribution.failed("certificate-expired")).isEqualTo(2);
        assertThat(contribution.sessionsBy("Google Inc.")).isEqualTo(202);
        assertThat(contribution.failures().get("certificate-expired").failedBy("Google Inc.")).isEqualTo(2);
        assertThat(contribution.failedSessions()).isEqualTo(2);
    }
}
