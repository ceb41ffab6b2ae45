package io.tlsrpt.cli.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.embedded.RawInputProducer;
import io.tlsrpt.embedded.ScratchDirectories;
import io.tlsrpt.generate.GeneratedInput;
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
 *
 * <p>The workload is rendered to a file before the run ({@link RenderedInputs}): the sender then only reads and
 * sends, and the run's two cores go to the processor and the broker. Besides the percentiles over the run, it prints
 * them by when the input was sent ({@link LatencyTimeline}) and the CPU the JIT, the stream threads and the broker
 * took meanwhile, so that a tail can be placed.
 */
public final class LatencyBench {

    private static final Logger LOG = LoggerFactory.getLogger(LatencyBench.class);
    private static final Duration SETTLE = Duration.ofSeconds(30);
    /** How long the end of the warm-up is sent at the run's rate (at most half of its reports). */
    private static final Duration STEADY_WARMUP = Duration.ofSeconds(10);
    /** The timeline's resolution: 15 s at 1,000/s is five slices. */
    private static final Duration SLICE = Duration.ofSeconds(3);

    private LatencyBench() {
    }

    /** @param pollDomainList how often a portal asks for the domain list during the measured run; null: never */
    public static void run(PipelineBench.Settings s, int rate, Duration pollDomainList, PrintWriter out) {
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
                    warmUp(s, target, raw, processor, config, rate, dir);   // its outputs are before the watcher's
                }
                RenderedInputs inputs = render(s.workload().inputs(), dir.resolve("steady-inputs.bin"));
                PipelineMetrics.Snapshot beforeRun = processor.counters();
                CpuTime cpuBefore = CpuTime.now(target);
                GcTime gcBefore = GcTime.now();
                ListPoller poller = pollDomainList == null ? null : ListPoller.start(processor, pollDomainList);
                Watched run;
                ListPoller.Polled polled;
                try {
                    run = sendWatched(target, raw, config, inputs, rate);
                    polled = poller == null ? null : poller.stop();
                } finally {
                    if (poller != null) {
                        poller.close();
                    }
                }
                print(out, s, rate, run.send(), run.watcher(), processor.counters().since(beforeRun));
                if (polled != null) {
                    printPolled(out, polled);
                }
                printWhereTheTimeWent(out, run.send(), run.watcher(), CpuTime.now(target).since(cpuBefore),
                        GcTime.now().since(gcBefore));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            if (s.keepDir() == null) {
                ScratchDirectories.delete(dir);
            }
        }
    }

    /**
     * The warm-up's reports, most of them as fast as the processor takes them ({@link PipelineBench#warmUp}), the last
     * {@link #STEADY_WARMUP} of them at the run's rate through the run's sender and watcher, not measured: after a
     * burst alone, the JIT recompiled the clients' and the broker's code for the steady pattern during the first
     * seconds of the measured run (11-14 s of compiler CPU in a 17 s run on two cores), beside the sender then
     * generating each report as it sent it: the two made its tail.
     */
    private static void warmUp(PipelineBench.Settings s, BenchTarget target, String raw, TlsRptProcessor processor,
                               ProcessorConfig config, int rate, Path dir) throws InterruptedException {
        long steady = steadyWarmup(s, rate);
        Iterator<GeneratedInput> warm = s.workload().precededBy(s.warmup()).inputs();
        PipelineBench.warmUp(target, raw, processor, config, warm, s.warmup() - steady);
        if (steady > 0) {
            Watched w = sendWatched(target, raw, config, render(warm, dir.resolve("steady-warmup.bin")), rate);
            LOG.info("steady warm-up: {} reports at {}/s, {} read back", w.send().records(), rate,
                    w.watcher().reportsSeen());
        }
    }

    /** How many of the warm-up's reports are sent at the run's rate. */
    static long steadyWarmup(PipelineBench.Settings s, int rate) {
        return Math.min(s.warmup() / 2, rate * STEADY_WARMUP.toSeconds());
    }

    private static RenderedInputs render(Iterator<GeneratedInput> inputs, Path file) {
        long started = System.nanoTime();
        RenderedInputs rendered = RenderedInputs.render(inputs, file);
        LOG.info("rendered {} inputs in {} ms, before sending them", rendered.count(),
                (System.nanoTime() - started) / 1_000_000);
        return rendered;
    }

    record Watched(Send send, Watcher watcher) {
    }

    /**
     * Sends {@code inputs} at {@code rate} while a watcher reads the outputs from their current ends, until it has
     * seen a report for each (or {@link #SETTLE} passed) and 2 s more for the last alerts.
     */
    private static Watched sendWatched(BenchTarget target, String raw, ProcessorConfig config, RenderedInputs inputs,
                                       int rate) throws InterruptedException {
        Watcher watcher = new Watcher(target, config);
        Thread watch = new Thread(watcher, "tlsrpt-bench-watch");
        watch.start();
        if (!watcher.awaitStarted(Duration.ofMinutes(1))) {
            throw new IllegalStateException("the output watcher did not start");
        }
        Send send = send(target, raw, inputs, rate, watcher);
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (watcher.reportsSeen() < send.records && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
        TimeUnit.MILLISECONDS.sleep(2_000);   // late alerts of the last reports
        watcher.stop();
        watch.join(10_000);
        return new Watched(send, watcher);
    }

    /** {@code startMillis}: the first record's send, by the wall clock. */
    record Send(long records, double seconds, long startMillis) {
    }

    private static Send send(BenchTarget target, String topic, RenderedInputs inputs, int rate, Watcher watcher) {
        Map<String, Object> client = new HashMap<>(target.client());
        client.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        long records = 0;
        long start = System.nanoTime();
        long startMillis = System.currentTimeMillis();
        long intervalNanos = 1_000_000_000L / rate;
        try (RawInputProducer producer = new RawInputProducer(client, topic, "cli");
             RenderedInputs.Reader it = inputs.read()) {
            while (it.hasNext()) {
                RenderedInputs.Input in = it.next();
                long due = start + records * intervalNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                Instant now = Instant.now();
                watcher.sent(in.sha256(), in.domain(), now.toEpochMilli());
                producer.send(in.bytes(), in.contentType(), in.fileName(), in.fileName(), now);
                records++;
            }
            producer.flush();
        }
        return new Send(records, (System.nanoTime() - start) / 1e9, startMillis);
    }

    /** Consumes the outputs and records the latencies. */
    static final class Watcher implements Runnable {
        private final Map<String, Long> sentBySha = new ConcurrentHashMap<>();
        private final Map<String, Long> lastSentByDomain = new ConcurrentHashMap<>();
        private final LatencyTimeline reportLatencies = new LatencyTimeline();
        private final LatencyTimeline alertLatencies = new LatencyTimeline();
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
                                reportLatencies.add(sent, seen - sent);
                            }
                        } else {
                            JsonNode alert = json.readTree(r.value());
                            Long sent = lastSentByDomain.get(alert.path("policy_domain").asText());
                            if (sent != null) {
                                alertLatencies.add(sent, seen - sent);
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
                ? String.format(Locale.ROOT, "warm: the same processor first ran %,d other reports, the last %,d of "
                    + "them at this rate", s.warmup(), steadyWarmup(s, rate))
                : "cold JVM");
        out.println();
        out.println("| latency from raw append to | count | p50 ms | p90 ms | p99 ms | max ms |");
        out.println("|---|---:|---:|---:|---:|---:|");
        row(out, "committed report (tlsrpt.reports)", w.reportLatencies);
        row(out, "committed alert (tlsrpt.alerts.json)", w.alertLatencies);
        out.printf(Locale.ROOT, "%n# processor, this run (the warm-up not counted): %s%n", counters);
        out.flush();
    }

    /** The domain list's latencies while the reports arrived, and where its sums came from. */
    private static void printPolled(PrintWriter out, ListPoller.Polled polled) {
        List<Long> l = polled.millis();
        out.printf(Locale.ROOT, "%n| GET /v1/domains?limit=50 every %d s while reports arrive | answers | p50 ms | "
            + "p90 ms | p99 ms | max ms |%n|---|---:|---:|---:|---:|---:|%n", polled.every().toSeconds());
        if (polled.firstMillis() >= 0) {
            out.printf(Locale.ROOT, "| domain list, the first (no sums kept yet) | 1 | %1$d | %1$d | %1$d | %1$d |%n",
                polled.firstMillis());
        }
        if (l.isEmpty()) {
            out.println("| domain list, the others | 0 | - | - | - | - |");
        } else {
            out.printf(Locale.ROOT, "| domain list, the others | %,d | %d | %d | %d | %d |%n", l.size(),
                LatencyTimeline.percentile(l, 50), LatencyTimeline.percentile(l, 90),
                LatencyTimeline.percentile(l, 99), l.get(l.size() - 1));
        }
        out.printf(Locale.ROOT, "# partitions' sums the lists took: %,d kept, %,d read while a list waited; %d answers "
            + "not 200%n", polled.kept(), polled.read(), polled.failed());
        out.flush();
    }

    private static void row(PrintWriter out, String what, LatencyTimeline latencies) {
        List<Long> l = latencies.sorted();
        if (l.isEmpty()) {
            out.printf("| %s | 0 | - | - | - | - |%n", what);
            return;
        }
        out.printf(Locale.ROOT, "| %s | %,d | %d | %d | %d | %d |%n", what, l.size(),
            LatencyTimeline.percentile(l, 50), LatencyTimeline.percentile(l, 90), LatencyTimeline.percentile(l, 99),
            l.get(l.size() - 1));
    }

    /**
     * The latencies by when their input was sent, and what the JVM did meanwhile: whether a tail is the first seconds,
     * a stall, or a processor that fell behind, and whether the stream threads, the JIT or the collector held the
     * cores.
     */
    private static void printWhereTheTimeWent(PrintWriter out, Send send, Watcher w, CpuTime cpu, GcTime gc) {
        out.printf(Locale.ROOT, "%n| sent in (s from the first send) | reports | report p50 ms | report p99 ms | "
                + "report max ms | alerts | alert max ms |%n|---|---:|---:|---:|---:|---:|---:|%n");
        Map<Long, LatencyTimeline.Slice> reports = new TreeMap<>();
        Map<Long, LatencyTimeline.Slice> alerts = new TreeMap<>();
        w.reportLatencies.slices(send.startMillis(), SLICE.toMillis()).forEach(r -> reports.put(r.fromMillis(), r));
        w.alertLatencies.slices(send.startMillis(), SLICE.toMillis()).forEach(a -> alerts.put(a.fromMillis(), a));
        Set<Long> slices = new TreeSet<>(reports.keySet());
        slices.addAll(alerts.keySet());   // a slice can hold alerts and no report
        for (long from : slices) {
            LatencyTimeline.Slice r = reports.get(from);
            LatencyTimeline.Slice a = alerts.get(from);
            out.printf(Locale.ROOT, "| %d-%d | %s | %s | %s | %s | %s | %s |%n", from / 1000,
                (from + SLICE.toMillis()) / 1000, r == null ? "0" : String.format(Locale.ROOT, "%,d", r.count()),
                r == null ? "-" : r.p50(), r == null ? "-" : r.p99(), r == null ? "-" : r.max(),
                a == null ? "0" : String.format(Locale.ROOT, "%,d", a.count()), a == null ? "-" : a.max());
        }
        double seconds = cpu.totalSeconds();
        out.printf(Locale.ROOT, "# during the run (sending, then until the last report was read, plus 2 s): CPU %.1f s "
                + "(client %.1f, broker %s), of it JIT compiler threads %s, stream threads %s; GC pauses: %d, %,d ms "
                + "in all%n", seconds, cpu.clientNanos() / 1e9,
            cpu.brokerNanos() < 0 ? "unknown" : String.format(Locale.ROOT, "%.1f", cpu.brokerNanos() / 1e9),
            cpu.jitNanos() < 0 ? "unknown" : String.format(Locale.ROOT, "%.1f s (broker %.1f)", cpu.jitNanos() / 1e9,
                Math.max(0, cpu.brokerJitNanos()) / 1e9),
            cpu.streamThreadNanos() < 0 ? "unknown" : String.format(Locale.ROOT, "%.1f s (%.3f ms per report)",
                cpu.streamThreadNanos() / 1e9, cpu.streamThreadNanos() / 1e6 / Math.max(1, send.records())),
            gc.collections(), gc.pauseMillis());
        out.flush();
    }
}
