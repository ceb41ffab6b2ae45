package io.tlsrpt.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

class DedupEntryTest {

    private final Serde<DedupEntry> serde = DedupEntry.serde();

    private static byte[] fingerprint(int fill) {
        byte[] fp = new byte[ReportFingerprint.LENGTH];
        Arrays.fill(fp, (byte) fill);
        return fp;
    }

    @Test
    void anEntryRoundTripsWithItsFingerprint() {
        DedupEntry entry = new DedupEntry(1_785_000_000_123L, fingerprint(7));
        byte[] bytes = serde.serializer().serialize("changelog", entry);

        assertThat(bytes).hasSize(Long.BYTES + ReportFingerprint.LENGTH);
        assertThat(serde.deserializer().deserialize("changelog", bytes)).isEqualTo(entry);
    }

    @Test
    void theTimeAloneOfAnEarlierVersionReadsAsAnEntryWithoutFingerprint() {
        byte[] earlier = Serdes.Long().serializer().serialize("changelog", 1_785_000_000_123L);

        DedupEntry entry = serde.deserializer().deserialize("changelog", earlier);
        assertThat(entry).isEqualTo(new DedupEntry(1_785_000_000_123L, null));
        // and an entry without fingerprint is written as the earlier version wrote it
        assertThat(serde.serializer().serialize("changelog", entry)).isEqualTo(earlier);
    }

    @Test
    void onlyTwoKnownFingerprintsCanDiffer() {
        DedupEntry known = new DedupEntry(1L, fingerprint(1));
        DedupEntry earlier = new DedupEntry(1L, null);

        assertThat(known.differsFrom(fingerprint(2))).isTrue();
        assertThat(known.differsFrom(fingerprint(1))).isFalse();
        assertThat(known.differsFrom(null)).as("a record of an earlier version").isFalse();
        assertThat(earlier.differsFrom(fingerprint(2))).as("an entry of an earlier version").isFalse();
    }

    @Test
    void bytesOfAnotherLengthAreRefused() {
        assertThat(serde.deserializer().deserialize("changelog", null)).isNull();
        assertThatThrownBy(() -> serde.deserializer().deserialize("changelog", new byte[12]))
                .isInstanceOf(SerializationException.class).hasMessageContaining("not 12");
        assertThatThrownBy(() -> new DedupEntry(1L, new byte[5])).isInstanceOf(IllegalArgumentException.class);
    }
}
