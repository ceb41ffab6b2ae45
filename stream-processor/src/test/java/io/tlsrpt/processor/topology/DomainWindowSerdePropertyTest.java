package io.tlsrpt.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.Size;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Any window survives the binary round trip and gives the same bytes again; whatever a damaged value's bytes,
 * reading it returns a window or throws a {@link SerializationException}, nothing else.
 */
class DomainWindowSerdePropertyTest {

    private static final String TOPIC = "app-domain-window-store-changelog";
    private static final Serde<DomainWindow> SERDE = DomainWindowSerde.serde();
    private static final Serializer<DomainWindow> WRITER = SERDE.serializer();
    private static final Deserializer<DomainWindow> READER = SERDE.deserializer();

    @Property(seed = "8460")
    void anyWindowSurvivesARoundTripAndGivesTheSameBytesAgain(@ForAll("windows") DomainWindow window) {
        byte[] bytes = WRITER.serialize(TOPIC, window);
        DomainWindow read = READER.deserialize(TOPIC, bytes);

        assertThat(read).isEqualTo(window);
        assertThat(WRITER.serialize(TOPIC, read)).isEqualTo(bytes);
    }

    @Property(seed = "8460")
    void damagedValuesAreReadOrRejectedButNeverThrowAnythingElse(@ForAll("damaged") byte[] bytes) {
        readOrReject(bytes);
    }

    @Property(seed = "8460")
    void arbitraryBytesAfterTheFormatByteAreReadOrRejected(@ForAll @Size(max = 512) byte[] rest,
                                                           @ForAll("formats") byte format) {
        byte[] bytes = DomainWindowSerdeTest.concat(new byte[] {format}, rest);
        readOrReject(bytes);
    }

    @Provide
    Arbitrary<Byte> formats() {
        return Arbitraries.of(DomainWindowSerde.FORMAT_1, DomainWindowSerde.FORMAT_2, DomainWindowSerde.FORMAT_3,
                DomainWindowSerde.FORMAT_4);
    }

    private static void readOrReject(byte[] bytes) {
        try {
            DomainWindow read = READER.deserialize(TOPIC, bytes);
            // whatever it read is a window that writes and reads back as itself
            assertThat(READER.deserialize(TOPIC, WRITER.serialize(TOPIC, read))).isEqualTo(read);
            Statistics.collect("read");
        } catch (SerializationException expected) {
            assertThat(expected).hasMessageStartingWith("cannot read DomainWindow from " + TOPIC);
            Statistics.collect("rejected");
        }
    }

    @Provide
    Arbitrary<DomainWindow> windows() {
        // any chars, surrogates and all; short ASCII ones so that sets and maps see equal and ordered keys too
        Arbitrary<String> strings = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(20),
                Arbitraries.strings().withCharRange('a', 'e').ofMaxLength(3));
        Arbitrary<Long> longs = Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.longs().between(0, 1000));
        Arbitrary<TypeCounts> counts = Combinators.combine(longs, strings.set().ofMaxSize(8),
                Arbitraries.maps(strings, longs).ofMaxSize(8), Arbitraries.maps(strings, longs).ofMaxSize(8),
                Arbitraries.maps(strings, longs).ofMaxSize(8))
                .as(TypeCounts::new);
        return Combinators.combine(longs, longs, strings.set().ofMaxSize(8),
                Arbitraries.maps(strings, counts).ofMaxSize(5), Arbitraries.maps(strings, longs).ofMaxSize(8),
                Arbitraries.of(true, false),
                // failed sessions: not counted (an earlier version's window), or any count
                Arbitraries.longs().between(0, Long.MAX_VALUE).injectNull(0.2))
                .as(DomainWindow::new);
    }

    @Provide
    Arbitrary<byte[]> damaged() {
        Arbitrary<byte[]> valid = windows().map(w -> WRITER.serialize(TOPIC, w));
        Arbitrary<byte[]> flipped = Combinators.combine(valid, Arbitraries.integers().between(1, 8),
                Arbitraries.longs()).as((bytes, flips, salt) -> {
                    byte[] copy = bytes.clone();
                    Random random = new Random(salt);
                    for (int i = 0; i < flips; i++) {
                        // behind the format byte (a value is at least five bytes)
                        copy[1 + random.nextInt(copy.length - 1)] ^= (byte) (1 << random.nextInt(8));
                    }
                    return copy;
                });
        Arbitrary<byte[]> overwritten = Combinators.combine(valid, Arbitraries.doubles().between(0, 1),
                Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(12)).as((bytes, at, noise) -> {
                    byte[] copy = bytes.clone();
                    int from = Math.min(copy.length - 1, 1 + (int) ((copy.length - 1) * at));
                    System.arraycopy(noise, 0, copy, from, Math.min(noise.length, copy.length - from));
                    return copy;
                });
        Arbitrary<byte[]> spliced = Combinators.combine(valid, valid, Arbitraries.doubles().between(0, 1),
                Arbitraries.doubles().between(0, 1)).as((a, b, x, y) -> DomainWindowSerdeTest.concat(
                Arrays.copyOf(a, (int) (a.length * x)), Arrays.copyOfRange(b, (int) (b.length * y), b.length)));
        return Arbitraries.oneOf(flipped, overwritten, spliced);
    }
}
