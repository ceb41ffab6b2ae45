package io.tlsrpt.cli.deadletter;

import static io.tlsrpt.cli.CommandRunner.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.cli.CommandRunner.Run;
import io.tlsrpt.cli.TestProcessors;
import io.tlsrpt.cli.embedded.ContentTypes;
import io.tlsrpt.cli.embedded.EmbeddedKafka;
import io.tlsrpt.cli.embedded.RawInputProducer;
import io.tlsrpt.cli.embedded.TopicSnapshot;
import io.tlsrpt.connect.record.RawRecords;
import io.tlsrpt.processor.app.ProcessorConfig;
import io.tlsrpt.processor.app.TlsRptProcessor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tlsrpt dead-letters} on a real broker with the real stream processor: a report that a tight decoder cap
 * dead-letters is listed with its reason and provenance, and decoded into a report once the cap is back to its
 * default and the dead letter is replayed; a dead letter is never replayed to a topic it did not come from.
 */
class DeadLettersCommandIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path GOOGLE_MAIL = Path.of("src/test/resources/analyze/real-corpus/google-2024-09-15.eml");
    private static final Instant RECEIVED = Instant.parse("2024-09-16T08:15:00Z");

    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    @Test
    void aReportDeadLetteredByATightCapIsDecodedWhenReplayedOnceTheCapIsRaised() throws Exception {
        Instant started = Instant.now();
        byte[] mail = Files.readAllBytes(GOOGLE_MAIL);
        String mailKey = RawInputProducer.sha256Hex(mail);
        // a processor whose MIME cap is too tight for a real report: the operator's mistake to be repaired
        try (TlsRptProcessor tight = TlsRptProcessor.start(config("decoder.max.mime.parts", "1"))) {
            try (RawInputProducer producer = new RawInputProducer(kafka.clientProperties(), "tlsrpt.raw", "spool")) {
                producer.send(mail, ContentTypes.guess("google.eml"), "spool:google.eml", "google.eml", RECEIVED);
                producer.send("not a report".getBytes(StandardCharsets.UTF_8), ContentTypes.guess("junk.json"),
                    "spool:junk.json", "junk.json", RECEIVED);
                producer.flush();
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> count("tlsrpt.dead-letter") == 2);
            assertThat(tight.counters().rejected()).isEqualTo(2);
            assertThat(tight.counters().reportsDecoded()).isZero();
        }

        Run list = run("dead-letters", "--bootstrap", kafka.bootstrapServers());
        assertThat(list.exit()).as(list.err()).isZero();
        List<JsonNode> letters = list.jsonLines();
        assertThat(letters).extracting(l -> l.get("reason").asText())
            .containsExactlyInAnyOrder("mime-limit", "not-json");
        JsonNode mimeLimited = letters.stream().filter(l -> l.get("reason").asText().equals("mime-limit")).findFirst()
            .orElseThrow();
        assertThat(mimeLimited.get("key").asText()).isEqualTo(mailKey);
        assertThat(mimeLimited.get("stage").asText()).isEqualTo("decode");
        assertThat(mimeLimited.get("source_topic").asText()).isEqualTo("tlsrpt.raw");
        assertThat(mimeLimited.get("bytes").asInt()).isEqualTo(mail.length);
        assertThat(mimeLimited.get("message").asText()).contains("decoder.max.mime.parts");
        assertThat(mimeLimited.get("headers").get("tlsrpt.origin").asText()).isEqualTo("spool:google.eml");
        assertThat(mimeLimited.has("replay")).isFalse();
        assertThat(list.err()).contains("2 read from tlsrpt.dead-letter, 2 selected {mime-limit=1, not-json=1}");

        // selected by failure time: all of them failed after the start of this test, none before it
        Run before = run("dead-letters", "--bootstrap", kafka.bootstrapServers(), "--failed-before", started.toString());
        assertThat(before.exit()).as(before.err()).isZero();
        assertThat(before.jsonLines()).isEmpty();
        Run after = run("dead-letters", "--bootstrap", kafka.bootstrapServers(), "--failed-after", started.toString());
        assertThat(after.jsonLines()).hasSize(2);

        // never to a topic the dead letter did not come from: the value would not be that topic's record
        Run wrongTopic = run("dead-letters", "--bootstrap", kafka.bootstrapServers(), "--replay-to", "tlsrpt.other");
        assertThat(wrongTopic.exit()).as(wrongTopic.err()).isZero();
        assertThat(wrongTopic.jsonLines()).allSatisfy(l -> assertThat(l.get("replay").asText())
            .startsWith("skipped: its source topic is tlsrpt.raw"));
        assertThat(wrongTopic.err()).contains("0 replayed to tlsrpt.other, 2 skipped");
        assertThat(count("tlsrpt.other")).isZero();

        // the cap back at its default, the mail's dead letter replayed: it becomes a report, the other stays put
        try (TlsRptProcessor fixed = TlsRptProcessor.start(config())) {
            Run replay = run("dead-letters", "--bootstrap", kafka.bootstrapServers(), "--reason", "mime-limit",
                "--replay-to", "tlsrpt.raw");
            assertThat(replay.exit()).as(replay.err()).isZero();
            assertThat(replay.jsonLines()).singleElement()
                .satisfies(l -> {
                    // printed once the broker acknowledged it, with where it was written
                    assertThat(l.get("replay").asText()).isEqualTo("written");
                    assertThat(l.get("replayed_to").asText()).matches("tlsrpt\\.raw-\\d+@\\d+");
                });
            assertThat(replay.err()).contains("1 selected {mime-limit=1}; 1 replayed to tlsrpt.raw, 0 skipped");

            await().atMost(Duration.ofSeconds(60)).until(() -> count("tlsrpt.reports") == 1);
            assertThat(fixed.counters().reportsDecoded()).isEqualTo(1);
        }
        assertThat(count("tlsrpt.dead-letter")).isEqualTo(2);   // nothing dead-lettered again

        List<ConsumerRecord<byte[], byte[]>> raw = TopicSnapshot.readAll(kafka.clientProperties(), "tlsrpt.raw");
        assertThat(raw).hasSize(3);
        ConsumerRecord<byte[], byte[]> replayed = raw.stream()
            .filter(r -> r.headers().lastHeader(RawRecords.HEADER_REPLAYED_FROM) != null).findFirst().orElseThrow();
        assertThat(new String(replayed.key(), StandardCharsets.UTF_8)).isEqualTo(mailKey);
        assertThat(replayed.value()).isEqualTo(mail);
        assertThat(replayed.timestamp()).isEqualTo(RECEIVED.toEpochMilli());
        assertThat(header(replayed, "tlsrpt.received-at")).isEqualTo(RECEIVED.toString());
        assertThat(header(replayed, "tlsrpt.source")).isEqualTo("spool");
        assertThat(header(replayed, RawRecords.HEADER_REPLAYED_FROM)).matches("tlsrpt\\.dead-letter-\\d+@\\d+");
        assertThat(replayed.headers()).noneMatch(h -> h.key().startsWith("tlsrpt.dlq."));
    }

    @Test
    void aMissingBootstrapIsAUsageError() {
        Run r = run("dead-letters", "--reason", "not-json");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("Missing required option: '--bootstrap=HOST:PORT'");
    }

    private static ProcessorConfig config(String... settings) {
        return TestProcessors.config(kafka, "tlsrpt-dead-letters-it", dir.resolve("state"), 1, settings);
    }

    private static long count(String topic) {
        return TopicSnapshot.count(kafka.clientProperties(), topic);
    }


    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
