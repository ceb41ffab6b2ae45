package io.tlsrpt.connect.https;

import io.tlsrpt.connect.IngestMetrics;
import io.tlsrpt.connect.RecordQueue;
import io.tlsrpt.connect.SourceContext;
import io.tlsrpt.testkafka.TestKeystore;
import io.tlsrpt.connect.TlsRptSourceConfig;
import io.tlsrpt.connect.record.RawRecord;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A real {@link HttpsReceiver} on an ephemeral 127.0.0.1 port with TLS from a keytool keystore, and a thread that
 * plays the Connect worker: it drains the hand-over queue and acknowledges every record as commitRecord would after
 * the producer's ack (the Kafka path itself is proven by HttpsIngestIT).
 */
final class ReceiverUnderTest implements AutoCloseable {
    final HttpsReceiver receiver;
    final Metrics metrics = new Metrics();
    final List<RawRecord> written = new CopyOnWriteArrayList<>();
    final TlsRptSourceConfig config;
    private final Thread worker;
    private volatile boolean running = true;

    ReceiverUnderTest(Path keystore, Map<String, String> extra) throws Exception {
        Map<String, String> props = new HashMap<>(Map.of("https.enabled", "true", "https.port", "0",
                "https.keystore.path", keystore.toString(), "https.keystore.password", TestKeystore.PASSWORD,
                "https.ack.timeout.ms", "3000", "max.payload.bytes", "65536"));
        props.putAll(extra);
        config = new TlsRptSourceConfig(props);
        RecordQueue queue = new RecordQueue(64, 16_000_000);
        receiver = new HttpsReceiver(new SourceContext(config, queue,
                new IngestMetrics(new PluginMetricsImpl(metrics, Map.of("connector", "hostile")), "t."), null));
        receiver.start();
        worker = new Thread(() -> {
            while (running) {
                try {
                    for (RawRecord r : queue.drain(16, 50, TimeUnit.MILLISECONDS)) {
                        written.add(r);
                        receiver.acknowledged(r.sourceOffset());
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "test-connect-worker");
        worker.setDaemon(true);
        worker.start();
    }

    int port() {
        return receiver.boundPort();
    }

    URI uri() {
        return URI.create("https://127.0.0.1:" + port() + config.getString(TlsRptSourceConfig.HTTPS_PATH));
    }

    @Override
    public void close() {
        running = false;
        try {
            receiver.stop(Duration.ofSeconds(2));
        } finally {
            try {
                worker.join(5_000);
            } catch (InterruptedException e) {
                // the test is being stopped: leave the flag for its runner
                Thread.currentThread().interrupt();
            }
            metrics.close();
        }
    }
}
