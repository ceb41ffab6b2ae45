package io.tlsrpt.cli.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.tlsrpt.embedded.ConsumerGroupDrain;
import io.tlsrpt.embedded.RawInputProducer;
import io.tlsrpt.embedded.ScratchDirectories;
import io.tlsrpt.generate.GeneratedInput;
import io.tlsrpt.processor.app.ProcessorConfig;
import io.tlsrpt.processor.app.TlsRptProcessor;
import io.tlsrpt.processor.topology.PipelineMetrics;
import io.tlsrpt.processor.topology.TopologyDepth;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code tlsrpt bench}: the whole pipeline on a real broker against the copy floor (issue 6).
 *
 * <ol>
 *   <li>the workload ({@link Workload}) goes into the raw topic;</li>
 *   <li>floor: {@link CopyFloor} copies the raw topic to {@code tlsrpt.bench.copy};</li>
 *   <li>the stream processor runs from the beginning of the raw topic until its consumer group has committed
 *       everything in the raw and repartition topics (with exactly-once: every output committed);</li>
 *   <li>one table: reports, bytes, seconds, reports/s of both, the ratio, peak heap and RSS, the state stores.</li>
 * </ol>
 * Seconds run from the first record consumed to the last commit, for both, so that group joins and topic creation
 * (a few seconds on this machine, the same whatever the volume) are not counted; start-up is printed apart.
 */
