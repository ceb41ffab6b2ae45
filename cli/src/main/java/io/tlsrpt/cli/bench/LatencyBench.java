package io.tlsrpt.cli.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.cli.embedded.RawInputProducer;
import io.tlsrpt.cli.generate.ExpectedReport;
import io.tlsrpt.cli.generate.GeneratedInput;
import io.tlsrpt.processor.app.ProcessorConfig;
import io.tlsrpt.processor.app.TlsRptProcessor;
import io.tlsrpt.processor.topology.PipelineMetrics;
import io.tlsrpt.schema.TlsReport;
import io.tlsrpt.schema.serde.AvroSerdes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code tlsrpt bench --steady-rate N}: the processor runs (RUNNING, caught up) while the workload is appended to the
 * raw topic at a steady N reports/s; a read-committed consumer watches {@code tlsrpt.reports} and
 * {@code tlsrpt.alerts.json} and measures, per output, the time from the raw record's send (its timestamp; the
 * producer does not linger) to the moment the output is readable (committed).
 *
 * <p>A report is matched to its raw record by {@code provenance.raw_sha256}. An alert is matched to the latest raw
 * record of its policy domain sent before it was seen: a domain's reports of one day are sent back to back, and the
 * next day's come {@code domains * 3 / rate} seconds later, so the match is the trigger (or its neighbour,
 * milliseconds apart) as long as that gap exceeds the latency.
 */
public final class LatencyBench {

    private static final Logger LOG = LoggerFactory.getLogger(LatencyBench.class);
    private static final Duration SETTLE = Duration.ofSeconds(30);

    private LatencyBench() {
    }

