package io.tlsrpt.connect;

import org.apache.kafka.connect.storage.OffsetStorageReader;

import java.time.Duration;
import java.util.Map;

/**
 * One way reports come in (HTTPS, IMAP, spool). A source reads on its own threads and hands records to the task's
 * {@link RecordQueue}; it learns that a record is safely in Kafka either from {@code commitRecord} (per record, with
 * producer metadata) or, in exactly-once mode where Connect does not call commitRecord, from the committed offsets.
 */
public interface IngestSource {

    /** Name used in the record's tlsrpt.source header and the partition's "source" key. */
    String name();

    /** Binds ports, opens connections, starts threads. */
    void start() throws Exception;

    /** Kafka acknowledged the record with this source offset. */
    void acknowledged(Map<String, ?> sourceOffset);

    /** Connect dropped the record (a transformation filtered it, or a tolerated producer error). */
    void dropped(Map<String, ?> sourceOffset);

    /** Connect committed offsets: whatever is at or below the stored offset is in Kafka. */
    void offsetsCommitted(OffsetStorageReader reader);

    /** Stops within the budget; records not yet acknowledged stay where a restart finds them again. */
    void stop(Duration budget);
}
