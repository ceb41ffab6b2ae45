package io.tlsrpt.processor.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DecoderLimitsTest {

    @Test
    void defaultsAreAboveRealReportsAndBelowHarm() {
        DecoderLimits limits = DecoderLimits.defaults();
        assertThat(limits.maxInputBytes()).isEqualTo(16L << 20);
        assertThat(limits.maxDecompressedBytes()).isEqualTo(64L << 20);
        assertThat(limits.maxCompressionRatio()).isEqualTo(1000);
        assertThat(limits.maxJsonDepth()).isEqualTo(64);
        assertThat(limits.maxJsonArrayLength()).isEqualTo(100_000);
        assertThat(limits.maxMimeParts()).isEqualTo(100);
        assertThat(limits.maxArchiveDepth()).isEqualTo(2);
        assertThat(DecoderLimits.fromMap(Map.of())).isEqualTo(limits);
        assertThat(DecoderLimits.keys()).hasSize(12).containsEntry(DecoderLimits.MAX_INPUT_BYTES, "16777216");
    }

    @Test
    void readsDocumentedKeysWithUnitsAndIgnoresOtherSettings() {
        DecoderLimits limits = DecoderLimits.fromMap(Map.of(DecoderLimits.MAX_INPUT_BYTES, "32m",
            DecoderLimits.MAX_DECOMPRESSED_BYTES, "1g", DecoderLimits.MAX_JSON_DEPTH, "10",
            "bootstrap.servers", "localhost:9092"));
        assertThat(limits.maxInputBytes()).isEqualTo(32L << 20);
        assertThat(limits.maxDecompressedBytes()).isEqualTo(1L << 30);
        assertThat(limits.maxJsonDepth()).isEqualTo(10);
    }

    @Test
    void environmentOverridesConfiguration() {
        assertThat(DecoderLimits.environmentVariable(DecoderLimits.MAX_MIME_PARTS)).isEqualTo("TLSRPT_DECODER_MAX_MIME_PARTS");
        DecoderLimits limits = DecoderLimits.fromConfigAndEnvironment(Map.of(DecoderLimits.MAX_MIME_PARTS, "50"),
            Map.of("TLSRPT_DECODER_MAX_MIME_PARTS", "7"));
        assertThat(limits.maxMimeParts()).isEqualTo(7);
    }

    @Test
    void rejectsBadValuesAndUnknownKeys() {
        assertThatThrownBy(() -> DecoderLimits.fromMap(Map.of(DecoderLimits.MAX_INPUT_BYTES, "-1")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(DecoderLimits.MAX_INPUT_BYTES);
        assertThatThrownBy(() -> DecoderLimits.fromMap(Map.of(DecoderLimits.MAX_JSON_DEPTH, "lots")))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DecoderLimits.fromMap(Map.of(DecoderLimits.MAX_JSON_DEPTH, "8g")))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DecoderLimits.fromMap(Map.of("decoder.max.input.byte", "1")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown decoder limit");
    }
}
