package io.tlsrpt.connect;

import org.apache.kafka.connect.storage.OffsetStorageReader;

/**
 * What every source gets from the task.
 *
 * @param config  the validated connector configuration
 * @param queue   the bounded hand-over queue to poll()
 * @param metrics the task's metrics
 * @param offsets committed offsets, read at start to resume
 */
public record SourceContext(TlsRptSourceConfig config, RecordQueue queue, IngestMetrics metrics,
                            OffsetStorageReader offsets) {
}
