package io.tlsrpt.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tlsrpt.processor.detect.PolicyEnforcement;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;

class DomainWindowSerdeTest {

    private static final String TOPIC = "app-by-other-domain-repartition";
    private static final Serde<DomainWindow> SERDE = DomainWindowSerde.serde();
    private static final Serializer<DomainWindow> BINARY = SERDE.serializer();
    private static final Deserializer<DomainWindow> READER = SERDE.deserializer();

    /** A day of a domain with two failing result types, as the aggregate stores it. */
    static DomainWindow typical() {
        TypeCounts expired = new TypeCounts(412, Set.of("Google LLC", "Microsoft Corporation"),
                Map.of("203.0.113.5", 300L, "203.0.113.9", 100L, "2001:db8::25", 12L),
                Map.of("mx1.example.com", 400L, "mx2.example.com", 12L),
                Map.of("Google LLC", 400L, "Microsoft Corporation", 12L));
        TypeCounts starttls = new TypeCounts(7, Set.of("mail.example.net"), Map.of("198.51.100.7", 7L),
                Map.of("mx1.example.com", 7L), Map.of("mail.example.net", 7L));
        return new DomainWindow(23, 15_320, Set.of("Google LLC", "Microsoft Corporation", "mail.example.net"),
                Map.of("certificate-expired", expired, "starttls-not-supported", starttls),
                Map.of("Google LLC", 12_000L, "Microsoft Corporation", 3_000L, "mail.example.net", 320L));
    }

    /** A window at every cap: as many reporters, IPs and MX hosts as merging keeps, on several result types. */
    static DomainWindow capped() {
        DomainWindow window = DomainWindow.empty();
        String[] types = {"certificate-expired", "certificate-host-mismatch", "starttls-not-supported",
            "validation-failure", "sts-policy-fetch-error"};
        for (int i = 0; i < Caps.MAX_REPORTERS + 20; i++) {
            String reporter = "reporter-" + i + ".example.org";
            Map<String, TypeCounts> failures = new TreeMap<>();
            for (String type : types) {
                failures.put(type, new TypeCounts(1_000_000L + i, Set.of(reporter),
                        Map.of("10.0." + (i / 250) + "." + (i % 250), (long) i + 1),
                        Map.of("mx" + i + ".receiver.example", 3L), Map.of(reporter, 1_000_000L + i)));
            }
            window = window.merge(new DomainWindow(1, 5_000_000_000L, Set.of(reporter), failures,
                    Map.of(reporter, 5_000_000_000L + i)));
        }
        return window;
    }

    @Test
    void emptyTypicalAndCappedWindowsSurviveARoundTrip() {
        DomainWindow capped = capped();
        assertThat(capped.reporters()).hasSize(Caps.MAX_REPORTERS);
        assertThat(capped.sessionsByReporter()).hasSize(Caps.MAX_REPORTERS)
                .as("the largest are kept").containsKey("reporter-219.example.org");
        assertThat(capped.failures().values()).allSatisfy(c -> {
            assertThat(c.sendingIps()).hasSize(Caps.MAX_COUNTED_VALUES);
            assertThat(c.receivingMx()).hasSize(Caps.MAX_COUNTED_VALUES);
            assertThat(c.failedByReporter()).hasSize(Caps.MAX_REPORTERS);
        });
        for (DomainWindow window : List.of(DomainWindow.empty(), typical(), capped)) {
            byte[] bytes = BINARY.serialize(TOPIC, window);
            assertThat(bytes[0]).isEqualTo(DomainWindowSerde.FORMAT_4);
            assertThat(READER.deserialize(TOPIC, bytes)).isEqualTo(window);
        }
    }

    @Test
    void theBinaryFormIsSmallerThanTheJson() {
        Serializer<DomainWindow> json = JsonSerde.of(DomainWindow.class).serializer();
        for (DomainWindow window : List.of(typical(), capped())) {
            assertThat(BINARY.serialize(TOPIC, window).length)
                    .isLessThan(json.serialize(TOPIC, window).length);
        }
    }

