package io.tlsrpt.bench;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import io.tlsrpt.processor.topology.DomainWindow;
import io.tlsrpt.processor.topology.DomainWindowSerde;
import io.tlsrpt.processor.topology.JsonSerde;
import io.tlsrpt.processor.topology.TypeCounts;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The window store's value serde: the binary {@link DomainWindowSerde} (subject) against the Jackson
 * {@link JsonSerde} it replaced (floor: the earlier implementation, not a lower bound) on the same {@link DomainWindow}.
 * One op = one window written or read. {@code TYPICAL_NEW_KEYS} cycles through windows whose IPs and MX hosts differ,
 * as the stream's do: Jackson's symbol table then keeps meeting new field names, which a single repeated window hides.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class WindowSerdeBenchmark {

    /** Which windows are written and read. */
    public enum WindowShape { TYPICAL, TYPICAL_NEW_KEYS, CAPPED }

    private static final String TOPIC = "tlsrpt-processor-domain-window-store-changelog";
    /** Windows of the new-keys shape, a power of two. */
    private static final int NEW_KEYS_WINDOWS = 4096;

    @Param({"TYPICAL", "TYPICAL_NEW_KEYS", "CAPPED"})
    public WindowShape window;

    private Serializer<DomainWindow> jsonWriter;
    private Deserializer<DomainWindow> jsonReader;
    private Serializer<DomainWindow> binaryWriter;
    private Deserializer<DomainWindow> binaryReader;
    private DomainWindow[] values;
    private byte[][] json;
    private byte[][] binary;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        Serde<DomainWindow> jsonSerde = JsonSerde.of(DomainWindow.class);
        Serde<DomainWindow> binarySerde = DomainWindowSerde.serde();
        jsonWriter = jsonSerde.serializer();
        jsonReader = jsonSerde.deserializer();
        binaryWriter = binarySerde.serializer();
        binaryReader = binarySerde.deserializer();
        int n = window == WindowShape.TYPICAL_NEW_KEYS ? NEW_KEYS_WINDOWS : 1;
        values = new DomainWindow[n];
        json = new byte[n][];
        binary = new byte[n][];
        for (int i = 0; i < n; i++) {
            values[i] = window == WindowShape.CAPPED ? capped() : typical(window == WindowShape.TYPICAL ? 0 : i);
            json[i] = jsonWriter.serialize(TOPIC, values[i]);
            binary[i] = binaryWriter.serialize(TOPIC, values[i]);
            if (!values[i].equals(jsonReader.deserialize(TOPIC, json[i]))
                    || !values[i].equals(binaryReader.deserialize(TOPIC, binary[i]))) {
                throw new IllegalStateException(window + " does not survive a round trip");
            }
        }
    }

    @Benchmark
    public byte[] binaryEncode() {
        return binaryWriter.serialize(TOPIC, values[advance()]);
    }

    @Benchmark
    public byte[] jsonEncode() {
        return jsonWriter.serialize(TOPIC, values[advance()]);
    }

    @Benchmark
    public DomainWindow binaryDecode() {
        return binaryReader.deserialize(TOPIC, binary[advance()]);
    }

    @Benchmark
    public DomainWindow jsonDecode() {
        return jsonReader.deserialize(TOPIC, json[advance()]);
    }

    /** Sizes of the first window: binary, JSON. */
    public int[] sizes() {
        return new int[] {binary[0].length, json[0].length};
    }

    private int advance() {
        int i = next;
        next = (i + 1) & (values.length - 1);
        return i;
    }

    /**
     * A day of a domain as the aggregate stores it: three reporters, two failing result types with a handful of
     * sending IPs and MX hosts; {@code variant} > 0 gives other IPs and hosts.
     */
    static DomainWindow typical(int variant) {
        String net = (variant >> 8) + "." + (variant & 0xFF);
        Map<String, TypeCounts> failures = new TreeMap<>();
        failures.put("certificate-expired", new TypeCounts(412, Set.of("Google LLC", "Microsoft Corporation"),
            Map.of("203." + net + ".5", 300L, "198." + net + ".9", 100L, "2001:db8:" + variant + "::25", 12L),
            Map.of("mx1-" + variant + ".example.com", 400L, "mx2-" + variant + ".example.com", 12L)));
        failures.put("starttls-not-supported", new TypeCounts(7, Set.of("mail.example.net"),
            Map.of("100." + net + ".7", 7L), Map.of("mx1-" + variant + ".example.com", 7L)));
        return new DomainWindow(23, 15_320, Set.of("Google LLC", "Microsoft Corporation", "mail.example.net"),
            failures);
    }

    /** At the stream processor's caps: 200 reporters, and 100 IPs and MX hosts on each of five result types. */
    static DomainWindow capped() {
        Set<String> reporters = new TreeSet<>();
        for (int r = 0; r < 200; r++) {
            reporters.add("reporter-" + r + ".example.org");
        }
        Map<String, TypeCounts> failures = new TreeMap<>();
        for (String type : new String[] {"certificate-expired", "certificate-host-mismatch", "starttls-not-supported",
            "validation-failure", "sts-policy-fetch-error"}) {
            Map<String, Long> ips = new TreeMap<>();
            Map<String, Long> mx = new TreeMap<>();
            for (int i = 0; i < 100; i++) {
                ips.put("10.0." + (i / 50) + "." + i, 1_000L + i);
                mx.put("mx" + i + ".receiver.example", 3L + i);
            }
            failures.put(type, new TypeCounts(1_000_000, reporters, ips, mx));
        }
        return new DomainWindow(220, 5_000_000_000L, reporters, failures);
    }
}
