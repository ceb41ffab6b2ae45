package io.tlsrpt.connect.it;

import io.tlsrpt.connect.TlsRptSourceConnector;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.utils.internals.Exit;
import org.apache.kafka.connect.cli.ConnectDistributed;
import org.apache.kafka.connect.errors.NotFoundException;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.Herder;
import org.apache.kafka.connect.runtime.distributed.DistributedHerder;
import org.apache.kafka.connect.runtime.distributed.RebalanceNeededException;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.FutureCallback;

/**
 * A real Kafka Connect worker in distributed mode, in this JVM ({@code ConnectDistributed}, as
 * {@code connect-distributed.sh} starts it), with exactly-once source support, whose every Kafka client (its own,
 * and its tasks' producers, consumers and admin clients) authenticates with the given SASL settings. A worker that
 * gives up calls {@code Exit.exit}: that is recorded here instead of ending the test JVM.
 */
final class DistributedWorker implements AutoCloseable {

    private final Connect<DistributedHerder> connect;
    private final AtomicReference<String> exit;

    private DistributedWorker(Connect<DistributedHerder> connect, AtomicReference<String> exit) {
        this.connect = connect;
        this.exit = exit;
    }

    /** Starts the worker of {@code names}' group; it joins the group and reads its topics in the background. */
    static DistributedWorker start(String bootstrapServers, Properties sasl, ConnectNames names) {
        AtomicReference<String> exit = new AtomicReference<>();
        Exit.setExitProcedure((status, message) -> exit.compareAndSet(null, "Exit.exit(" + status + ")"));
        Map<String, String> props = KafkaConnectHarness.workerBasics(bootstrapServers);
        props.put("group.id", names.groupId());
        props.put("config.storage.topic", names.configTopic());
        props.put("offset.storage.topic", names.offsetTopic());
        props.put("status.storage.topic", names.statusTopic());
        props.put("config.storage.replication.factor", "1");
        props.put("offset.storage.replication.factor", "1");
        props.put("status.storage.replication.factor", "1");
        props.put("exactly.once.source.support", "enabled");
        props.put("rest.advertised.host.name", "127.0.0.1");
        props.put("task.shutdown.graceful.timeout.ms", "5000");
        // the worker's own clients take the top-level settings; its tasks' clients only the prefixed ones
        // (Strimzi sets all four from KafkaConnect.spec.authentication)
        for (String prefix : new String[] {"", "producer.", "consumer.", "admin."}) {
            sasl.forEach((key, value) -> props.put(prefix + key, (String) value));
        }
        try {
            return new DistributedWorker(new ConnectDistributed().startConnect(props), exit);
        } catch (RuntimeException | Error e) {
            Exit.resetExitProcedure();
            throw e;
        }
    }

    /** How the worker gave up ({@code Exit.exit}), or null while it runs. */
    String exited() {
        return exit.get();
    }

    /**
     * Whether the worker has joined its group and read its config topic: it answers a listing of the connectors
     * within a second and a half, and not with "rebalance needed".
     */
    boolean joined() throws InterruptedException, ExecutionException {
        FutureCallback<Collection<String>> cb = new FutureCallback<>();
        connect.herder().connectors(cb);
        try {
            cb.get(1500, TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RebalanceNeededException) {
                return false;
            }
            throw e;
        }
    }

    /** Creates connector {@code name} of the project's class with {@code config}, through the group's leader. */
    void putConnector(String name, Map<String, String> config, Duration timeout) throws Exception {
        Map<String, String> full = new HashMap<>(config);
        full.put("name", name);
        full.put("connector.class", TlsRptSourceConnector.class.getName());
        full.put("tasks.max", "1");
        FutureCallback<Herder.Created<ConnectorInfo>> cb = new FutureCallback<>();
        connect.herder().putConnectorConfig(name, full, false, cb);
        cb.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The connector's and its tasks' states as the status topic has them, or null if it has none yet. */
    ConnectorStateInfo status(String connector) {
        try {
            return connect.herder().connectorStatus(connector);
        } catch (NotFoundException e) {
            return null;
        }
    }

    @Override
    public void close() {
        try {
            connect.stop();
            connect.awaitStop();
        } finally {
            Exit.resetExitProcedure();
        }
    }
}
