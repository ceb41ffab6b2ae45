package io.tlsrpt.processor.topology;

import static io.tlsrpt.processor.topology.ReportFixtures.day;
import static io.tlsrpt.processor.topology.ReportFixtures.report;
import static org.assertj.core.api.Assertions.assertThat;

import io.tlsrpt.schema.TlsReport;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An input of several reports of which one cannot be decoded (a truncated attachment beside a good one, an array
 * with a broken entry): its good reports are counted, and the part that was skipped is not dropped without a trace:
 * the whole input goes to the dead letters too, with its bytes, the reason {@code undecodable-part-skipped}, a
 * metric and a log line. Replayed, its good reports are duplicates, dropped.
 */
class PartlyDecodedInputTest {

    private final TopologyFixture f = new TopologyFixture();

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void theGoodReportsAreCountedAndTheWholeInputDeadLettered() {
        String good = new String(report("Google Inc.", "good-1", 8).policy("a.example", 1000).bytes(),
                StandardCharsets.UTF_8);
        byte[] input = ("[" + good + ",{\"organization-name\":\"Broken\"}]").getBytes(StandardCharsets.UTF_8);
        f.send(input, day(9), "https");

        List<TlsReport> reports = f.reports.readValuesToList();
        assertThat(reports).extracting(TlsReport::getReportId).containsExactly("good-1");
        assertThat(reports.get(0).getDeviations()).contains("undecodable-part-skipped");
        List<TestRecord<String, byte[]>> dead = f.deadLetter.readRecordsToList();
        assertThat(dead).singleElement().satisfies(r -> {
            assertThat(r.value()).as("the original bytes").isEqualTo(input);
            assertThat(new String(r.headers().lastHeader(DeadLetters.REASON).value(), StandardCharsets.UTF_8))
                    .isEqualTo("undecodable-part-skipped");
            assertThat(new String(r.headers().lastHeader(DeadLetters.MESSAGE).value(), StandardCharsets.UTF_8))
                    .contains("could not be decoded and was skipped").contains("1 report(s) were decoded");
        });
        assertThat(f.metrics.total(PipelineMetrics.DEAD_LETTERS)).isEqualTo(1);
        assertThat(f.metrics.snapshot().rejected()).as("not a rejection: its good report counts").isZero();

        // replayed: the good report is a duplicate, the broken part a dead letter again
        f.send(input, day(9).plusSeconds(60), "https");
        assertThat(f.reports.readValuesToList()).isEmpty();
        assertThat(f.metrics.snapshot().duplicatesDropped()).isEqualTo(1);
    }
}
