package io.tlsrpt.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tlsrpt.processor.detect.ReporterCadence;
import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class ReporterCadenceSerdeTest {

    private static final Serde<ReporterCadence> SERDE = ReporterCadenceSerde.serde();

    private static ReporterCadence roundTrip(ReporterCadence cadence) {
        return SERDE.deserializer().deserialize("t", SERDE.serializer().serialize("t", cadence));
    }

    @Test
    void everyFieldRoundTrips() {
        ReporterCadence plain = ReporterCadence.first(20_000).seen(20_002);
        assertThat(roundTrip(plain)).isEqualTo(plain);
        assertThat(roundTrip(plain.suspect())).isEqualTo(plain.suspect());
        assertThat(roundTrip(plain.suspect()).suspected()).isTrue();
        assertThat(roundTrip(plain.alertFired())).isEqualTo(plain.alertFired());
        assertThat(SERDE.serializer().serialize("t", plain)).hasSize(ReporterCadenceSerde.LENGTH);
        assertThat(SERDE.serializer().serialize("t", null)).isNull();
    }

    @Test
    void theFormatOfEarlierVersionsIsReadAsNotSuspected() {
        byte[] format1 = ByteBuffer.allocate(ReporterCadenceSerde.LENGTH_1).put(ReporterCadenceSerde.FORMAT_1)
                .putLong(20_002).putLong(0b101L).putLong(20_002).array();
        ReporterCadence read = SERDE.deserializer().deserialize("t", format1);
        assertThat(read).isEqualTo(new ReporterCadence(20_002, 0b101L, 20_002));
        assertThat(read.alerted()).isTrue();
        assertThat(read.suspected()).isFalse();
    }

    @Test
    void anythingElseIsRefused() {
        byte[] wrongFormat = SERDE.serializer().serialize("t", ReporterCadence.first(1));
        wrongFormat[0] = 9;
        assertThatThrownBy(() -> SERDE.deserializer().deserialize("t", wrongFormat))
                .isInstanceOf(SerializationException.class).hasMessageContaining("format 1 or 2");
        assertThatThrownBy(() -> SERDE.deserializer().deserialize("t", new byte[] {2, 0, 0}))
                .isInstanceOf(SerializationException.class);
    }
}
