package io.tlsrpt.cli.run;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.tlsrpt.connect.TlsRptSourceConfig;
import io.tlsrpt.connect.TlsRptSourceConnector;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.Herder;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.apache.kafka.connect.util.FutureCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process Kafka Connect worker (standalone mode: offsets in a file under the data directory) running the ingest
 * connector with its HTTPS endpoint and its spool directory, one task each.
 */
public final class IntakeWorker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IntakeWorker.class);
    /** Connector name; the source offsets are stored under it. */
    public static final String CONNECTOR_NAME = "tlsrpt-run-intake";
    /** Path of the intake endpoint. */
    public static final String PATH = "/v1/tlsrpt";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Connect<StandaloneHerder> worker;

    private IntakeWorker(Connect<StandaloneHerder> worker) {
        this.worker = worker;
    }

    /**
     * Starts the worker and the connector and waits until both tasks run.
     *
     * @throws IllegalStateException when the connector or a task does not reach RUNNING (the task's trace says why)
     */
    public static IntakeWorker start(String bootstrap, String rawTopic, DataLayout layout, IntakeTls tls,
                                     int httpsPort) {
        Map<String, String> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrap);
        props.put("offset.storage.file.filename", layout.connectOffsets().toString());
        props.put("offset.flush.interval.ms", "1000");
        props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        props.put("listeners", "http://127.0.0.1:0");   // the worker's REST API: loopback, any free port
        props.put("task.shutdown.graceful.timeout.ms", "4000");
        props.put("producer.linger.ms", "5");
        props.put("plugin.discovery", "service_load");
        Connect<StandaloneHerder> connect = new ConnectStandalone().startConnect(props);
        IntakeWorker intake = new IntakeWorker(connect);
        try {
            intake.putConnector(connectorConfig(rawTopic, layout, tls, httpsPort));
            intake.awaitRunning();
        } catch (RuntimeException e) {
            intake.close();
            throw e;
        }
        return intake;
    }

    static Map<String, String> connectorConfig(String rawTopic, DataLayout layout, IntakeTls tls, int httpsPort) {
        Map<String, String> c = new HashMap<>();
        c.put("name", CONNECTOR_NAME);
        c.put("connector.class", TlsRptSourceConnector.class.getName());
        c.put("tasks.max", "2");
        c.put(TlsRptSourceConfig.TOPIC, rawTopic);
        c.put(TlsRptSourceConfig.HTTPS_ENABLED, "true");
        c.put(TlsRptSourceConfig.HTTPS_BIND_ADDRESS, "127.0.0.1");
        c.put(TlsRptSourceConfig.HTTPS_PORT, Integer.toString(httpsPort));
        c.put(TlsRptSourceConfig.HTTPS_PATH, PATH);
        c.put(TlsRptSourceConfig.HTTPS_TLS_ENABLED, "true");
        c.put(TlsRptSourceConfig.HTTPS_KEYSTORE_PATH, tls.keystore().toString());
        c.put(TlsRptSourceConfig.HTTPS_KEYSTORE_TYPE, "PKCS12");
        c.put(TlsRptSourceConfig.HTTPS_KEYSTORE_PASSWORD, tls.password());
        c.put(TlsRptSourceConfig.HTTPS_KEY_PASSWORD, tls.password());
        c.put(TlsRptSourceConfig.SPOOL_ENABLED, "true");
        c.put(TlsRptSourceConfig.SPOOL_INBOX_DIRECTORY, layout.spoolInbox().toString());
        // files are renamed into the inbox whole (see Seeder), so there is no half-written file to wait for
        c.put(TlsRptSourceConfig.SPOOL_POLL_INTERVAL_MS, "200");
        c.put(TlsRptSourceConfig.SPOOL_MIN_FILE_AGE_MS, "250");
        return c;
    }

    private void putConnector(Map<String, String> config) {
        FutureCallback<Herder.Created<ConnectorInfo>> created = new FutureCallback<>();
        worker.herder().putConnectorConfig(CONNECTOR_NAME, config, true, created);
        try {
            created.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the intake connector", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the intake connector could not be created: " + e.getMessage(), e);
        }
    }

    private void awaitRunning() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            ConnectorStateInfo status = status();
            if (status != null && !status.tasks().isEmpty()) {
                for (ConnectorStateInfo.TaskState task : status.tasks()) {
                    if ("FAILED".equals(task.state())) {
                        throw new IllegalStateException("intake task " + task.id() + " failed: "
                            + firstLine(task.trace()));
                    }
                }
                if (status.tasks().stream().allMatch(t -> "RUNNING".equals(t.state()))) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the intake connector's tasks did not start within "
                    + START_TIMEOUT.toSeconds() + " s: " + (status == null ? "no status" : status.tasks()));
            }
            try {
                TimeUnit.MILLISECONDS.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting the intake connector", e);
            }
        }
    }

    private ConnectorStateInfo status() {
        try {
            return worker.herder().connectorStatus(CONNECTOR_NAME);
        } catch (RuntimeException e) {
            LOG.debug("no connector status yet", e);
            return null;
        }
    }

    /** The tasks that are not RUNNING, with the first line of their error, or an empty string when all run. */
    public String problems() {
        ConnectorStateInfo status = status();
        if (status == null) {
            return "connector not found";
        }
        StringBuilder b = new StringBuilder();
        for (ConnectorStateInfo.TaskState task : status.tasks()) {
            if (!"RUNNING".equals(task.state())) {
                b.append("task ").append(task.id()).append(' ').append(task.state()).append(": ")
                    .append(firstLine(task.trace())).append("; ");
            }
        }
        return b.toString();
    }

    private static String firstLine(String trace) {
        if (trace == null) {
            return "(no trace)";
        }
        int nl = trace.indexOf('\n');
        return nl < 0 ? trace : trace.substring(0, nl);
    }

    /** Stops the connector's tasks (they commit what Kafka acknowledged) and the worker. */
    @Override
    public void close() {
        worker.stop();
        worker.awaitStop();
    }
}