    public static void run(PipelineBench.Settings s, int rate, PrintWriter out) {
        String runId = UUID.randomUUID().toString().substring(0, 8);
        Path dir = PipelineBench.workDir(s.keepDir());
        try (BenchTarget target = BenchTarget.open(s.bootstrap(), dir, runId)) {
            String raw = target.name("tlsrpt.raw");
            target.createTopics(s.partitions(), raw);
            ProcessorConfig config = PipelineBench.processorConfig(s, target, raw, dir.resolve("state"), runId);
            try (TlsRptProcessor processor = TlsRptProcessor.start(config)) {
                if (!processor.awaitReady(Duration.ofMinutes(2))) {
                    throw new IllegalStateException("the processor did not become ready: " + processor.state());
                }
                if (s.warmup() > 0) {
                    PipelineBench.warmUp(s, target, raw, processor, config);   // its outputs are before the watcher's
                }
                PipelineMetrics.Snapshot beforeRun = processor.counters();
                Watcher watcher = new Watcher(target, config);
                Thread watch = new Thread(watcher, "tlsrpt-bench-watch");
                watch.start();
                if (!watcher.awaitStarted(Duration.ofMinutes(1))) {
                    throw new IllegalStateException("the output watcher did not start");
                }
                Send send = send(target, raw, s.workload(), rate, watcher);
                long deadline = System.nanoTime() + SETTLE.toNanos();
                while (watcher.reportsSeen() < send.records && System.nanoTime() < deadline) {
                    TimeUnit.MILLISECONDS.sleep(100);
                }
                TimeUnit.MILLISECONDS.sleep(2_000);   // late alerts of the last reports
                watcher.stop();
                watch.join(10_000);
                print(out, s, rate, send, watcher, processor.counters().since(beforeRun));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            if (s.keepDir() == null) {
                PipelineBench.deleteRecursively(dir);
            }
        }
    }

    record Send(long records, double seconds) {
    }

    private static Send send(BenchTarget target, String topic, Workload workload, int rate, Watcher watcher) {
        Map<String, Object> client = new HashMap<>(target.client());
        client.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        long records = 0;
        long start = System.nanoTime();
        long intervalNanos = 1_000_000_000L / rate;
        try (RawInputProducer producer = new RawInputProducer(client, topic, "cli")) {
            Iterator<GeneratedInput> it = workload.inputs();
            while (it.hasNext()) {
                GeneratedInput in = it.next();
                long due = start + records * intervalNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                Instant now = Instant.now();
                watcher.sent(RawInputProducer.sha256Hex(in.bytes()), domainOf(in.expected()), now.toEpochMilli());
                producer.send(in.bytes(), in.contentType(), in.fileName(), in.fileName(), now);
                records++;
            }
            producer.flush();
        }
        return new Send(records, (System.nanoTime() - start) / 1e9);
    }

    private static String domainOf(ExpectedReport expected) {
        for (ExpectedReport.ExpectedPolicy p : expected.policies()) {
            if (p.domain() != null) {
                return p.domain();
            }
        }
        return null;
    }

    /** Consumes the outputs and records the latencies. */
    static final class Watcher implements Runnable {
        private final Map<String, Long> sentBySha = new ConcurrentHashMap<>();
        private final Map<String, Long> lastSentByDomain = new ConcurrentHashMap<>();
        private final List<Long> reportLatencies = Collections.synchronizedList(new ArrayList<>());
        private final List<Long> alertLatencies = Collections.synchronizedList(new ArrayList<>());
        private final AtomicBoolean stop = new AtomicBoolean();
        private final CountDownLatch started = new CountDownLatch(1);
        private final Map<String, Object> consumerProps;
        private final String reports;
        private final String alertsJson;
        private final Deserializer<TlsReport> reportDeserializer;
        private final ObjectMapper json = new ObjectMapper();

        Watcher(BenchTarget target, ProcessorConfig config) {
            consumerProps = new HashMap<>(target.client());
            consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            reports = config.get(ProcessorConfig.TOPIC_REPORTS);
            alertsJson = config.get(ProcessorConfig.TOPIC_ALERTS_JSON);
            reportDeserializer = AvroSerdes.forClass(TlsReport.class,
                config.get(ProcessorConfig.SCHEMA_REGISTRY_URL), false).deserializer();
        }

        void sent(String sha, String domain, long millis) {
            sentBySha.put(sha, millis);
            if (domain != null) {
                lastSentByDomain.put(domain, millis);
            }
        }

        long reportsSeen() {
            return reportLatencies.size();
        }

        void stop() {
            stop.set(true);
        }

        /** True once the watcher reads from the outputs' ends (the sending must not start before). */
        boolean awaitStarted(Duration timeout) throws InterruptedException {
            return started.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void run() {
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps,
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> tps = new ArrayList<>();
                for (String t : List.of(reports, alertsJson)) {
                    consumer.partitionsFor(t).forEach(p -> tps.add(new TopicPartition(t, p.partition())));
                }
                consumer.assign(tps);
                // from the current ends: a warm-up's outputs are not this run's
                consumer.seekToEnd(tps);
                tps.forEach(consumer::position);
                started.countDown();
                while (!stop.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                        long seen = System.currentTimeMillis();
                        if (r.topic().equals(reports)) {
                            TlsReport report = reportDeserializer.deserialize(r.topic(), r.value());
                            Long sent = sentBySha.get(report.getProvenance().getRawSha256());
                            if (sent != null) {
                                reportLatencies.add(seen - sent);
                            }
                        } else {
                            JsonNode alert = json.readTree(r.value());
                            Long sent = lastSentByDomain.get(alert.path("policy_domain").asText());
                            if (sent != null) {
                                alertLatencies.add(seen - sent);
                            }
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.error("the output watcher failed", e);
            }
        }
    }

    private static void print(PrintWriter out, PipelineBench.Settings s, int rate, Send send, Watcher w,
                              PipelineMetrics.Snapshot counters) {
        out.printf(Locale.ROOT, "%n# tlsrpt bench --steady-rate %d: %,d reports over %,d domains, %d partitions, %s, "
                + "sent in %.1f s (%.0f/s achieved), -Xmx%dm, %s%n", rate, send.records(), s.workload().domains(),
            s.partitions(), s.guarantee(), send.seconds(), send.records() / send.seconds(),
            ProcessMemory.maxHeapBytes() >> 20, s.warmup() > 0
                ? String.format(Locale.ROOT, "warm: the same processor first ran %,d other reports", s.warmup())
                : "cold JVM");
        out.println();
        out.println("| latency from raw append to | count | p50 ms | p90 ms | p99 ms | max ms |");
        out.println("|---|---:|---:|---:|---:|---:|");
        row(out, "committed report (tlsrpt.reports)", w.reportLatencies);
        row(out, "committed alert (tlsrpt.alerts.json)", w.alertLatencies);
        out.printf(Locale.ROOT, "%n# processor, this run (the warm-up not counted): %s%n", counters);
        out.flush();
    }

    private static void row(PrintWriter out, String what, List<Long> latencies) {
        List<Long> l;
        synchronized (latencies) {
            l = new ArrayList<>(latencies);
        }
        Collections.sort(l);
        if (l.isEmpty()) {
            out.printf("| %s | 0 | - | - | - | - |%n", what);
            return;
        }
        out.printf(Locale.ROOT, "| %s | %,d | %d | %d | %d | %d |%n", what, l.size(), pct(l, 50), pct(l, 90),
            pct(l, 99), l.get(l.size() - 1));
    }

    static long pct(List<Long> sorted, double p) {
        int i = (int) Math.ceil(p / 100 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }
}
