package io.tlsrpt.cli.deadletter;

import static io.tlsrpt.cli.CommandRunner.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.cli.CommandRunner.Run;
import io.tlsrpt.cli.TestProcessors;
import io.tlsrpt.connect.record.RawRecords;
import io.tlsrpt.embedded.ContentTypes;
import io.tlsrpt.embedded.EmbeddedKafka;
import io.tlsrpt.embedded.RawInputProducer;
import io.tlsrpt.embedded.TopicSnapshot;
import io.tlsrpt.processor.app.ProcessorConfig;
import io.tlsrpt.processor.app.TlsRptProcessor;
import io.tlsrpt.testkafka.ScriptedDnsServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;

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

    /**
     * mail.dkim.required, and the connector could not fetch the key when the mail came (DNS down): the mail is
     * dead-lettered as dkim-failed with its temperror verdict. Replayed once DNS answers, it is verified again as of
     * its arrival (its signature has expired since) against google.com's published key, and counts.
     */
    @Test
    void aMailRefusedForADkimTemperrorCountsWhenReplayedOnceDnsAnswers() throws Exception {
        byte[] mail = Files.readAllBytes(GOOGLE_MAIL);
        String[] topics = {"topic.raw", "dkim.raw", "topic.reports", "dkim.reports", "topic.dead-letter", "dkim.dlq",
            "topic.failure-stats", "dkim.stats", "topic.domain-stats", "dkim.domain-stats", "topic.alerts", "dkim.alerts", "topic.alerts-json", "dkim.alerts.json"};
        String[] settings = java.util.stream.Stream.concat(java.util.Arrays.stream(topics),
            java.util.stream.Stream.of(ProcessorConfig.MAIL_DKIM_REQUIRED, "true")).toArray(String[]::new);
        try (TlsRptProcessor processor = TlsRptProcessor.start(TestProcessors.config(kafka, "tlsrpt-dkim-it",
                 dir.resolve("state-dkim"), 1, settings));
             RawInputProducer producer = new RawInputProducer(kafka.clientProperties(), "dkim.raw", "imap");
             ScriptedDnsServer dns = new ScriptedDnsServer(query -> {
                 Message answer = new Message(query.getHeader().getID());
                 answer.getHeader().setFlag(Flags.QR);
                 answer.addRecord(query.getQuestion(), Section.QUESTION);
                 if (query.getQuestion().getName().toString().equals("20230601._domainkey.google.com.")) {
                     String key = GOOGLE_20230601;
                     answer.addRecord(new TXTRecord(query.getQuestion().getName(), DClass.IN, 300,
                         List.of(key.substring(0, 250), key.substring(250))), Section.ANSWER);
                 } else {
                     answer.getHeader().setRcode(Rcode.NXDOMAIN);
                 }
                 return answer;
             })) {
            RecordHeaders headers = new RecordHeaders();
            headers.add("tlsrpt.source", "imap".getBytes(StandardCharsets.UTF_8));
            headers.add("tlsrpt.received-at", RECEIVED.toString().getBytes(StandardCharsets.UTF_8));
            headers.add("content-type", "message/rfc822".getBytes(StandardCharsets.UTF_8));
            headers.add("tlsrpt.origin", "imap:INBOX/1/7".getBytes(StandardCharsets.UTF_8));
            headers.add(RawRecords.HEADER_DKIM, ("temperror d=google.com s=20230601 (DNS: no answer for"
                + " 20230601._domainkey.google.com (timed out))").getBytes(StandardCharsets.UTF_8));
            producer.resend(RawInputProducer.sha256Hex(mail), mail, headers, RECEIVED.toEpochMilli()).get();
            await().atMost(Duration.ofSeconds(60)).until(() -> count("dkim.dlq") == 1);

            Run replay = run("dead-letters", "--bootstrap", kafka.bootstrapServers(), "--topic", "dkim.dlq",
                "--reason", "dkim-failed", "--replay-to", "dkim.raw", "--dkim-dns-server", "127.0.0.1:" + dns.port());
            assertThat(replay.exit()).as(replay.err()).isZero();
            assertThat(replay.jsonLines()).singleElement().satisfies(l -> {
                assertThat(l.get("message").asText()).contains("DKIM temperror d=google.com");
                assertThat(l.get("dkim").asText()).isEqualTo("pass d=google.com s=20230601");
                assertThat(l.get("replay").asText()).isEqualTo("written");
            });
            await().atMost(Duration.ofSeconds(60)).until(() -> count("dkim.reports") == 1);
            assertThat(processor.counters().rejected()).isEqualTo(1);
        }
        List<ConsumerRecord<byte[], byte[]>> raw = TopicSnapshot.readAll(kafka.clientProperties(), "dkim.raw");
        assertThat(raw).hasSize(2);
        assertThat(raw.get(1).headers().headers(RawRecords.HEADER_DKIM)).hasSize(1);
        assertThat(header(raw.get(1), RawRecords.HEADER_DKIM)).isEqualTo("pass d=google.com s=20230601");
    }

    /** google.com's published key for selector 20230601 (DNS TXT {@code 20230601._domainkey.google.com}). */
    private static final String GOOGLE_20230601 = "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA4zd3nf"
        + "UoLHWFbfoPZzAb8bvjsFIIFsNypweLuPe4M+vAP1YxObFxRnpvLYz7Z+bORKLber5aGmgFF9iaufsH1z0+aw8Qex7uDaafzWoJOM/6lAS5iI0Jg"
        + "gZiUkqNpRQLL7H6E7HcvOMC61nJcO4r0PwLDZKwEaCs8gUHiqRn/SS3wqEZX29v/VOUVcI4BjaOzOCLaz7V8Bkwmj4Rqq4kaLQQrbfpjas1naS"
        + "cHTAmzULj0Rdp+L1vVyGitm+dd460PcTIG3Pn+FYrgQQo2fvnTcGiFFuMa8cpxgfH3rJztf1YFehLWwJWgeXTriuIyuxUabGdRQu7vh7GrObTs"
        + "HmIHwIDAQAB";

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
