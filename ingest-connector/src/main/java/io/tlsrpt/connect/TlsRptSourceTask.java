package io.tlsrpt.connect;

import io.tlsrpt.connect.dkim.DkimCheck;
import io.tlsrpt.connect.https.HttpsReceiver;
import io.tlsrpt.connect.imap.ImapMailbox;
import io.tlsrpt.connect.record.RawRecord;
import io.tlsrpt.connect.record.RawRecords;
import io.tlsrpt.connect.spool.SpoolDirectory;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the sources assigned to this task. Their threads fill a bounded queue; poll() drains it with a short timeout.
 * Kafka's acknowledgement (commitRecord) or, in exactly-once mode, the committed offsets (commit) are passed back to
 * the source that produced the record, which then answers the HTTP request or moves the mail or file.
 */
public final class TlsRptSourceTask extends SourceTask {
    private static final Logger log = LoggerFactory.getLogger(TlsRptSourceTask.class);

    private final Map<String, IngestSource> sources = new LinkedHashMap<>();
    private TlsRptSourceConfig config;
    private RecordQueue queue;
    private IngestMetrics metrics;
    private Metrics ownMetrics;
    private String topic;
    private int pollMax;
    private long pollTimeoutMs;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new TlsRptSourceConfig(props);
        topic = config.getString(TlsRptSourceConfig.TOPIC);
        pollMax = config.getInt(TlsRptSourceConfig.POLL_MAX_RECORDS);
        pollTimeoutMs = config.getLong(TlsRptSourceConfig.POLL_TIMEOUT_MS);
        queue = new RecordQueue(config.getInt(TlsRptSourceConfig.QUEUE_MAX_RECORDS),
                config.getLong(TlsRptSourceConfig.QUEUE_MAX_BYTES));
        String sensorPrefix = "tlsrpt." + props.getOrDefault("name", "connector") + "."
                + props.getOrDefault(TlsRptSourceConfig.TASK_INDEX, "0") + ".";
        metrics = new IngestMetrics(pluginMetrics(), sensorPrefix);
        metrics.registerQueueGauges(queue);

        OffsetStorageReader offsets = context == null ? null : context.offsetStorageReader();
        SourceContext sourceContext = new SourceContext(config, queue, metrics, offsets, DkimCheck.from(config));
        String assigned = props.getOrDefault(TlsRptSourceConfig.TASK_SOURCES, String.join(",", config.enabledSources()));
        for (String name : assigned.split(",")) {
            switch (name.trim()) {
                case TlsRptSourceConfig.SOURCE_HTTPS -> sources.put(name.trim(), new HttpsReceiver(sourceContext));
                case TlsRptSourceConfig.SOURCE_IMAP -> sources.put(name.trim(), new ImapMailbox(sourceContext));
                case TlsRptSourceConfig.SOURCE_SPOOL -> sources.put(name.trim(), new SpoolDirectory(sourceContext));
                case "" -> { }
                default -> throw new ConnectException("Unknown source in task config: " + name);
            }
        }
        try {
            for (IngestSource source : sources.values()) {
                source.start();
            }
        } catch (Exception e) {
            stop();
            throw new ConnectException("Cannot start TLS-RPT sources " + sources.keySet() + ": " + e.getMessage(), e);
        }
        log.info("TLS-RPT source task started: sources {} -> topic {}", sources.keySet(), topic);
    }

    /** The worker's plugin metrics (Connect 4.x); a private registry on an older runtime. */
    private PluginMetrics pluginMetrics() {
        try {
            if (context != null && context.pluginMetrics() != null) {
                return context.pluginMetrics();
            }
        } catch (AbstractMethodError | NoSuchMethodError e) {
            log.info("This Connect runtime has no plugin metrics; keeping metrics in a private registry");
        }
        ownMetrics = new Metrics();
        return new PluginMetricsImpl(ownMetrics, Map.of());
    }

    /** Exposed so that a source's bound port can be read (HTTPS with port 0). */
    public IngestSource source(String name) {
        return sources.get(name);
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        List<RawRecord> batch = queue.drain(pollMax, pollTimeoutMs, TimeUnit.MILLISECONDS);
        if (batch.isEmpty()) {
            return null;
        }
        List<SourceRecord> out = new ArrayList<>(batch.size());
        for (RawRecord raw : batch) {
            out.add(RawRecords.toSourceRecord(raw, topic));
        }
        return out;
    }

    @Override
    public void commitRecord(SourceRecord record, RecordMetadata metadata) {
        IngestSource source = sourceOf(record);
        if (source == null) {
            return;
        }
        if (metadata != null) {
            source.acknowledged(record.sourceOffset());
        } else {
            source.dropped(record.sourceOffset());
        }
    }

    @Override
    public void commit() {
        for (IngestSource source : sources.values()) {
            try {
                source.offsetsCommitted(context.offsetStorageReader());
            } catch (RuntimeException e) {
                log.warn("Reading committed offsets for {} failed; trying again at the next commit: {}", source.name(),
                        e.toString());
            }
        }
    }

    private IngestSource sourceOf(SourceRecord record) {
        Object name = record.sourcePartition() == null ? null : record.sourcePartition().get("source");
        return name == null ? null : sources.get(name.toString());
    }

    @Override
    public void stop() {
        long budget = config == null ? 4_000 : config.getLong(TlsRptSourceConfig.SHUTDOWN_TIMEOUT_MS);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(budget);
        for (IngestSource source : sources.values()) {
            long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            try {
                source.stop(Duration.ofMillis(left));
            } catch (RuntimeException e) {
                log.warn("Stopping source {} failed: {}", source.name(), e.toString());
            }
        }
        if (queue != null) {
            List<RawRecord> unsent = queue.close();
            if (!unsent.isEmpty()) {
                log.info("{} queued records were not handed to Connect; their sources keep them for the next start",
                        unsent.size());
            }
        }
        if (metrics != null) {
            metrics.close();
        }
        if (ownMetrics != null) {
            ownMetrics.close();
        }
        log.info("TLS-RPT source task stopped");
    }
}
