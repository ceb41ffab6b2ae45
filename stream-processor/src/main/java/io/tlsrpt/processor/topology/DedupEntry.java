package io.tlsrpt.processor.topology;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * What the dedup store remembers of a report: when its first copy arrived, and its {@link ReportFingerprint}.
 * Stored as the 8-byte big-endian time followed by the 32-byte fingerprint. The versions before the fingerprint
 * stored the time alone (Kafka's long serde), which still reads, as an entry without fingerprint: any copy with its
 * key is then a duplicate, as it was for them.
 *
 * @param firstSeen   the first copy's record timestamp (epoch milliseconds), which the retention sweep compares
 * @param fingerprint the first copy's fingerprint, or null when it was stored by an earlier version
 */
record DedupEntry(long firstSeen, byte[] fingerprint) {

    private static final int TIME = Long.BYTES;

    DedupEntry {
        if (fingerprint != null && fingerprint.length != ReportFingerprint.LENGTH) {
            throw new IllegalArgumentException("a fingerprint has " + ReportFingerprint.LENGTH + " bytes, not "
                    + fingerprint.length);
        }
    }

    /** True when {@code other} is known to say something else than this entry's report. */
    boolean differsFrom(byte[] other) {
        return fingerprint != null && other != null && !Arrays.equals(fingerprint, other);
    }

    static Serde<DedupEntry> serde() {
        return Serdes.serdeFrom(new EntrySerializer(), new EntryDeserializer());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DedupEntry e && e.firstSeen == firstSeen && Arrays.equals(e.fingerprint, fingerprint);
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(firstSeen) + Arrays.hashCode(fingerprint);
    }

    @Override
    public String toString() {
        return "DedupEntry[firstSeen=" + firstSeen + ", fingerprint=" + (fingerprint == null ? "none"
                : java.util.HexFormat.of().formatHex(fingerprint)) + "]";
    }

    private static final class EntrySerializer implements Serializer<DedupEntry> {
        @Override
        public byte[] serialize(String topic, DedupEntry entry) {
            if (entry == null) {
                return null;
            }
            byte[] fp = entry.fingerprint();
            ByteBuffer out = ByteBuffer.allocate(TIME + (fp == null ? 0 : fp.length)).putLong(entry.firstSeen());
            if (fp != null) {
                out.put(fp);
            }
            return out.array();
        }
    }

    private static final class EntryDeserializer implements Deserializer<DedupEntry> {
        @Override
        public DedupEntry deserialize(String topic, byte[] data) {
            if (data == null) {
                return null;
            }
            if (data.length == TIME) {
                return new DedupEntry(ByteBuffer.wrap(data).getLong(), null);
            }
            if (data.length == TIME + ReportFingerprint.LENGTH) {
                ByteBuffer in = ByteBuffer.wrap(data);
                long firstSeen = in.getLong();
                byte[] fp = new byte[ReportFingerprint.LENGTH];
                in.get(fp);
                return new DedupEntry(firstSeen, fp);
            }
            throw new SerializationException("a dedup entry has " + TIME + " or " + (TIME + ReportFingerprint.LENGTH)
                    + " bytes, not " + data.length);
        }
    }
}
