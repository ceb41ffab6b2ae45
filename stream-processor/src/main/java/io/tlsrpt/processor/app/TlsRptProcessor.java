package io.tlsrpt.processor.app;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tlsrpt.oauth.JsonWebKeys;
import io.tlsrpt.processor.decode.ReportDecoder;
import io.tlsrpt.processor.rocksdb.BoundedMemoryRocksDBConfig;
import io.tlsrpt.processor.rocksdb.RocksDBMemory;
import io.tlsrpt.processor.rocksdb.RocksDBMemoryMetrics;
import io.tlsrpt.processor.topology.DeadLetterExceptionHandlers;
import io.tlsrpt.processor.topology.DomainStateReader;
import io.tlsrpt.processor.topology.PipelineMetrics;
import io.tlsrpt.processor.topology.TopologyDepth;
import io.tlsrpt.processor.topology.OpenStops;
import io.tlsrpt.processor.topology.WindowChanges;
import io.tlsrpt.processor.topology.TopologyFactory;
import io.tlsrpt.processor.topology.TopologySettings;
import io.tlsrpt.tls.PemFiles;
import io.tlsrpt.tls.RevokedCertificates;
import io.tlsrpt.tls.ServerCertificate;
import io.tlsrpt.tls.TrustedCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running stream processor: topics, Kafka Streams, metrics and health endpoints. Start it with
 * {@link #start(ProcessorConfig)}, stop it with {@link #close()}. Usable as a library (the CLI's embedded
 * run) and as a process ({@link #main(String[])}).
 */
public final class TlsRptProcessor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TlsRptProcessor.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    /**
     * The compression of everything the processor writes (repartition topics, changelogs, outputs) unless
     * {@code streams.producer.compression.type} (or {@code streams.compression.type}) says otherwise. Kafka Streams
     * writes uncompressed by default; each report crosses the broker four times (the repartition, the reports
     * topic, two changelogs) as Avro and text that lz4 shrinks to about a third, and the broker's CPU per report
     * fell by a third with it (BENCHMARKS.md). lz4 is the cheapest codec to compress and to decompress.
     */
    static final String DEFAULT_PRODUCER_COMPRESSION = "lz4";

    /** Where the HTTP server answers the domain queries: this, then a policy domain. */
    public static final String DOMAIN_QUERY_PATH = "/v1/domains/";
    /** Where the HTTP server lists the incidents of every domain. */
    public static final String INCIDENT_LIST_PATH = "/v1/incidents";
    /** The list of every policy domain the application holds windows of. */
    public static final String DOMAIN_LIST_PATH = "/v1/domains";

    private final ProcessorConfig config;
    private final PrometheusMeterRegistry registry;
    private final PipelineMetrics metrics;
    private final KafkaStreams streams;
    private final KafkaStreamsMetrics streamsMetrics;
    /** Lists the Kafka client metrics again every metrics.kafka.refresh; ours to stop (Micrometer leaves it). */
    private final ScheduledExecutorService metricsRefresh;
    private final RocksDBMemory rocksDbMemory;
    private final ServedDomainsReloader servedDomains;
    private final HttpEndpoints http;
    /** The identity provider's key set of the queries' JWTs, read in the background; null without one. */
    private JsonWebKeys queryKeys;
    /** The HTTP server's certificate ({@code http.tls.certificate.file}); null over plain HTTP. */
    private ServerCertificate httpCertificate;
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile boolean failed;

    private TlsRptProcessor(ProcessorConfig config, Clock clock, TopologyDepth depth, RocksDBMemory rocksDbMemory) {
        this.config = config;
        this.rocksDbMemory = rocksDbMemory;
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.metrics = new PipelineMetrics(registry, config.getBoolean(ProcessorConfig.METRICS_TENANT_LABEL));
        new RocksDBMemoryMetrics(rocksDbMemory).bindTo(registry);
        TopologySettings settings = config.topologySettings();
        if (settings.registryUrl().startsWith("mock://")) {
            LOG.warn("schema.registry.url is {}: schemas live in this JVM only; consumers elsewhere cannot read the Avro topics",
                    settings.registryUrl());
        }
        // listening before Kafka Streams exists: the domain queries' address (a free port with http.port=0) is the
        // application.server Kafka Streams announces to the other instances
        this.http = startHttp(config);
        try {
            Properties props = streamsProperties(config, metrics, rocksDbMemory);
            HostInfo queryAddress = http == null ? null : queryAddress(config, http.address());
            if (queryAddress != null) {
                props.putIfAbsent(StreamsConfig.APPLICATION_SERVER_CONFIG, DomainQueryEndpoint.address(queryAddress));
            }
            if (config.getBoolean(ProcessorConfig.TOPICS_CREATE)) {
                TopicCreator.createMissing(adminProperties(props), config, ADMIN_TIMEOUT);
            }
            TopicCreator.alignWindowStoreChangelog(adminProperties(props), config, ADMIN_TIMEOUT);
            // read at every report by the stream threads; the file, if any, re-read on a thread of its own
            this.servedDomains = ServedDomainsReloader.start(config, registry);
            settings = settings.withServedDomains(servedDomains::current);
            // the open reports-stopped incidents, kept by the silence stage's tasks for the incident lists
            OpenStops openStops = new OpenStops(settings.windowSize());
            // the window updates and task moves, after which the domain list sums the windows again
            WindowChanges windowChanges = new WindowChanges();
            Topology topology = TopologyFactory.buildTopology(settings, new ReportDecoder(config.decoderLimits()), metrics,
                    clock, depth, openStops, windowChanges);
            if (depth != TopologyDepth.FULL) {
                LOG.warn("topology up to '{}' only: no statistics and no alerts (for measuring only)", depth.code());
            }
            LOG.debug("topology:\n{}", topology.describe());
            LOG.info("RocksDB memory of all state stores bounded at {} bytes ({} for memtables)",
                    rocksDbMemory.totalBytes(), rocksDbMemory.writeBufferBytes());
            this.streams = new KafkaStreams(topology, props);
            // every store's, not only global ones, despite the name
            streams.setGlobalStateRestoreListener(new RestoreProgress(registry));
            StreamThreadRecovery recovery = new StreamThreadRecovery(
                    config.getInt(ProcessorConfig.STREAM_THREAD_REPLACEMENTS),
                    config.getDuration(ProcessorConfig.STREAM_THREAD_REPLACEMENT_WINDOW));
            streams.setUncaughtExceptionHandler(exception -> {
                // processing and production errors are dead-lettered by the handlers; what reaches here is not a
                // bad record but the environment: replace the thread while that stays rare, else stop this client
                // (liveness turns DOWN) rather than loop
                StreamThreadRecovery.Decision decision = recovery.onThreadDeath(exception, Instant.now());   // wall time
                if (decision.replaces()) {
                    metrics.streamThreadReplaced();
                } else {
                    failed = true;
                }
                LOG.error("stream thread died; {}", decision.why(), exception);
                return decision.response();
            });
            streams.setStateListener((now, before) -> {
                LOG.info("Kafka Streams {} -> {}", before, now);
                windowChanges.reassigned();
                if (now == KafkaStreams.State.RUNNING) {
                    // which partitions this instance works, and whether it keeps standby copies (num.standby.replicas)
                    // for a fast take-over: Kafka Streams itself says so only at DEBUG
                    LOG.info("tasks of this instance: {}", TaskAssignment.of(streams.metadataForLocalThreads()));
                }
            });
            this.metricsRefresh = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread t = new Thread(runnable, "kafka-metrics-refresh");
                t.setDaemon(true);
                return t;
            });
            this.streamsMetrics = new KafkaStreamsMetrics(streams, List.of(), metricsRefresh,
                    config.getDuration(ProcessorConfig.METRICS_KAFKA_REFRESH));
            streamsMetrics.bindTo(registry);
            if (queryAddress != null) {
                HostInfo self = HostInfo.buildFromEndpoint(props.getProperty(StreamsConfig.APPLICATION_SERVER_CONFIG));
                Optional<QueryJwts> jwts = config.queryJwts(clock);
                if (jwts.isPresent()) {
                    queryKeys = jwts.get().keys();
                    QueryKeySetMetrics.bind(registry, queryKeys);
                    // read at start and every minute while failing, not only as tokens arrive: the first token
                    // finds the keys, and the metrics (the rule TlsRptQueryKeySetUnreadable) say how the provider is
                    queryKeys.keepReading();
                }
                DomainQueryTokens tokens = new DomainQueryTokens(config.domainsToken(),
                        config.domainsTenantTokensFile(), jwts, clock, new FailedTokens(
                                config.getDouble(ProcessorConfig.HTTP_DOMAINS_FAILED_TOKENS_PER_MINUTE),
                                config.getInt(ProcessorConfig.HTTP_DOMAINS_FAILED_TOKENS_BURST),
                                FailedTokens.MAX_CLIENTS, System::nanoTime), config.trustedProxies());
                // the instances reach each other as they are reached: all over HTTPS, or all over plain HTTP
                QueryPeers peers = new QueryPeers(self, peerTls(config));
                http.serveQueries(new DomainQueryEndpoint(streams, peers, settings.windowSize(), clock,
                                servedDomains::current, tokens),
                        new DomainListEndpoint(streams, peers, settings.windowSize(), clock, servedDomains::current,
                                tokens, openStops, windowChanges,
                                config.getDuration(ProcessorConfig.HTTP_DOMAINS_LIST_MAX_AGE), registry),
                        new IncidentListEndpoint(streams, peers, settings.windowSize(), clock, servedDomains::current,
                                tokens, openStops));
                String base = http.scheme() + "://" + DomainQueryEndpoint.address(queryAddress);
                LOG.info("domain queries on {}{}<domain>, domain lists on {}{}, incident lists on {}{}", base,
                        DomainQueryEndpoint.PATH, base, DomainListEndpoint.PATH, base, IncidentListEndpoint.PATH);
            }
            streams.start();
        } catch (RuntimeException e) {
            if (queryKeys != null) {
                queryKeys.close();
            }
            if (http != null) {
                http.close();
            }
            throw e;
        }
    }

    /**
     * How this instance reaches the others' HTTPS servers: trusting {@code http.tls.ca.file}, and presenting its own
     * certificate where they ask clients for one ({@code http.tls.client.ca.file}); null over plain HTTP.
     */
    private SSLContext peerTls(ProcessorConfig config) {
        if (httpCertificate == null) {
            return null;
        }
        Path authorities = config.httpTlsCaFile().orElse(null);
        return config.httpTlsClientCaFile().isPresent() ? httpCertificate.clientContext(authorities)
                : TrustedCertificates.clientContext(authorities);
    }

    private HttpEndpoints startHttp(ProcessorConfig config) {
        int port = config.getInt(ProcessorConfig.HTTP_PORT);
        if (port < 0) {
            return null;
        }
        try {
            this.httpCertificate = config.httpTlsCertificateFile().map(certificate -> CertificateMeters.register(
                    ServerCertificate.fromPem(certificate, config.httpTlsKeyFile().orElseThrow(), Clock.systemUTC()),
                    registry)).orElse(null);
            Optional<Path> clientAuthorities = config.httpTlsClientCaFile();
            Optional<RevokedCertificates> revoked = config.httpTlsClientCrlFile().map(crl -> CertificateMeters
                    .register(new RevokedCertificates(crl, PemFiles.certificates(clientAuthorities.orElseThrow()),
                            Clock.systemUTC()), registry));
            SSLContext tls = httpCertificate == null ? null : clientAuthorities.map(authorities -> revoked
                            .map(lists -> httpCertificate.serverContext(authorities, lists))
                            .orElseGet(() -> httpCertificate.serverContext(authorities)))
                    .orElseGet(httpCertificate::serverContext);
            return new HttpEndpoints(config.get(ProcessorConfig.HTTP_HOST), port, registry, this::isLive,
                    this::isReady, config.getBoolean(ProcessorConfig.HTTP_DOMAINS_ENABLED), tls,
                    clientAuthorities.isPresent(), config.managementHost(), config.managementPort());
        } catch (IOException e) {
            String where = config.get(ProcessorConfig.HTTP_HOST) + ":" + port + (config.managementPort() < 0 ? ""
                    : " and " + config.managementHost() + ":" + config.managementPort());
            throw new UncheckedIOException("cannot listen on " + where, e);
        }
    }

    /**
     * Where the other instances reach this one's domain queries: {@code http.advertised.host} (or {@code http.host},
     * or this machine's address when that is a wildcard) and the port listened on; null with the queries off.
     */
    static HostInfo queryAddress(ProcessorConfig config, InetSocketAddress listening) {
        if (!config.getBoolean(ProcessorConfig.HTTP_DOMAINS_ENABLED)) {
            return null;
        }
        String host = config.get(ProcessorConfig.HTTP_ADVERTISED_HOST);
        if (host.isBlank()) {
            host = config.get(ProcessorConfig.HTTP_HOST);
            if (listening.getAddress().isAnyLocalAddress()) {
                try {
                    host = InetAddress.getLocalHost().getHostAddress();
                } catch (UnknownHostException e) {
                    throw new UncheckedIOException("http.host " + host + " listens on every address and this machine's "
                            + "own is unknown: set http.advertised.host", e);
                }
            }
        }
        return new HostInfo(host, listening.getPort());
    }

    /** Creates missing topics, starts Kafka Streams and the HTTP endpoints. Returns without waiting for RUNNING. */
    public static TlsRptProcessor start(ProcessorConfig config) {
        return start(config, Clock.systemUTC());
    }

    /** As {@link #start(ProcessorConfig)}, with the clock used for {@code detected_at}/{@code updated_at}. */
    public static TlsRptProcessor start(ProcessorConfig config, Clock clock) {
        return start(config, clock, TopologyDepth.FULL);
    }

    /**
     * As {@link #start(ProcessorConfig, Clock)}, running the topology only up to {@code depth}: the benchmark's
     * measure of each stage ({@code tlsrpt bench --depth}).
     */
    public static TlsRptProcessor start(ProcessorConfig config, Clock clock, TopologyDepth depth) {
        // the budget is this instance's: created before its stores open, closed after they are (close())
        RocksDBMemory rocksDbMemory = new RocksDBMemory(config.rocksDbMemoryBytes(),
                config.getDouble(ProcessorConfig.ROCKSDB_WRITE_BUFFER_RATIO));
        try {
            return new TlsRptProcessor(config, clock, depth, rocksDbMemory);
        } catch (RuntimeException e) {
            rocksDbMemory.close();
            throw e;
        }
    }

    static Properties streamsProperties(ProcessorConfig config, PipelineMetrics metrics, RocksDBMemory rocksDbMemory) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.get(ProcessorConfig.APPLICATION_ID));
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(ProcessorConfig.BOOTSTRAP_SERVERS));
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.get(ProcessorConfig.PROCESSING_GUARANTEE));
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.get(ProcessorConfig.STATE_DIR));
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.getInt(ProcessorConfig.NUM_STREAM_THREADS));
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.getDuration(ProcessorConfig.COMMIT_INTERVAL).toMillis());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, Integer.parseInt(config.get(ProcessorConfig.TOPICS_REPLICATION_FACTOR)));
        p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandlers.Processing.class);
        enableProcessingExceptionHandlerForGlobalThread(p);
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandlers.Production.class);
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                DeadLetterExceptionHandlers.Deserialization.class);
        p.put(DeadLetterExceptionHandlers.DEAD_LETTER_TOPIC_CONFIG, config.get(ProcessorConfig.TOPIC_DEAD_LETTER));
        p.put(DeadLetterExceptionHandlers.METRICS_CONFIG, metrics);
        // every store shares this instance's cache and write buffer manager (a streams.rocksdb.config.setter
        // override replaces this, and with it the bound)
        p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedMemoryRocksDBConfig.class);
        p.put(RocksDBMemory.CONFIG, rocksDbMemory);
        // The aggregating task reads two repartition topics, and the second (other domains of multi-domain reports)
        // is nearly always empty: with the default (0) the task checks the empty partition's fetched lag on every
        // loop (a String.format per check, ~4 % of the stream thread) and may wait for a fetch. Nothing needs the
        // two inputs in timestamp order (before, they were separate sub-topologies with no order between them at
        // all; lateness is judged by arrival too), so process what is buffered. streams.max.task.idle.ms overrides.
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), producerCompression(config));
        p.putAll(config.streamsOverrides());
        return p;
    }

    /**
     * The compression codec the processor's producer uses with {@code config}: the benchmark's copy floor uses
     * the same, as the issue's "same producer settings" asks.
     */
    public static String producerCompression(ProcessorConfig config) {
        Map<String, String> overrides = config.streamsOverrides();
        String prefixed = overrides.get(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG));
        if (prefixed != null) {
            return prefixed;
        }
        return overrides.getOrDefault(ProducerConfig.COMPRESSION_TYPE_CONFIG, DEFAULT_PRODUCER_COMPRESSION);
    }

    private static Properties adminProperties(Properties streamsProps) {
        Properties admin = new Properties();
        for (String name : streamsProps.stringPropertyNames()) {
            if (AdminClientConfig.configNames().contains(name)) {
                admin.put(name, streamsProps.getProperty(name));
            }
        }
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, streamsProps.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
        return admin;
    }

    /**
     * Stops processing until {@link #resume()}: Kafka Streams' pause, tasks stay assigned and their state open
     * (the benchmark pauses a warmed-up processor while its floor runs).
     */
    public void pause() {
        streams.pause();
    }

    /** Resumes processing after {@link #pause()}. */
    public void resume() {
        streams.resume();
    }

    /** Waits until Kafka Streams is RUNNING (all tasks assigned and restored). */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (isReady()) {
                return true;
            }
            if (!isLive()) {
                return false;
            }
            // Kafka Streams offers no future for state changes; a short timed wait on our own latch
            if (closed.await(20, TimeUnit.MILLISECONDS)) {
                return false;
            }
        }
        return isReady();
    }

    /** RUNNING: every task assigned and its state restored. */
    public boolean isReady() {
        return streams != null && streams.state() == KafkaStreams.State.RUNNING;
    }

    /** Not failed: created, starting, rebalancing or running. */
    public boolean isLive() {
        if (streams == null) {
            return true;   // being created (the HTTP endpoints answer from the start)
        }
        KafkaStreams.State s = streams.state();
        return !failed && s != KafkaStreams.State.ERROR && s != KafkaStreams.State.PENDING_ERROR
                && s != KafkaStreams.State.NOT_RUNNING && s != KafkaStreams.State.PENDING_SHUTDOWN;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public PrometheusMeterRegistry meterRegistry() {
        return registry;
    }

    /** Stream threads replaced since the start ({@code stream.thread.replacements}). */
    public long threadReplacements() {
        return metrics.streamThreadReplacements();
    }

    /** The processor's own counters (raw records, decoded, rejected, duplicates, distinct, late, alerts, dead letters). */
    public PipelineMetrics.Snapshot counters() {
        return metrics.snapshot();
    }

    public ProcessorConfig config() {
        return config;
    }

    /** This instance's shared RocksDB cache and write buffer manager. */
    public RocksDBMemory rocksDbMemory() {
        return rocksDbMemory;
    }

    /** Kafka Streams' own metrics of this client (threads, tasks, state stores). */
    public Map<MetricName, ? extends Metric> streamsMetrics() {
        return streams.metrics();
    }

    /** The instances of this application that keep windows, as Kafka Streams knows them (their application.server). */
    Collection<StreamsMetadata> streamsMetadataForWindowStore() {
        return streams.streamsMetadataForStore(DomainStateReader.WINDOW_STORE);
    }

    /**
     * Where the HTTP server listens (the queries; /metrics and /health/* too unless on a management port), or null
     * when disabled (http.port=-1).
     */
    public InetSocketAddress httpAddress() {
        return http == null ? null : http.address();
    }

    /** Where /metrics and /health/* listen: the management port, else {@link #httpAddress()}; null when disabled. */
    public InetSocketAddress managementAddress() {
        return http == null ? null : http.managementAddress();
    }

    /**
     * The key is deprecated in Kafka 4.4 because 5.0 makes its value the default; until then the dead-letter handler
     * covers global-store processing only when it is set.
     */
    @SuppressWarnings("deprecation")
    private static void enableProcessingExceptionHandlerForGlobalThread(Properties p) {
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    }

    /** Stops Kafka Streams (committing its work) and the HTTP endpoints; waits up to 30 s. */
    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    public void close(Duration timeout) {
        if (closed.getCount() == 0) {
            return;
        }
        LOG.info("stopping the stream processor");
        if (http != null) {
            http.close();
        }
        if (queryKeys != null) {
            queryKeys.close();
        }
        // leave the group: a restarted or remaining instance takes the partitions over at once instead of
        // waiting for this member's session to time out
        boolean clean = streams.close(CloseOptions.timeout(timeout)
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        if (!clean) {
            LOG.warn("Kafka Streams did not stop within {}", timeout);
        }
        streamsMetrics.close();
        metricsRefresh.shutdownNow();
        servedDomains.close();
        registry.close();
        rocksDbMemory.close();   // after the stores: they were using it
        closed.countDown();
    }

    /** Blocks until {@link #close()} has completed. */
    public void awaitClosed() throws InterruptedException {
        closed.await();
    }

    /** {@code java ... TlsRptProcessor [processor.properties]}; exit 2 on invalid configuration. */
    public static void main(String[] args) throws Exception {
        if (args.length > 1 || (args.length == 1 && (args[0].equals("-h") || args[0].equals("--help")))) {
            System.err.println("usage: TlsRptProcessor [processor.properties]\n\nkeys (also TLSRPT_* variables):\n"
                    + ProcessorConfig.describe());
            System.exit(2);
        }
        ProcessorConfig config;
        try {
            config = ProcessorConfig.load(args.length == 1 ? Path.of(args[0]) : null);
        } catch (InvalidConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        LOG.info("configuration: {}", config.values());
        TlsRptProcessor processor = start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(processor::close, "tlsrpt-shutdown"));
        while (!processor.closed.await(1, TimeUnit.SECONDS)) {
            if (!processor.isLive() && processor.state() != KafkaStreams.State.PENDING_SHUTDOWN) {
                LOG.error("Kafka Streams is {}; exiting so the supervisor restarts the process", processor.state());
                processor.close();
                System.exit(1);
            }
        }
    }
}
