package io.tlsrpt.processor.topology;

import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Compact binary serde of {@link DomainWindow} for the window store, its changelog and the by-other-domain
 * repartition topic: these values are read on every aggregate update and seven times per failing result type by
 * the detector, and Jackson's reading of them was ~6 % of the stream thread.
 *
 * <p>Format 4, after the format byte {@code 0x04} (zlong: zig-zag varint; count: varint; string: see
 * {@link CompactBytesWriter#writeString}):
 * <pre>
 * window  = reports:zlong totalSessions:zlong reporters:strings failureCount:count (resultType:string type)*
 *           sessionsByReporter:counted flags:varint failedSessions:zlong    (-1: not counted)
 * type    = failed:zlong reporters:strings sendingIps:counted receivingMx:counted failedByReporter:counted
 * strings = count string*            ascending, distinct (a TreeSet's order)
 * counted = count (string zlong)*    keys ascending, distinct (a TreeMap's order)
 * flags   = bit 0: enforcementCounted; the other bits 0
 * </pre>
 * Format 3 ({@code 0x03}) is format 4 without the failed sessions, format 2 ({@code 0x02}) format 3 without the
 * flags, format 1 ({@code 0x01}) format 2 without the counts by reporter; all are still read (as windows without what
 * they lack).
 * Sorted order makes equal windows equal bytes; the reader insists on it, so a damaged value cannot pass as
 * a window with duplicate keys. Values written by the JSON serde before (first byte '{') are still read, so
 * stores, changelogs and in-flight repartition records of an older version need no reset; only binary is written.
 */
public final class DomainWindowSerde {

    static final byte FORMAT_1 = 0x01;
    static final byte FORMAT_2 = 0x02;
    static final byte FORMAT_3 = 0x03;
    static final byte FORMAT_4 = 0x04;
    private static final long NOT_COUNTED = -1;
    private static final int FLAG_ENFORCEMENT_COUNTED = 0x01;
    private static final byte JSON_OBJECT = '{';

    /** Fewest bytes of an entry: a string is at least its header, a result type at least its five fields. */
    private static final int MIN_STRING = 1;
    private static final int MIN_COUNTED = 2;
    private static final int MIN_TYPE = 5;

    private DomainWindowSerde() {
    }

    public static Serde<DomainWindow> serde() {
        return Serdes.serdeFrom((topic, window) -> window == null ? null : write(window),
                new DomainWindowDeserializer());
    }

    static byte[] write(DomainWindow window) {
        CompactBytesWriter out = new CompactBytesWriter(256);
        out.writeByte(FORMAT_4);
        out.writeSigned(window.reports());
        out.writeSigned(window.totalSessions());
        writeStrings(out, window.reporters());
        out.writeUnsigned(window.failures().size());
        for (Map.Entry<String, TypeCounts> e : window.failures().entrySet()) {
            TypeCounts counts = e.getValue();
            if (counts == null) {
                throw new SerializationException("cannot write DomainWindow: no counts for result type " + e.getKey());
            }
            out.writeString(e.getKey());
            out.writeSigned(counts.failed());
            writeStrings(out, counts.reporters());
            writeCounted(out, counts.sendingIps(), "sendingIps");
            writeCounted(out, counts.receivingMx(), "receivingMx");
            writeCounted(out, counts.failedByReporter(), "failedByReporter");
        }
        writeCounted(out, window.sessionsByReporter(), "sessionsByReporter");
        out.writeUnsigned(window.enforcementCounted() ? FLAG_ENFORCEMENT_COUNTED : 0);
        out.writeSigned(window.failedSessions() == null ? NOT_COUNTED : window.failedSessions());
        return out.toByteArray();
    }

    static DomainWindow read(String topic, byte[] bytes, Deserializer<DomainWindow> json) {
        if (bytes.length == 0) {
            throw new SerializationException("cannot read DomainWindow from " + topic + ": empty value");
        }
        if (bytes[0] == JSON_OBJECT) {
            return json.deserialize(topic, bytes);
        }
        byte format = bytes[0];
        if (format < FORMAT_1 || format > FORMAT_4) {
            throw new SerializationException(String.format("cannot read DomainWindow from %s: unknown format byte "
                    + "0x%02x (neither binary format 1 to 4 nor a JSON object)", topic, format & 0xFF));
        }
        boolean byReporter = format != FORMAT_1;
        CompactBytesReader in = new CompactBytesReader(bytes, 1, "DomainWindow", topic);
        long reports = in.readSigned("reports");
        long totalSessions = in.readSigned("totalSessions");
        Set<String> reporters = readStrings(in, "reporters");
        int types = in.readCount("failures", MIN_TYPE);
        String[] resultTypes = new String[types];
        TypeCounts[] counts = new TypeCounts[types];
        for (int i = 0; i < types; i++) {
            resultTypes[i] = in.readString("failures");
            requireAscending(in, "failures", resultTypes, i);
            long failed = in.readSigned("failed");
            Set<String> typeReporters = readStrings(in, "reporters of a result type");
            Map<String, Long> ips = readCounted(in, "sendingIps");
            Map<String, Long> mx = readCounted(in, "receivingMx");
            Map<String, Long> failedByReporter = byReporter ? readCounted(in, "failedByReporter") : null;
            counts[i] = new TypeCounts(failed, typeReporters, ips, mx, failedByReporter);
        }
        Map<String, Long> sessionsByReporter = byReporter ? readCounted(in, "sessionsByReporter") : null;
        boolean enforcementCounted = false;
        if (format >= FORMAT_3) {
            long flags = in.readUnsigned("flags");
            if ((flags & ~FLAG_ENFORCEMENT_COUNTED) != 0) {
                throw in.corrupt("flags", "unknown flags 0x" + Long.toHexString(flags));
            }
            enforcementCounted = flags == FLAG_ENFORCEMENT_COUNTED;
        }
        Long failedSessions = null;
        if (format == FORMAT_4) {
            long failed = in.readSigned("failedSessions");
            if (failed < NOT_COUNTED) {
                throw in.corrupt("failedSessions", "negative count " + failed);
            }
            failedSessions = failed == NOT_COUNTED ? null : failed;
        }
        in.expectEnd();
        // the records keep these read-only sorted views as they are (SortedViews)
        return new DomainWindow(reports, totalSessions, reporters, new SortedArrayMap<>(resultTypes, counts),
                sessionsByReporter, enforcementCounted, failedSessions);
    }

    private static void writeStrings(CompactBytesWriter out, Set<String> values) {
        out.writeUnsigned(values.size());
        values.forEach(out::writeString);
    }

    private static void writeCounted(CompactBytesWriter out, Map<String, Long> counts, String field) {
        out.writeUnsigned(counts.size());
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            if (e.getValue() == null) {
                throw new SerializationException("cannot write DomainWindow: no count for " + e.getKey() + " in "
                        + field);
            }
            out.writeString(e.getKey());
            out.writeSigned(e.getValue());
        }
    }

    private static Set<String> readStrings(CompactBytesReader in, String field) {
        int n = in.readCount(field, MIN_STRING);
        String[] values = new String[n];
        for (int i = 0; i < n; i++) {
            values[i] = in.readString(field);
            requireAscending(in, field, values, i);
        }
        return new SortedArraySet(values);
    }

    private static Map<String, Long> readCounted(CompactBytesReader in, String field) {
        int n = in.readCount(field, MIN_COUNTED);
        String[] keys = new String[n];
        Long[] counts = new Long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = in.readString(field);
            requireAscending(in, field, keys, i);
            counts[i] = in.readSigned(field);
        }
        return new SortedArrayMap<>(keys, counts);
    }

    /** Sorted and distinct, so that the views above are what they claim and a damaged value cannot repeat a key. */
    private static void requireAscending(CompactBytesReader in, String field, String[] keys, int i) {
        if (i > 0 && keys[i - 1].compareTo(keys[i]) >= 0) {
            throw in.corrupt(field, "entries not in ascending order or repeated");
        }
    }
}