    @Test
    void equalWindowsGiveEqualBytes() {
        DomainWindow a = typical();
        // the same content built from unordered and reverse-ordered collections
        Map<String, TypeCounts> failures = new HashMap<>();
        a.failures().forEach((type, c) -> failures.put(type, new TypeCounts(c.failed(),
                new LinkedHashSet<>(c.reporters().stream().sorted(java.util.Comparator.reverseOrder()).toList()),
                new HashMap<>(c.sendingIps()), new HashMap<>(c.receivingMx()), new HashMap<>(c.failedByReporter()))));
        DomainWindow b = new DomainWindow(a.reports(), a.totalSessions(), new LinkedHashSet<>(
                a.reporters().stream().sorted(java.util.Comparator.reverseOrder()).toList()), failures,
                new HashMap<>(a.sessionsByReporter()));

        assertThat(b).isEqualTo(a);
        assertThat(BINARY.serialize(TOPIC, b)).isEqualTo(BINARY.serialize(TOPIC, a));
        assertThat(BINARY.serialize(TOPIC, capped())).isEqualTo(BINARY.serialize(TOPIC, capped()));
    }

    @Test
    void nullIsNullBothWays() {
        assertThat(BINARY.serialize(TOPIC, null)).isNull();
        assertThat(READER.deserialize(TOPIC, null)).isNull();
    }

    @Test
    void stringsBeyondAsciiIncludingUnpairedSurrogatesSurviveARoundTrip() {
        Set<String> reporters = Set.of("Société Générale", "例え.jp", "mail \uD83D\uDCE7 example", "lone \uD800 high",
                "lone \uDC00 low", "ends high \uD83D", "ascii.example");
        DomainWindow window = new DomainWindow(-1, Long.MIN_VALUE, reporters, Map.of("ñ-type",
                new TypeCounts(Long.MAX_VALUE, reporters, Map.of("\uD800", -5L, "\uD801", 6L), Map.of("", 0L))));

        DomainWindow read = READER.deserialize(TOPIC, BINARY.serialize(TOPIC, window));

        assertThat(read).isEqualTo(window);
        assertThat(read.failures().get("ñ-type").sendingIps()).containsOnlyKeys("\uD800", "\uD801");
    }

    @Test
    void readsTheJsonWrittenByTheEarlierVersion() {
        // as JsonSerde wrote DomainWindow before the binary format: the window stores, changelogs and repartition
        // records of a deployment of that version hold this, and must be read without an application reset (as
        // windows without counts by reporter, which that version did not keep)
        String json = "{\"reports\":23,\"totalSessions\":15320,\"reporters\":[\"Google LLC\",\"Microsoft Corporation\","
                + "\"mail.example.net\"],\"failures\":{\"certificate-expired\":{\"failed\":412,\"reporters\":"
                + "[\"Google LLC\",\"Microsoft Corporation\"],\"sendingIps\":{\"2001:db8::25\":12,\"203.0.113.5\":300,"
                + "\"203.0.113.9\":100},\"receivingMx\":{\"mx1.example.com\":400,\"mx2.example.com\":12}},"
                + "\"starttls-not-supported\":{\"failed\":7,\"reporters\":[\"mail.example.net\"],\"sendingIps\":"
                + "{\"198.51.100.7\":7},\"receivingMx\":{\"mx1.example.com\":7}}}}";
        DomainWindow typical = typical();
        DomainWindow withoutCounts = new DomainWindow(typical.reports(), typical.totalSessions(), typical.reporters(),
                new TreeMap<>(Map.of(
                        "certificate-expired", strip(typical.failures().get("certificate-expired")),
                        "starttls-not-supported", strip(typical.failures().get("starttls-not-supported")))));

        assertThat(READER.deserialize(TOPIC, json.getBytes(StandardCharsets.UTF_8))).isEqualTo(withoutCounts);
        // the JSON form of this version's windows (with the counts by reporter) reads back as well
        Serializer<DomainWindow> jsonSerializer = JsonSerde.of(DomainWindow.class).serializer();
        for (DomainWindow window : List.of(DomainWindow.empty(), typical, capped())) {
            assertThat(READER.deserialize(TOPIC, jsonSerializer.serialize(TOPIC, window))).isEqualTo(window);
        }
    }

    @Test
    void toolsCanNameTheDeserializerToPrintWindows() throws ClassNotFoundException {
        // what kafka-console-consumer does with --formatter-property value.deserializer=<class>, then toString()
        Deserializer<?> byName = org.apache.kafka.common.utils.Utils.newInstance(
                "io.tlsrpt.processor.topology.DomainWindowDeserializer", Deserializer.class);
        Object read = byName.deserialize(TOPIC, BINARY.serialize(TOPIC, typical()));
        assertThat(read).isEqualTo(typical());
        assertThat(read.toString()).startsWith("DomainWindow[reports=23, totalSessions=15320, reporters=[Google LLC")
                .contains("certificate-expired=TypeCounts[failed=412");
        assertThat(byName.deserialize(TOPIC, JsonSerde.of(DomainWindow.class).serializer().serialize(TOPIC,
                typical()))).isEqualTo(typical());
    }

