package io.tlsrpt.reliability;

import io.tlsrpt.connect.TlsRptSourceConnector;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.Herder;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorInfo;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.apache.kafka.connect.util.FutureCallback;

/** A real Connect worker in standalone mode, in this JVM, running the project's source connector. */
final class ConnectStandaloneWorker implements AutoCloseable {

    static final String CONNECTOR = "tlsrpt-source";

    private final Connect<StandaloneHerder> worker;

    ConnectStandaloneWorker(String bootstrap, Path offsetsFile) {
        Map<String, String> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrap);
        props.put("offset.storage.file.filename", offsetsFile.toString());
        props.put("offset.flush.interval.ms", "1000");
        props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        props.put("listeners", "http://127.0.0.1:0");
        props.put("task.shutdown.graceful.timeout.ms", "10000");
        props.put("producer.linger.ms", "5");
        props.put("plugin.discovery", "service_load");
        worker = new ConnectStandalone().startConnect(props);
    }

    void putConnector(String rawTopic, Map<String, String> config) throws Exception {
        Map<String, String> full = new HashMap<>(config);
        full.put("name", CONNECTOR);
        full.put("connector.class", TlsRptSourceConnector.class.getName());
        full.put("topic", rawTopic);
        FutureCallback<Herder.Created<ConnectorInfo>> cb = new FutureCallback<>();
        worker.herder().putConnectorConfig(CONNECTOR, full, true, cb);
        cb.get(60, TimeUnit.SECONDS);
    }

    boolean taskRunning() {
        try {
            var status = worker.herder().connectorStatus(CONNECTOR);
            return !status.tasks().isEmpty() && status.tasks().stream().allMatch(t -> "RUNNING".equals(t.state()));
        } catch (RuntimeException e) {
            return false;
        }
    }

    String taskStates() {
        return worker.herder().connectorStatus(CONNECTOR).tasks().toString();
    }

    @Override
    public void close() {
        worker.stop();
        worker.awaitStop();
    }
}