public final class PipelineBench {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineBench.class);
    private static final Duration STALL_TIMEOUT = Duration.ofMinutes(5);

    /**
     * @param workload    what goes into the raw topic
     * @param partitions  partitions of the raw, copy and processor topics
     * @param guarantee   processing guarantee of both floor and processor
     * @param bootstrap   external cluster, or null for an embedded broker (in a child JVM)
     * @param settings    extra processor settings ({@code --set})
     * @param keepDir     directory to use and keep, or null for a temporary one
     * @param warmup      reports of a separate warm-up run of the processor before anything is measured (0: none)
     * @param depth       how much of the processor's topology runs ({@code --depth}; FULL but for measuring stages)
     */
    public record Settings(Workload workload, int partitions, String guarantee, String bootstrap,
                           Map<String, String> settings, Path keepDir, long warmup, TopologyDepth depth) {
    }

    /** What a cut topology does, for the table's header. */
    private static final Map<TopologyDepth, String> DEPTH_MEANING = Map.of(
        TopologyDepth.COPY, "Kafka Streams copies each raw record to the reports topic, nothing decoded",
        TopologyDepth.DECODE, "decoded and encoded in Avro to the reports topic, not deduplicated, nothing aggregated",
        TopologyDepth.DEDUP, "decoded, repartitioned by primary domain and deduplicated to the reports topic, nothing "
            + "aggregated");

    private PipelineBench() {
    }

    /** Runs the benchmark and prints the table to {@code out}; progress goes to the log. */
    public static void run(Settings s, PrintWriter out) {
        String runId = UUID.randomUUID().toString().substring(0, 8);
        Path dir = workDir(s.keepDir());
        try (BenchTarget target = BenchTarget.open(s.bootstrap(), dir, runId)) {
            String raw = target.name("tlsrpt.raw");
            String copy = target.name("tlsrpt.bench.copy");
            target.createTopics(s.partitions(), raw, copy);

            boolean eos = s.guarantee().startsWith("exactly_once");
            ProcessorConfig config = processorConfig(s, target, raw, dir.resolve("state"), runId);
            if (s.warmup() > 0) {
                runWarm(s, target, raw, copy, config, out);
                return;
            }
            Load load = load(target, raw, s.workload());
            Floor floor = runFloor(target, raw, Map.of(), copy, eos, config);
            ProcessMemory.resetPeaks();
            BrokerAppends.Snapshot beforePipeline = BrokerAppends.take(target);
            Pipeline pipeline = runPipeline(config, s.depth(), target, raw, load.records);
            Map<String, Long> appends = BrokerAppends.take(target).since(beforePipeline);
            print(out, s, target, load, floor, pipeline, pipeline.memory());
            printAppends(out, target, config, floor, load.records(), appends, pipeline.repartitionReads());
            QueryTimes.print(out, pipeline.queries());
        } finally {
            if (s.keepDir() == null) {
                ScratchDirectories.delete(dir);
            }
        }
    }

    record Load(long records, long bytes, double seconds) {
    }

    /** What the floor copied and what it took; {@code appends}: what the broker appended meanwhile, by topic. */
    record Floor(CopyFloor.Result result, Memory memory, CpuTime cpu, Map<String, Long> appends) {
    }

    /** The copy floor over the raw topic from {@code start} (the beginning where absent) to its end. */
    private static Floor runFloor(BenchTarget target, String raw, Map<TopicPartition, Long> start, String copy,
                                  boolean exactlyOnce, ProcessorConfig config) {
        BrokerAppends.Snapshot before = BrokerAppends.take(target);
        ProcessMemory.resetPeaks();
        CpuTime cpuStart = CpuTime.now(target);
        CopyFloor.Result floor = CopyFloor.copy(target.client(), raw, start, copy, exactlyOnce,
            config.getDuration(ProcessorConfig.COMMIT_INTERVAL), TlsRptProcessor.producerCompression(config),
            target.name("tlsrpt-bench-copy"));
        Floor f = new Floor(floor, Memory.now(), CpuTime.now(target).since(cpuStart),
            BrokerAppends.take(target).since(before));
        LOG.info("floor: copied {} records in {} s", floor.records(), floor.seconds());
        return f;
    }

    /**
     * The warm measurement: the processor is warmed up ({@link #warmUp}) and paused, the floor copies the same
     * warm-up records (not measured), the measured workload is appended to the same raw topic, the floor copies
     * exactly those records, and the processor resumes on them.
     */
    private static void runWarm(Settings s, BenchTarget target, String raw, String copy, ProcessorConfig config,
                                PrintWriter out) {
        boolean eos = s.guarantee().startsWith("exactly_once");
        Workload w = s.workload();
        String appId = config.get(ProcessorConfig.APPLICATION_ID);
        try (TlsRptProcessor processor = TlsRptProcessor.start(config, Clock.systemUTC(), s.depth());
             ConsumerGroupDrain drain = new ConsumerGroupDrain(target.client(), appId,
                 ConsumerGroupDrain.rawAndRepartitionTopics(raw, appId))) {
            Load warm = warmUp(s, target, raw, processor, config);
            processor.pause();
            Map<TopicPartition, Long> measuredFrom = endOffsets(target, raw);
            // the floor gets the same warm-up: it copies the warm-up records first (to their end, not measured),
            // so that a JIT-compiled processor is not put against a copy loop still being compiled
            CopyFloor.Result warmFloor = CopyFloor.copy(target.client(), raw, Map.of(), copy, eos,
                config.getDuration(ProcessorConfig.COMMIT_INTERVAL), TlsRptProcessor.producerCompression(config),
                target.name("tlsrpt-bench-copy-warmup"));
            LOG.info("floor warm-up: copied {} records in {} s", warmFloor.records(), warmFloor.seconds());

            Load load = load(target, raw, w);
            Floor floor = runFloor(target, raw, measuredFrom, copy, eos, config);
            ProcessMemory.resetPeaks();
            PipelineMetrics.Snapshot before = processor.counters();
            BrokerAppends.Snapshot appendedBefore = BrokerAppends.take(target);
            long repartitionReadsBefore = repartitionRecordsConsumed(processor);
            long resumed = System.nanoTime();
            processor.resume();
            Pipeline p = awaitProcessed(processor, drain, target, config, warm.records() + load.records(),
                warm.records(), resumed);
            Map<String, Long> appends = BrokerAppends.take(target).since(appendedBefore);
            Pipeline measured = new Pipeline(p.seconds(), p.startSeconds(), p.counters().since(before), p.stores(),
                p.cpu(), p.repartitionReads() - repartitionReadsBefore, List.of(), null)
                .withQueries(processor, s.depth());
            print(out, s, target, load, floor, measured, measured.memory());
            printAppends(out, target, config, floor, load.records(), appends, measured.repartitionReads());
            QueryTimes.print(out, measured.queries());
        }
    }

    private static Map<TopicPartition, Long> endOffsets(BenchTarget target, String topic) {
        Map<String, Object> c = new java.util.HashMap<>(target.client());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
            List<TopicPartition> tps = consumer.partitionsFor(topic).stream()
                .map(i -> new TopicPartition(topic, i.partition())).toList();
            return consumer.endOffsets(tps);
        }
    }



    static Load load(BenchTarget target, String topic, Workload workload) {
        return load(target, topic, workload.inputs(), Long.MAX_VALUE);
    }

    /** Appends at most {@code count} of {@code inputs}, as fast as the producer takes them. */
    static Load load(BenchTarget target, String topic, Iterator<GeneratedInput> it, long count) {
        long t0 = System.nanoTime();
        long records = 0;
        long bytes = 0;
        Map<String, Object> client = new java.util.HashMap<>(target.client());
        client.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");   // the floor copies what it reads: no lz4 cost
        try (RawInputProducer producer = new RawInputProducer(client, topic, "cli")) {
            while (records < count && it.hasNext()) {
                GeneratedInput in = it.next();
                producer.send(in.bytes(), in.contentType(), in.fileName(), in.fileName(), Instant.now());
                records++;
                bytes += in.bytes().length;
            }
            producer.flush();
        }
        Load load = new Load(records, bytes, (System.nanoTime() - t0) / 1e9);
        LOG.info("loaded {} raw records ({} bytes) into {} in {} s", records, bytes, topic, load.seconds());
        return load;
    }

    /**
     * Warms a running processor up: appends {@code s.warmup()} other reports of the days before the measured ones
     * ({@link Workload#precededBy}) to its raw topic and waits
     * until it has processed them and committed everything. What is measured next runs through code the JIT
     * compiled for this very processor and against the state a running processor has, as after its first
     * minutes in production. (A second processor instance in a warmed JVM is not warm: the classes of its new
     * topology made C2 recompile for a third of the measured phase's CPU.)
     */
    static Load warmUp(Settings s, BenchTarget target, String raw, TlsRptProcessor processor,
                       ProcessorConfig config) {
        return warmUp(target, raw, processor, config, s.workload().precededBy(s.warmup()).inputs(), s.warmup());
    }

    /** The same with the first {@code count} of {@code inputs}: a warm-up whose rest is sent otherwise. */
    static Load warmUp(BenchTarget target, String raw, TlsRptProcessor processor, ProcessorConfig config,
                       Iterator<GeneratedInput> inputs, long count) {
        Load warm = load(target, raw, inputs, count);
        String appId = config.get(ProcessorConfig.APPLICATION_ID);
        try (ConsumerGroupDrain drain = new ConsumerGroupDrain(target.client(), appId,
                ConsumerGroupDrain.rawAndRepartitionTopics(raw, appId))) {
            Pipeline p = awaitProcessed(processor, drain, target, config, warm.records(), 0, System.nanoTime());
            LOG.info("warm-up: {} reports through the processor in {} s", warm.records(), p.seconds());
        }
        return warm;
    }

    static ProcessorConfig processorConfig(Settings s, BenchTarget target, String raw, Path stateDir, String runId) {
        return processorConfig(s, target, raw, stateDir, runId, "");
    }

    /** The processor's settings for a run; {@code suffix} keeps a warm-up's application id and topics apart. */
    static ProcessorConfig processorConfig(Settings s, BenchTarget target, String raw, Path stateDir, String runId,
                                           String suffix) {
        Properties p = new Properties();
        p.setProperty(ProcessorConfig.BOOTSTRAP_SERVERS, target.bootstrap());
        p.setProperty(ProcessorConfig.APPLICATION_ID, target.name("tlsrpt-bench" + suffix));
        p.setProperty(ProcessorConfig.SCHEMA_REGISTRY_URL, "mock://bench-" + runId);
        p.setProperty(ProcessorConfig.STATE_DIR, stateDir.toString());
        p.setProperty(ProcessorConfig.PROCESSING_GUARANTEE, s.guarantee());
        p.setProperty(ProcessorConfig.TOPICS_PARTITIONS, Integer.toString(s.partitions()));
        p.setProperty(ProcessorConfig.TOPICS_REPLICATION_FACTOR, target.embedded() ? "1" : "-1");
        p.setProperty(ProcessorConfig.HTTP_PORT, "0");   // a free port: the queries are measured after the run
        p.setProperty(ProcessorConfig.TOPIC_RAW, raw);
        for (String key : new String[] {ProcessorConfig.TOPIC_REPORTS, ProcessorConfig.TOPIC_DEAD_LETTER,
            ProcessorConfig.TOPIC_FAILURE_STATS, ProcessorConfig.TOPIC_DOMAIN_STATS, ProcessorConfig.TOPIC_ALERTS,
            ProcessorConfig.TOPIC_ALERTS_JSON}) {
            String base = ProcessorConfig.fromProperties(new Properties()).get(key);
            p.setProperty(key, target.name(base + suffix));
        }
        return ProcessorConfig.fromProperties(p).with(s.settings());
    }

    /** What the processor did and what it took. */
    record Pipeline(double seconds, double startSeconds, PipelineMetrics.Snapshot counters,
                    Map<String, StateStores.Store> stores, CpuTime cpu, long repartitionReads,
                    List<QueryTimes.Query> queries, Memory memory) {

        /**
         * The same with the run's memory peaks, then the HTTP queries' figures, measured once the run is over (each
         * query's own peak RSS apart from the run's).
         */
        Pipeline withQueries(TlsRptProcessor processor, TopologyDepth depth) {
            Memory run = Memory.now();
            return new Pipeline(seconds, startSeconds, counters, stores, cpu, repartitionReads,
                PipelineBench.queries(processor, depth), run);
        }
    }

    /**
     * The HTTP queries' figures on a whole topology; a cut one ({@code --depth}) keeps no incidents to ask for. A
     * processor that does not answer them (a token asked with {@code --set http.domains.token.file=...}) costs the run
     * its queries' table, not its other figures.
     */
    private static List<QueryTimes.Query> queries(TlsRptProcessor processor, TopologyDepth depth) {
        if (depth != TopologyDepth.FULL) {
            return List.of();
        }
        try {
            return QueryTimes.measure(processor);
        } catch (IllegalStateException e) {
            LOG.warn("the processor's HTTP queries not measured: {}", e.getMessage());
            return List.of();
        }
    }

    /**
     * Records the processor's consumers have read from its repartition topics since it started (Kafka's per-topic
     * {@code records-consumed-total}; a dotted topic name is also reported with underscores, counted once). The raw
     * records are read once each, as the processor's own count shows; the consumer's count of them cannot be
     * measured by phase, since a paused processor's consumer keeps fetching ahead.
     */
    static long repartitionRecordsConsumed(TlsRptProcessor processor) {
        Map<String, Double> byTopic = new java.util.HashMap<>();
        for (var e : processor.streamsMetrics().entrySet()) {
            String topic = e.getKey().tags().get("topic");
            if (topic != null && topic.endsWith("-repartition")
                && e.getKey().name().equals("records-consumed-total")
                && e.getKey().group().equals("consumer-fetch-manager-metrics")
                && e.getValue().metricValue() instanceof Double d) {
                byTopic.merge(e.getKey().tags().get("client-id") + " " + topic.replace('.', '_'), d, Math::max);
            }
        }
        return (long) byTopic.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    static Pipeline runPipeline(ProcessorConfig config, TopologyDepth depth, BenchTarget target, String raw,
                                long produced) {
        String appId = config.get(ProcessorConfig.APPLICATION_ID);
        long start = System.nanoTime();
        try (TlsRptProcessor processor = TlsRptProcessor.start(config, Clock.systemUTC(), depth);
             ConsumerGroupDrain drain = new ConsumerGroupDrain(target.client(), appId,
                 ConsumerGroupDrain.rawAndRepartitionTopics(raw, appId))) {
            return awaitProcessed(processor, drain, target, config, produced, 0, start)
                .withQueries(processor, depth);
        }
    }

    /**
     * Waits until the processor has read {@code total} raw records and its group has committed everything in the
     * raw and repartition topics; time and CPU count from the first raw record after {@code alreadyRead}.
     */
    private static Pipeline awaitProcessed(TlsRptProcessor processor, ConsumerGroupDrain drain, BenchTarget target,
                                           ProcessorConfig config, long total, long alreadyRead, long start) {
        String appId = config.get(ProcessorConfig.APPLICATION_ID);
        try {
            long first = 0;
            CpuTime cpuAtFirst = null;
            long lastProgress = System.nanoTime();
            long lastRaw = -1;
            while (true) {
                if (!processor.isLive()) {
                    throw new IllegalStateException("the stream processor stopped (state " + processor.state() + ")");
                }
                long rawDone = processor.counters().rawRecords();
                if (first == 0 && rawDone > alreadyRead) {
                    first = System.nanoTime();
                    cpuAtFirst = CpuTime.now(target);
                }
                if (rawDone >= total) {
                    Map<String, Long> lag = drain.lag();
                    if (!lag.isEmpty() && lag.values().stream().allMatch(l -> l == 0)) {
                        long done = System.nanoTime();
                        CpuTime cpu = CpuTime.now(target).since(cpuAtFirst);
                        Map<String, StateStores.Store> stores = StateStores.measure(
                            Path.of(config.get(ProcessorConfig.STATE_DIR), appId));
                        return new Pipeline((done - first) / 1e9, (first - start) / 1e9, processor.counters(),
                            stores, cpu, repartitionRecordsConsumed(processor), List.of(), null);
                    }
                }
                if (rawDone != lastRaw) {
                    lastRaw = rawDone;
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > STALL_TIMEOUT.toNanos()) {
                    throw new IllegalStateException("no progress for " + STALL_TIMEOUT + ": " + rawDone + " of "
                        + total + " raw records");
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the pipeline ran", e);
        }
    }

    /** Peak heap and RSS of this JVM since the last reset. */
    record Memory(long peakHeap, long peakRss) {
        static Memory now() {
            return new Memory(ProcessMemory.peakHeapBytes(), ProcessMemory.peakRssBytes());
        }
    }

    private static void print(PrintWriter out, Settings s, BenchTarget target, Load load, Floor f, Pipeline p,
                              Memory pMem) {
        CopyFloor.Result floor = f.result();
        Memory floorMem = f.memory();
        CpuTime floorCpu = f.cpu();
        double floorRate = floor.records() / floor.seconds();
        double pipeRate = load.records() / p.seconds();
        out.printf(Locale.ROOT, "%n# tlsrpt bench: %,d reports over %,d domains (%d days), failure mix %.3f, %d "
                + "partitions, %s, %s broker, -Xmx%dm, %d cores%n", load.records(), s.workload().domains(),
            s.workload().days(), s.workload().failureMix(), s.partitions(), s.guarantee(),
            target.embedded() ? "embedded (child JVM)" : "external", ProcessMemory.maxHeapBytes() >> 20,
            Runtime.getRuntime().availableProcessors());
        out.printf(Locale.ROOT, "# generate + load: %.1f s; processor start-up to first record: %.1f s; %s%n",
            load.seconds(), p.startSeconds(), s.warmup() > 0
                ? String.format(Locale.ROOT, "warm: the same processor first ran %,d other reports (JIT and state) "
                    + "and the floor first copied them; the processor paused while the floor ran", s.warmup())
                : "cold JVM (no --warmup)");
        if (s.depth() != TopologyDepth.FULL) {
            out.printf(Locale.ROOT, "# pipeline: the processor's topology up to '%s' only (--depth): %s%n",
                s.depth().code(), DEPTH_MEANING.get(s.depth()));
        }
        out.println();
        out.println("| run | reports | bytes | seconds | reports/s | MB/s | ratio | peak heap MB | peak RSS MB "
            + "| CPU s client / broker | CPU ms/report | CPU ratio | CPU ms/report without JIT | CPU ratio without JIT |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        double floorCpuPerReport = floorCpu.totalSeconds() * 1e3 / floor.records();
        double pipeCpuPerReport = p.cpu().totalSeconds() * 1e3 / load.records();
        double floorSteady = floorCpu.withoutJitSeconds() * 1e3 / floor.records();
        double pipeSteady = p.cpu().withoutJitSeconds() * 1e3 / load.records();
        boolean jitKnown = floorSteady >= 0 && pipeSteady >= 0;
        out.printf(Locale.ROOT, "| floor (copy) | %,d | %,d | %.1f | %,.0f | %.1f | 1.00 | %d | %s | %s | %.3f | 1.00 "
                + "| %s | %s |%n",
            floor.records(), floor.bytes(), floor.seconds(), floorRate, floor.bytes() / floor.seconds() / 1e6,
            floorMem.peakHeap() >> 20, mb(floorMem.peakRss()), cpu(floorCpu), floorCpuPerReport,
            jitKnown ? String.format(Locale.ROOT, "%.3f", floorSteady) : "n/a", jitKnown ? "1.00" : "n/a");
        out.printf(Locale.ROOT, "| pipeline | %,d | %,d | %.1f | %,.0f | %.1f | %.2f | %d | %s | %s | %.3f | %.2f "
                + "| %s | %s |%n",
            load.records(), load.bytes(), p.seconds(), pipeRate, load.bytes() / p.seconds() / 1e6,
            pipeRate / floorRate, pMem.peakHeap() >> 20, mb(pMem.peakRss()), cpu(p.cpu()), pipeCpuPerReport,
            floorCpuPerReport / pipeCpuPerReport,
            jitKnown ? String.format(Locale.ROOT, "%.3f", pipeSteady) : "n/a",
            jitKnown ? String.format(Locale.ROOT, "%.2f", floorSteady / pipeSteady) : "n/a");
        out.println("# CPU: user + system of this JVM and of the embedded broker during the phase (floor: with its "
            + "group join; pipeline: from the first record); CPU ratio = floor CPU per report / pipeline CPU per report");
        out.printf(Locale.ROOT, "# JIT compiler threads (client + broker JVMs): %s s CPU during the floor, %s s "
            + "during the pipeline: compiling, not processing; on 2 cores C2 compiles for minutes%n",
            jitSeconds(floorCpu), jitSeconds(p.cpu()));
        out.println(streamThreadLine(p.cpu(), p.seconds(), load.records()));
        out.println();
        PipelineMetrics.Snapshot c = p.counters();
        out.printf(Locale.ROOT, "# processor: %,d raw, %,d reports decoded, %,d rejected, %,d duplicates, %,d late, "
                + "%,d alerts, %,d dead letters; broker RSS %s MB%n", c.rawRecords(), c.reportsDecoded(), c.rejected(),
            c.duplicatesDropped(), c.lateReports(), c.alerts(), c.deadLetters(), mb(target.brokerRssBytes()));
        out.println();
        out.println("| state store | files on disk | RocksDB SST + memtables | keys (estimate) | bytes/key |");
        out.println("|---|---:|---:|---:|---:|");
        long totalBytes = 0;
        long totalLive = 0;
        long totalKeys = 0;
        for (StateStores.Store st : p.stores().values()) {
            out.printf(Locale.ROOT, "| %s | %,d | %s | %s | %s |%n", st.name(), st.bytes(),
                st.liveBytes() < 0 ? "n/a" : String.format(Locale.ROOT, "%,d", st.liveBytes()),
                st.keys() < 0 ? "n/a" : String.format(Locale.ROOT, "%,d", st.keys()),
                Double.isNaN(st.bytesPerKey()) ? "n/a" : String.format(Locale.ROOT, "%.0f", st.bytesPerKey()));
            totalBytes += st.bytes();
            totalLive += Math.max(0, st.liveBytes());
            totalKeys += Math.max(0, st.keys());
        }
        out.printf(Locale.ROOT, "| total | %,d | %,d | %,d | %s |%n", totalBytes, totalLive, totalKeys,
            totalKeys > 0 ? String.format(Locale.ROOT, "%.0f", (double) Math.max(totalBytes, totalLive) / totalKeys)
                : "n/a");
        out.flush();
    }

    /**
     * Per report, what the broker appended for the floor and for the pipeline, by topic (records and transaction
     * markers), and what their consumers read: the I/O that the pipeline's design costs, against the copy's one
     * record written and one read.
     */
    private static void printAppends(PrintWriter out, BenchTarget target, ProcessorConfig config, Floor floor,
                                     long reports, Map<String, Long> pipeline, long repartitionReads) {
        String appId = config.get(ProcessorConfig.APPLICATION_ID);
        Map<String, long[]> rows = new TreeMap<>();
        floor.appends().forEach((topic, n) -> rows.computeIfAbsent(
            BrokerAppends.shortName(topic, appId, target.suffix()), k -> new long[2])[0] += n);
        pipeline.forEach((topic, n) -> rows.computeIfAbsent(
            BrokerAppends.shortName(topic, appId, target.suffix()), k -> new long[2])[1] += n);
        long floorRecords = floor.result().records();
        out.println();
        out.printf(Locale.ROOT, "| appended per report (records and transaction markers)%s | floor (copy) | pipeline |"
            + "%n|---|---:|---:|%n", target.embedded() ? "" : ", the run's topics");
        long[] total = new long[2];
        rows.forEach((topic, n) -> {
            out.printf(Locale.ROOT, "| %s | %.3f | %.3f |%n", topic, (double) n[0] / floorRecords,
                (double) n[1] / reports);
            total[0] += n[0];
            total[1] += n[1];
        });
        out.printf(Locale.ROOT, "| total | %.2f | %.2f |%n", (double) total[0] / floorRecords,
            (double) total[1] / reports);
        // both read each raw record once; the pipeline also reads back its repartition topics
        long pipelineReads = reports + repartitionReads;
        out.printf(Locale.ROOT, "| read by the consumers | 1.00 | %.2f |%n", (double) pipelineReads / reports);
        out.printf(Locale.ROOT, "| records moved (appended + read) | %.2f | %.2f |%n",
            (double) total[0] / floorRecords + 1, (double) (total[1] + pipelineReads) / reports);
        out.flush();
    }

    static String cpu(CpuTime t) {
        return String.format(Locale.ROOT, "%.1f / %s", t.clientNanos() / 1e9,
            t.brokerNanos() < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", t.brokerNanos() / 1e9));
    }

    /** The stream threads' CPU in the pipeline phase, per report and as a share of the phase's wall time. */
    static String streamThreadLine(CpuTime pipeline, double seconds, long reports) {
        if (pipeline.streamThreadNanos() < 0) {
            return "# stream threads: CPU time not measured by this JVM";
        }
        double busy = pipeline.streamThreadNanos() / 1e9;
        return String.format(Locale.ROOT, "# stream threads: %.1f s CPU in the %.1f s pipeline phase (%.0f %% of it), "
            + "%.3f ms per report: the rate's bound; the rest of the phase they waited (for a core, or the broker)",
            busy, seconds, 100 * busy / seconds, busy * 1e3 / reports);
    }

    /** The JIT's CPU in seconds, with the broker JVM's share where known, e.g. {@code 9.9 (broker 2.1)}. */
    private static String jitSeconds(CpuTime t) {
        if (t.jitNanos() < 0) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.1f", t.jitNanos() / 1e9) + (t.brokerJitNanos() < 0 ? ""
            : String.format(Locale.ROOT, " (broker %.1f)", t.brokerJitNanos() / 1e9));
    }

    static String mb(long bytes) {
        return bytes < 0 ? "n/a" : Long.toString(bytes >> 20);
    }

    static Path workDir(Path keep) {
        try {
            return keep == null ? Files.createTempDirectory("tlsrpt-bench-") : Files.createDirectories(keep);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the benchmark directory", e);
        }
    }

    /** Validates the {@code --set} settings early (a bad one is a usage error). */
    public static void processorConfigCheck(Settings s) {
        ProcessorConfig.fromProperties(new Properties()).with(s.settings());
    }
}
