package io.tlsrpt.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool$;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker + controller) running inside this JVM, built from the
 * {@code kafka_2.13} jars only (no test jars): what the one-command local run, {@code analyze} and {@code bench} use.
 *
 * <p>Everything lives under one data directory: the log directory ({@code DIR/kraft-logs}, formatted once; its
 * {@code meta.properties} holds the cluster id) and the generated {@code server.properties}. Starting again on the
 * same directory reuses the cluster id and the data: an existing log directory is never re-formatted. Listeners bind
 * to 127.0.0.1 only, on free ports unless given. The internal topics (consumer offsets, transaction state, share
 * state) use replication factor 1 and min ISR 1, so that exactly-once Kafka Streams applications work.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.builder(dir).start()) {
 *     String bootstrap = kafka.bootstrapServers();   // "127.0.0.1:PORT"
 *     ...
 * }
 * }</pre>
 *
 * <p>The quorum is static ({@code controller.quorum.voters}), so the ports may change from one start to the next.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    /** Subdirectory of the data directory that holds the Kafka log directory (metadata log and topic data). */
    public static final String LOG_DIR_NAME = "kraft-logs";
    /** File in the data directory that the broker configuration is written to (for inspection and formatting). */
    public static final String SERVER_PROPERTIES = "server.properties";

    private static final int NODE_ID = 1;
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";

    private final Path dataDir;
    private final int brokerPort;
    private final String clusterId;
    private final KafkaRaftServer server;
    private boolean closed;

    private EmbeddedKafka(Path dataDir, int brokerPort, String clusterId, KafkaRaftServer server) {
        this.dataDir = dataDir;
        this.brokerPort = brokerPort;
        this.clusterId = clusterId;
        this.server = server;
    }

    /** A builder for a broker whose data lives in {@code dataDir} (created when missing). */
    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /** Starts a broker on free ports with default settings; shorthand for {@code builder(dataDir).start()}. */
    public static EmbeddedKafka start(Path dataDir) {
        return builder(dataDir).start();
    }

    /** The client bootstrap address, {@code 127.0.0.1:PORT}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    /** The cluster id, read from (or written on first start to) the data directory. */
    public String clusterId() {
        return clusterId;
    }

    /** The data directory given to the builder. */
    public Path dataDir() {
        return dataDir;
    }

    /** Client properties for this broker ({@code bootstrap.servers}), a starting point for producers/consumers. */
    public Map<String, Object> clientProperties() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return props;
    }

    /** Stops the broker and controller and waits until they have shut down; the data directory is kept. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long started = System.nanoTime();
        server.shutdown();
        server.awaitShutdown();
        LOG.info("Embedded Kafka on {} stopped in {} ms", bootstrapServers(),
            Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    /** Settings of an embedded broker; every setting has a default. */
    public static final class Builder {
        private final Path dataDir;
        private int brokerPort;
        private int controllerPort;
        private int defaultPartitions = 1;
        private final Map<String, String> overrides = new LinkedHashMap<>();

        private Builder(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir").toAbsolutePath();
        }

        /** Client listener port on 127.0.0.1; 0 (default) picks a free port. */
        public Builder brokerPort(int port) {
            this.brokerPort = checkPort(port);
            return this;
        }

        /** Controller listener port on 127.0.0.1; 0 (default) picks a free port. */
        public Builder controllerPort(int port) {
            this.controllerPort = checkPort(port);
            return this;
        }

        /** {@code num.partitions} of auto-created topics (default 1). */
        public Builder defaultPartitions(int partitions) {
            if (partitions < 1) {
                throw new IllegalArgumentException("partitions must be >= 1: " + partitions);
            }
            this.defaultPartitions = partitions;
            return this;
        }

        /** Any other broker property; applied last, so it overrides the defaults. */
        public Builder property(String key, String value) {
            overrides.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
            return this;
        }

        /**
         * Formats the log directory when it is not formatted yet, starts the broker and waits until it accepts
         * clients.
         *
         * @throws IllegalStateException when the broker cannot start (the cause says why)
         */
        public EmbeddedKafka start() {
            long started = System.nanoTime();
            try {
                Files.createDirectories(dataDir);
                Path logDir = dataDir.resolve(LOG_DIR_NAME);
                int bPort = brokerPort == 0 ? ListenPorts.free() : brokerPort;
                int cPort = controllerPort == 0 ? ListenPorts.free(bPort) : controllerPort;
                Properties props = serverProperties(logDir, bPort, cPort);
                Path propsFile = dataDir.resolve(SERVER_PROPERTIES);
                try (OutputStream out = Files.newOutputStream(propsFile)) {
                    props.store(out, "written by io.tlsrpt.embedded.EmbeddedKafka on every start");
                }
                String clusterId = readClusterId(logDir);
                if (clusterId == null) {
                    clusterId = Uuid.randomUuid().toString();
                    format(propsFile, clusterId);
                }
                KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props), Time.SYSTEM);
                try {
                    server.startup();
                } catch (RuntimeException e) {
                    server.shutdown();
                    throw e;
                }
                EmbeddedKafka kafka = new EmbeddedKafka(dataDir, bPort, clusterId, server);
                try {
                    awaitReady(kafka);
                } catch (RuntimeException e) {
                    kafka.close();
                    throw e;
                }
                LOG.info("Embedded Kafka (cluster {}) ready on {} in {} ms, data in {}", clusterId,
                    kafka.bootstrapServers(), Duration.ofNanos(System.nanoTime() - started).toMillis(), dataDir);
                return kafka;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start embedded Kafka in " + dataDir, e);
            }
        }

        private Properties serverProperties(Path logDir, int bPort, int cPort) {
            Properties p = new Properties();
            p.setProperty("process.roles", "broker,controller");
            p.setProperty("node.id", Integer.toString(NODE_ID));
            p.setProperty("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + cPort);
            p.setProperty("listeners",
                BROKER_LISTENER + "://127.0.0.1:" + bPort + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + cPort);
            p.setProperty("advertised.listeners", BROKER_LISTENER + "://127.0.0.1:" + bPort);
            p.setProperty("controller.listener.names", CONTROLLER_LISTENER);
            p.setProperty("inter.broker.listener.name", BROKER_LISTENER);
            p.setProperty("listener.security.protocol.map",
                BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
            p.setProperty("log.dirs", logDir.toString());
            p.setProperty("num.partitions", Integer.toString(defaultPartitions));
            // a single node: every internal topic has one replica, and exactly-once needs the transaction settings
            p.setProperty("offsets.topic.replication.factor", "1");
            p.setProperty("offsets.topic.num.partitions", "5");
            p.setProperty("transaction.state.log.replication.factor", "1");
            p.setProperty("transaction.state.log.min.isr", "1");
            p.setProperty("transaction.state.log.num.partitions", "5");
            p.setProperty("share.coordinator.state.topic.replication.factor", "1");
            p.setProperty("share.coordinator.state.topic.min.isr", "1");
            p.setProperty("default.replication.factor", "1");
            p.setProperty("min.insync.replicas", "1");
            // no point waiting for more group members to join on a single machine
            p.setProperty("group.initial.rebalance.delay.ms", "0");
            p.setProperty("auto.create.topics.enable", "true");
            overrides.forEach(p::setProperty);
            return p;
        }

        private static void format(Path propsFile, String clusterId) {
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            int code;
            try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
                code = StorageTool$.MODULE$.execute(
                    new String[] {"format", "-t", clusterId, "-c", propsFile.toString()}, out);
            }
            String output = captured.toString(StandardCharsets.UTF_8).trim();
            if (code != 0) {
                throw new IllegalStateException("formatting the Kafka log directory failed (exit " + code + "): "
                    + output);
            }
            LOG.debug("Formatted Kafka storage: {}", output);
        }

        private static String readClusterId(Path logDir) throws IOException {
            Path meta = logDir.resolve("meta.properties");
            if (!Files.isRegularFile(meta)) {
                return null;
            }
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(meta)) {
                p.load(in);
            }
            String id = p.getProperty("cluster.id");
            if (id == null || id.isBlank()) {
                throw new IllegalStateException(meta + " has no cluster.id: the data directory is damaged");
            }
            return id;
        }

        /** Waits until the broker answers a metadata request (startup() returns once it is unfenced, normally). */
        private static void awaitReady(EmbeddedKafka kafka) {
            try (Admin admin = Admin.create(kafka.clientProperties())) {
                admin.describeCluster().nodes().get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the embedded broker", e);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("the embedded broker did not answer on " + kafka.bootstrapServers(), e);
            }
        }

        private static int checkPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            return port;
        }
    }
}
