package io.tlsrpt.connect;

import io.tlsrpt.connect.dkim.DkimCheck;
import org.apache.kafka.connect.storage.OffsetStorageReader;

/**
 * What every source gets from the task.
 *
 * @param config  the validated connector configuration
 * @param queue   the bounded hand-over queue to poll()
 * @param metrics the task's metrics
 * @param offsets committed offsets, read at start to resume
 * @param dkim    the mail sources' DKIM verification ({@code dkim.verify})
 */
public record SourceContext(TlsRptSourceConfig config, RecordQueue queue, IngestMetrics metrics,
                            OffsetStorageReader offsets, DkimCheck dkim) {

    /** Without DKIM verification. */
    public SourceContext(TlsRptSourceConfig config, RecordQueue queue, IngestMetrics metrics,
                         OffsetStorageReader offsets) {
        this(config, queue, metrics, offsets, DkimCheck.OFF);
    }
}
