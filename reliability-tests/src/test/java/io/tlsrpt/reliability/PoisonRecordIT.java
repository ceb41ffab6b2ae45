package io.tlsrpt.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsrpt.embedded.EmbeddedKafka;
import io.tlsrpt.embedded.RawInputProducer;
import io.tlsrpt.embedded.TopicSnapshot;
import io.tlsrpt.generate.GeneratedInput;
import io.tlsrpt.generate.GeneratorSettings;
import io.tlsrpt.generate.ReportGenerator;
import io.tlsrpt.processor.app.ProcessorConfig;
import io.tlsrpt.processor.app.TlsRptProcessor;
import io.tlsrpt.schema.TlsReport;
import io.tlsrpt.schema.serde.AvroSerdes;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault: a poison record in every position of a producer batch (first, middle, last, and a batch of poison only),
 * in front of the real stream processor on a real broker. Every poison record lands on the dead-letter topic with
 * its original bytes and a reason; every good record around it reaches the reports topic; the processor keeps
 * running.
 */
class PoisonRecordIT {

    private static final int BATCH = 9;

    @TempDir
    Path dir;

    private record Pending(byte[] value, String what) {
    }

    private record Sent(byte[] value, long offset, String what) {
    }

    @Test
    void poisonInEveryBatchPositionIsDeadLetteredAndItsNeighboursProcessed() throws Exception {
        long started = System.nanoTime();
        List<GeneratedInput> good = new ReportGenerator(GeneratorSettings.defaults().withDays(4).withDomains(3))
                .inputs().toList();
        assertThat(good).hasSize(36);
        List<byte[]> poisons = poisons(good.get(0).bytes());

        try (EmbeddedKafka kafka = Brokers.builder(dir.resolve("kafka")).start()) {
            String raw = "poison.raw";
            try (Admin admin = Admin.create(kafka.clientProperties())) {
                admin.createTopics(List.of(new NewTopic(raw, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            String registry = "mock://reliability-poison-" + UUID.randomUUID();
            PipelineRun run = new PipelineRun("poison", raw, kafka.bootstrapServers(), registry);
            Properties props = new Properties();
            props.putAll(run.settings(dir.resolve("state"), 1));
            try (TlsRptProcessor processor = TlsRptProcessor.start(ProcessorConfig.fromProperties(props))) {
                assertThat(processor.awaitReady(Duration.ofSeconds(60))).isTrue();

                // four producer batches (one flush each, linger long enough that a batch is one request):
                // poison first, in the middle, last, and a batch of poison only
                List<Sent> sent = new ArrayList<>();
                int next = 0;
                try (KafkaProducer<String, byte[]> producer = batchingProducer(kafka.bootstrapServers())) {
                    int[] poisonAt = {0, BATCH / 2, BATCH - 1};
                    for (int b = 0; b < poisonAt.length; b++) {
                        List<Future<RecordMetadata>> acks = new ArrayList<>();
                        List<Pending> meta = new ArrayList<>();
                        for (int i = 0; i < BATCH; i++) {
                            if (i == poisonAt[b]) {
                                byte[] poison = poisons.get(b);
                                acks.add(send(producer, raw, poison, "poison-" + b));
                                meta.add(new Pending(poison, "poison-" + b));
                            } else {
                                GeneratedInput in = good.get(next++);
                                acks.add(send(producer, raw, in.bytes(), in.fileName()));
                                meta.add(new Pending(in.bytes(), "good"));
                            }
                        }
                        producer.flush();
                        collect(acks, meta, sent);
                    }
                    List<Future<RecordMetadata>> acks = new ArrayList<>();
                    List<Pending> meta = new ArrayList<>();
                    acks.add(send(producer, raw, poisons.get(3), "poison-3"));
                    meta.add(new Pending(poisons.get(3), "poison-3"));
                    acks.add(send(producer, raw, null, "poison-null"));
                    meta.add(new Pending(null, "poison-null"));
                    producer.flush();
                    collect(acks, meta, sent);
                    // the rest of the good reports after the poison-only batch
                    try (RawInputProducer rest = new RawInputProducer(kafka.clientProperties(), raw, "cli")) {
                        while (next < good.size()) {
                            GeneratedInput in = good.get(next++);
                            rest.send(in.bytes(), in.contentType(), in.fileName(), in.fileName(), Instant.now());
                        }
                        rest.flush();
                    }
                }
                run.awaitDrained(Duration.ofMinutes(3), processor::isLive);

                List<ConsumerRecord<byte[], byte[]>> dead = TopicSnapshot.readAll(kafka.clientProperties(),
                        run.deadLetter());
                List<Sent> poisonSent = sent.stream().filter(s -> s.what().startsWith("poison")).toList();
                assertThat(dead).hasSize(poisonSent.size());
                Map<Long, ConsumerRecord<byte[], byte[]>> deadByOffset = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> d : dead) {
                    deadByOffset.put(Long.parseLong(header(d, "tlsrpt.dlq.source-offset")), d);
                }
                for (Sent p : poisonSent) {
                    ConsumerRecord<byte[], byte[]> d = deadByOffset.get(p.offset());
                    assertThat(d).as("dead letter for %s at offset %d", p.what(), p.offset()).isNotNull();
                    assertThat(d.value() == null ? new byte[0] : d.value())
                            .isEqualTo(p.value() == null ? new byte[0] : p.value());
                    assertThat(header(d, "tlsrpt.dlq.reason")).as(p.what()).isNotBlank();
                    assertThat(header(d, "tlsrpt.dlq.message")).as(p.what()).isNotBlank();
                    assertThat(header(d, "tlsrpt.dlq.stage")).isEqualTo("decode");
                    assertThat(header(d, "tlsrpt.dlq.source-topic")).isEqualTo(raw);
                    assertThat(header(d, "tlsrpt.dlq.source-partition")).isEqualTo("0");
                    assertThat(header(d, "tlsrpt.source")).isEqualTo("cli");
                    System.out.printf("poison %s at offset %d -> dead letter, reason %s%n", p.what(), p.offset(),
                            header(d, "tlsrpt.dlq.reason"));
                }

                Set<String> reportKeys = new HashSet<>();
                Set<String> reportIds = new HashSet<>();
                try (Deserializer<TlsReport> reports = AvroSerdes.forClass(TlsReport.class, registry, false)
                        .deserializer()) {
                    TopicSnapshot.forEach(kafka.clientProperties(), run.reports(), r -> {
                        TlsReport report = reports.deserialize(r.topic(), r.headers(), r.value());
                        reportKeys.add(new String(r.key(), StandardCharsets.UTF_8));
                        reportIds.add(report.getReportId());
                    });
                }
                Set<String> expectedIds = new HashSet<>();
                good.forEach(g -> expectedIds.add(g.expected().reportId()));
                assertThat(reportIds).isEqualTo(expectedIds);
                assertThat(reportKeys).hasSize(good.size());
                assertThat(processor.counters().rejected()).isEqualTo(poisonSent.size());
                assertThat(processor.counters().reportsDecoded()).isEqualTo(good.size());
                assertThat(processor.isReady()).as("processor still running after the poison").isTrue();
                System.out.printf("poison: %d records in (%d good, %d poison in 4 batches), %d reports and %d dead"
                        + " letters out, %.1f s%n", good.size() + poisonSent.size(), good.size(), poisonSent.size(),
                        reportKeys.size(), dead.size(), (System.nanoTime() - started) / 1e9);
            }
        }
    }

    /** Garbage bytes, a truncated gzip of a real report, JSON that is no report, and gzip of nothing useful. */
    private static List<byte[]> poisons(byte[] realReport) throws Exception {
        byte[] garbage = new byte[4096];
        new Random(8460).nextBytes(garbage);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(realReport);
        }
        byte[] full = gz.toByteArray();
        byte[] truncated = java.util.Arrays.copyOf(full, full.length / 2);
        byte[] notAReport = "{\"organization-name\":\"poison\",\"hello\":\"world\"}".getBytes(StandardCharsets.UTF_8);
        byte[] emptyJsonArray = "[]".getBytes(StandardCharsets.UTF_8);
        return List.of(garbage, truncated, notAReport, emptyJsonArray);
    }

    private static KafkaProducer<String, byte[]> batchingProducer(String bootstrap) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "60000");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(4 * 1024 * 1024));
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(4 * 1024 * 1024));
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    private static Future<RecordMetadata> send(KafkaProducer<String, byte[]> producer, String topic, byte[] value,
                                               String fileName) {
        RecordHeaders h = new RecordHeaders();
        h.add("tlsrpt.source", utf8("cli"));
        h.add("tlsrpt.received-at", utf8(Instant.now().toString()));
        h.add("content-type", utf8(fileName.endsWith(".gz") ? "application/tlsrpt+gzip" : "application/tlsrpt+json"));
        h.add("tlsrpt.origin", utf8(fileName));
        h.add("tlsrpt.file-name", utf8(fileName));
        String key = value == null ? null : RawInputProducer.sha256Hex(value);
        return producer.send(new ProducerRecord<>(topic, 0, null, key, value, h));
    }

    /** Records what was sent with its offset, and checks one flush made one batch (consecutive offsets). */
    private static void collect(List<Future<RecordMetadata>> acks, List<Pending> meta, List<Sent> sent) throws Exception {
        long first = -1;
        for (int i = 0; i < acks.size(); i++) {
            long offset = acks.get(i).get(30, TimeUnit.SECONDS).offset();
            if (i == 0) {
                first = offset;
            }
            assertThat(offset).as("one batch, consecutive offsets").isEqualTo(first + i);
            sent.add(new Sent(meta.get(i).value(), offset, meta.get(i).what()));
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