    @Test
    void brokenJsonIsASerializationException() {
        assertThatThrownBy(() -> READER.deserialize(TOPIC, "{\"reports\":".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("cannot read DomainWindow");
    }

    @Test
    void everyTruncationOfABinaryValueIsRejected() {
        for (DomainWindow window : List.of(DomainWindow.empty(), typical())) {
            byte[] bytes = BINARY.serialize(TOPIC, window);
            for (int length = 0; length < bytes.length; length++) {
                assertTruncationRejected(bytes, length);
            }
        }
        // the capped window is ~50 KB: every cut near both ends and inside the first entries, a sample in between
        byte[] capped = BINARY.serialize(TOPIC, capped());
        for (int length = 0; length < capped.length; length++) {
            if (length < 1024 || capped.length - length < 1024 || length % 97 == 0) {
                assertTruncationRejected(capped, length);
            }
        }
    }

    private static void assertTruncationRejected(byte[] bytes, int length) {
        byte[] truncated = Arrays.copyOf(bytes, length);
        try {
            DomainWindow read = READER.deserialize(TOPIC, truncated);
            throw new AssertionError("the first " + length + " of " + bytes.length + " bytes read as " + read);
        } catch (SerializationException expected) {
            if (!expected.getMessage().startsWith("cannot read DomainWindow from " + TOPIC + ": ")) {
                throw new AssertionError("unexpected message for the first " + length + " bytes", expected);
            }
        }
    }

    @Test
    void trailingBytesAreRejected() {
        byte[] bytes = BINARY.serialize(TOPIC, typical());
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        assertThatThrownBy(() -> READER.deserialize(TOPIC, longer)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("1 unread bytes after the value");
    }

    /** Whether the window counted the sessions under no enforced policy survives, both ways; format 2 did not. */
    @Test
    void theEnforcementCountedFlagRoundTripsAndFormatTwoReadsWithoutIt() {
        DomainWindow without = typical();
        DomainWindow with = new DomainWindow(without.reports(), without.totalSessions(), without.reporters(),
                without.failures(), without.sessionsByReporter(), true);
        assertThat(DomainWindow.empty().enforcementCounted()).isTrue();
        assertThat(without.enforcementCounted()).isFalse();
        for (DomainWindow window : List.of(without, with)) {
            assertThat(READER.deserialize(TOPIC, BINARY.serialize(TOPIC, window))).isEqualTo(window);
        }
        assertThat(with.merge(without).enforcementCounted()).as("a window partly counted is not counted").isFalse();
        assertThat(with.merge(with).enforcementCounted()).isTrue();

        // format 4 ends with the flags and the failed sessions (not counted here: zig-zag -1, one byte)
        byte[] four = BINARY.serialize(TOPIC, with);
        assertThat(four[four.length - 2]).isEqualTo((byte) 1);
        byte[] three = Arrays.copyOf(four, four.length - 1);
        three[0] = DomainWindowSerde.FORMAT_3;
        assertThat(READER.deserialize(TOPIC, three)).isEqualTo(with);
        byte[] two = Arrays.copyOf(four, four.length - 2);
        two[0] = DomainWindowSerde.FORMAT_2;
        assertThat(READER.deserialize(TOPIC, two)).isEqualTo(without);

        byte[] unknownFlag = four.clone();
        unknownFlag[unknownFlag.length - 2] = 0x02;
        assertThatThrownBy(() -> READER.deserialize(TOPIC, unknownFlag)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("unknown flags 0x2");
        assertThat(with.counts(PolicyEnforcement.NOT_ENFORCED)).isTrue();
        assertThat(without.counts(PolicyEnforcement.NOT_ENFORCED)).isFalse();
        assertThat(without.counts("certificate-expired")).isTrue();
    }

    /** The failed sessions by the reports' summaries survive; a window an earlier version began has none. */
    @Test
    void theFailedSessionsRoundTripAndFormatThreeReadsWithoutThem() {
        DomainWindow typical = typical();
        DomainWindow counted = new DomainWindow(typical.reports(), typical.totalSessions(), typical.reporters(),
                typical.failures(), typical.sessionsByReporter(), true, 4321L);
        byte[] four = BINARY.serialize(TOPIC, counted);
        assertThat(READER.deserialize(TOPIC, four)).isEqualTo(counted);
        assertThat(READER.deserialize(TOPIC, BINARY.serialize(TOPIC, DomainWindow.empty())).failedSessions())
                .isZero();

        DomainWindow uncounted = new DomainWindow(typical.reports(), typical.totalSessions(), typical.reporters(),
                typical.failures(), typical.sessionsByReporter(), true);
        assertThat(uncounted.failedSessions()).isNull();
        assertThat(READER.deserialize(TOPIC, BINARY.serialize(TOPIC, uncounted))).isEqualTo(uncounted);
        byte[] three = Arrays.copyOf(BINARY.serialize(TOPIC, uncounted), four.length - 2);
        three[0] = DomainWindowSerde.FORMAT_3;
        assertThat(READER.deserialize(TOPIC, three)).isEqualTo(uncounted);

        assertThat(counted.merge(counted).failedSessions()).isEqualTo(8642L);
        assertThat(counted.merge(uncounted).failedSessions()).as("a window partly counted is not counted").isNull();
        assertThat(uncounted.merge(counted).failedSessions()).isNull();

        // zig-zag -2: below "not counted"
        byte[] negative = Arrays.copyOf(BINARY.serialize(TOPIC, uncounted), four.length - 1);
        negative[negative.length - 1] = 3;
        assertThatThrownBy(() -> READER.deserialize(TOPIC, negative)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("negative count -2");
    }

    /** Windows written before the counts by reporter were kept: the same window, without them. */
    @Test
    void formatOneIsReadAsAWindowWithoutCountsByReporter() {
        DomainWindow full = typical();
        // format 1 is format 2 without the two kinds of counted reporters: rebuild its bytes from the parts
        DomainWindow withoutCounts = new DomainWindow(full.reports(), full.totalSessions(), full.reporters(),
                new TreeMap<>(Map.of(
                        "certificate-expired", strip(full.failures().get("certificate-expired")),
                        "starttls-not-supported", strip(full.failures().get("starttls-not-supported")))));
        byte[] format1 = formatOne(withoutCounts);
        DomainWindow read = READER.deserialize(TOPIC, format1);
        assertThat(read).isEqualTo(withoutCounts);
        assertThat(read.sessionsByReporter()).isEmpty();
        assertThat(read.sessionsBy("Google LLC")).isZero();
        assertThat(read.failures().get("certificate-expired").failedBy("Google LLC")).isZero();
    }

    private static TypeCounts strip(TypeCounts c) {
        return new TypeCounts(c.failed(), c.reporters(), c.sendingIps(), c.receivingMx());
    }

    /** A window in format 1, as the version before wrote it (no counts by reporter). */
    private static byte[] formatOne(DomainWindow window) {
        CompactBytesWriter out = new CompactBytesWriter(256);
        out.writeByte(DomainWindowSerde.FORMAT_1);
        out.writeSigned(window.reports());
        out.writeSigned(window.totalSessions());
        out.writeUnsigned(window.reporters().size());
        window.reporters().forEach(out::writeString);
        out.writeUnsigned(window.failures().size());
        window.failures().forEach((type, c) -> {
            out.writeString(type);
            out.writeSigned(c.failed());
            out.writeUnsigned(c.reporters().size());
            c.reporters().forEach(out::writeString);
            for (Map<String, Long> counted : List.of(c.sendingIps(), c.receivingMx())) {
                out.writeUnsigned(counted.size());
                counted.forEach((k, v) -> {
                    out.writeString(k);
                    out.writeSigned(v);
                });
            }
        });
        return out.toByteArray();
    }

    @Test
    void anUnknownFormatByteIsRejected() {
        assertThatThrownBy(() -> READER.deserialize(TOPIC, new byte[] {0x05, 0, 0, 0, 0}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("unknown format byte 0x05");
        assertThatThrownBy(() -> READER.deserialize(TOPIC, new byte[] {0x00, 0, 0, 0, 0}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("unknown format byte 0x00");
        assertThatThrownBy(() -> READER.deserialize(TOPIC, new byte[0]))
                .isInstanceOf(SerializationException.class).hasMessageContaining("empty value");
    }

    @Test
    void repeatedOrUnorderedEntriesAreRejected() {
        // reports 0, total 0, two reporters "b", "a" (or "a", "a"), no failures
        byte[] unordered = {0x01, 0, 0, 2, 2, 'b', 2, 'a', 0};
        byte[] repeated = {0x01, 0, 0, 2, 2, 'a', 2, 'a', 0};
        for (byte[] bytes : List.of(unordered, repeated)) {
            assertThatThrownBy(() -> READER.deserialize(TOPIC, bytes)).isInstanceOf(SerializationException.class)
                    .hasMessageContaining("corrupt reporters").hasMessageContaining("not in ascending order");
        }
        assertThat(READER.deserialize(TOPIC, new byte[] {0x01, 0, 0, 2, 2, 'a', 2, 'b', 0}).reporters())
                .containsExactly("a", "b");
    }

    @Test
    void invalidUtf8AndMalformedVarintsAreRejected() {
        byte[] invalidUtf8 = {0x01, 0, 0, 1, 4, (byte) 0xC3, (byte) 0x28, 0};
        byte[] surrogateAsUtf8 = {0x01, 0, 0, 1, 6, (byte) 0xED, (byte) 0xA0, (byte) 0x80, 0};
        byte[] oddUtf16 = {0x01, 0, 0, 1, 3, 0, 0};
        byte[] redundantZero = {0x01, (byte) 0x80, 0, 0, 0, 0};
        byte[] over64Bits = {0x01, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
            (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x02, 0, 0, 0};
        assertThatThrownBy(() -> READER.deserialize(TOPIC, invalidUtf8)).hasMessageContaining("invalid UTF-8");
        assertThatThrownBy(() -> READER.deserialize(TOPIC, surrogateAsUtf8)).hasMessageContaining("invalid UTF-8");
        assertThatThrownBy(() -> READER.deserialize(TOPIC, oddUtf16)).hasMessageContaining("odd number of bytes");
        assertThatThrownBy(() -> READER.deserialize(TOPIC, redundantZero)).hasMessageContaining("redundant zero");
        assertThatThrownBy(() -> READER.deserialize(TOPIC, over64Bits)).hasMessageContaining("longer than 64 bits");
        for (byte[] bytes : List.of(invalidUtf8, surrogateAsUtf8, oddUtf16, redundantZero, over64Bits)) {
            assertThatThrownBy(() -> READER.deserialize(TOPIC, bytes)).isInstanceOf(SerializationException.class);
        }
    }

    @Test
    void hugeClaimedCountsAndLengthsAreRejectedWithoutAllocatingThem() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertThat(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled()).isTrue();
        byte[] maxVarint = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
            (byte) 0xFF, (byte) 0xFF, 0x01};
        byte[] intMax = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07};
        Map<String, byte[]> hostile = Map.of(
                "reporters", concat(new byte[] {0x01, 0, 0}, intMax, new byte[] {2, 'a'}),
                "reporters ", concat(new byte[] {0x01, 0, 0}, maxVarint, new byte[] {2, 'a'}),
                "failures", concat(new byte[] {0x01, 0, 0, 0}, intMax, new byte[10]),
                "string", concat(new byte[] {0x01, 0, 0, 1}, intMax, new byte[] {'a', 'b'}),
                "utf16 string", concat(new byte[] {0x01, 0, 0, 1}, maxVarint, new byte[] {0, 'a'}),
                "sendingIps", concat(new byte[] {0x01, 0, 0, 0, 1, 2, 't', 0, 0}, intMax, new byte[] {0, 0, 0}));
        READER.deserialize(TOPIC, BINARY.serialize(TOPIC, typical())); // load and link the paths first
        hostile.forEach((name, bytes) -> {
            long before = threads.getCurrentThreadAllocatedBytes();
            assertThatThrownBy(() -> READER.deserialize(TOPIC, bytes)).as(name)
                    .isInstanceOf(SerializationException.class).hasMessageMatching(".*(count|string of) \\d+.*");
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertThat(allocated).as("bytes allocated rejecting " + name).isLessThan(1 << 20);
        });
    }

    @Test
    void aCorruptValueInTheStoreIsReportedByTopicAndOffset() {
        byte[] valid = BINARY.serialize(TOPIC, typical());
        // format, reports (1 byte), totalSessions (3 bytes), then the reporters count (3): made 16383
        byte[] bytes = concat(Arrays.copyOf(valid, 5), new byte[] {(byte) 0xFF, 0x7F},
                Arrays.copyOfRange(valid, 6, valid.length));
        assertThatThrownBy(() -> READER.deserialize("app-domain-window-store-changelog", bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("cannot read DomainWindow from app-domain-window-store-changelog: "
                        + "corrupt reporters at byte 7 of " + bytes.length + ": count 16383 is more than");
    }

    static byte[] concat(byte[]... parts) {
        int n = Arrays.stream(parts).mapToInt(p -> p.length).sum();
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
