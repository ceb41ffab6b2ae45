package io.tlsrpt.processor.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 10 GiB bombs (gzip and zip, about 10 MB each) must be rejected as {@code decompression-limit}
 * within a second and within a small heap: this class runs in its own failsafe execution with
 * -Xmx256m (see the stream-processor pom), so buffering the expansion would fail it.
 */
class GzipBombIT {

    private static final long TEN_GIB = 10L * 1024 * 1024 * 1024;
    private static final ReportDecoder DECODER = new ReportDecoder();

    @BeforeAll
    static void warmUp() {
        // class loading and JIT of the first decode are not what the time limit is about
        assertThat(DECODER.decode(Fixtures.gzip(Fixtures.baseReport()), DecodeHints.none()))
            .isInstanceOf(DecodeResult.Decoded.class);
    }

    @Test
    void runsWithASmallHeap() {
        assertThat(Runtime.getRuntime().maxMemory()).isLessThanOrEqualTo(300L * 1024 * 1024);
    }

    @Test
    void theBombBuilderMakesValidArchives() throws IOException {
        // the same construction at 3 MiB, fully expanded by the JDK: sizes and CRC check out
        assertThat(drain(new GZIPInputStream(new ByteArrayInputStream(Bombs.gzipOfZeros(3))))).isEqualTo(3L << 20);
        assertThat(drain(new GZIPInputStream(new ByteArrayInputStream(Bombs.gzipOfOpenJson(3))))).isEqualTo((3L << 20) + 1);
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(Bombs.zipOfZeros(3)))) {
            assertThat(zip.getNextEntry().getName()).isEqualTo("report.json");
            assertThat(drain(zip)).isEqualTo(3L << 20);
        }
        assertThat(Bombs.deflate(new byte[0], (byte) 0, Bombs.TEN_GIB_CHUNKS).expandedSize()).isEqualTo(TEN_GIB);
    }

    @Test
    void tenGibGzipOfZeros() {
        DECODER.decode(Bombs.gzipOfZeros(64), DecodeHints.none());  // warm up this path
        byte[] bomb = Bombs.gzipOfZeros(Bombs.TEN_GIB_CHUNKS);
        assertRejectedQuickly("gzip of 10 GiB zeros", DECODER, bomb, 1000);
    }

    @Test
    void tenGibGzipOfJsonWhitespaceWithoutTheRatioCheck() {
        // with the ratio check out of the way the absolute cap (64 MiB) must still stop it
        ReportDecoder noRatio = new ReportDecoder(DecoderLimits.fromMap(
            Map.of(DecoderLimits.MAX_COMPRESSION_RATIO, "1000000000")));
        noRatio.decode(Bombs.gzipOfOpenJson(128), DecodeHints.none());  // warm up this path
        byte[] bomb = Bombs.gzipOfOpenJson(Bombs.TEN_GIB_CHUNKS);
        // 64 MiB are really inflated and scanned by the JSON parser here: more work than the other bombs
        // (about 0.3 s on an idle 2-core machine; the bound leaves room for a busy one)
        DecodeResult.Rejected rejected = assertRejectedQuickly("gzip of '{' + 10 GiB spaces, ratio check off", noRatio,
            bomb, 5000);
        assertThat(rejected.message()).contains(DecoderLimits.MAX_DECOMPRESSED_BYTES);
    }

    @Test
    void tenGibZipOfZeros() {
        DECODER.decode(Bombs.zipOfZeros(64), DecodeHints.none());  // warm up this path
        byte[] bomb = Bombs.zipOfZeros(Bombs.TEN_GIB_CHUNKS);
        assertRejectedQuickly("zip of 10 GiB zeros", DECODER, bomb, 1000);
    }

    @Test
    void fiveGibGzipAttachedToAMail() {
        DECODER.decode(Fixtures.mail().humanText().part("application/tlsrpt+gzip", "r.json.gz", "base64",
            Bombs.gzipOfZeros(64)).bytes(), DecodeHints.none());  // warm up this path
        byte[] mail = Fixtures.mail().humanText()
            .part("application/tlsrpt+gzip", "r.json.gz", "base64", Bombs.gzipOfZeros(Bombs.TEN_GIB_CHUNKS / 2)).bytes();
        // includes reading a 7 MB mail (MIME reader, base64) before the attachment is reached
        assertRejectedQuickly("mail with a 5 GiB gzip attachment", DECODER, mail, 3000);
    }

    private static DecodeResult.Rejected assertRejectedQuickly(String what, ReportDecoder decoder, byte[] bomb,
                                                               long maxMillis) {
        long heapBefore = usedHeap();
        long start = System.nanoTime();
        DecodeResult result = decoder.decode(bomb, DecodeHints.none());
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        long heapAfter = usedHeap();
        System.out.printf("%s: %d compressed bytes, %s in %d ms, heap used %d MiB -> %d MiB (max %d MiB)%n", what,
            bomb.length, result instanceof DecodeResult.Rejected r ? r.reason().code() + " (" + r.message() + ")" : result,
            elapsedMillis, heapBefore >> 20, heapAfter >> 20, Runtime.getRuntime().maxMemory() >> 20);
        assertThat(result).isInstanceOf(DecodeResult.Rejected.class);
        DecodeResult.Rejected rejected = (DecodeResult.Rejected) result;
        assertThat(rejected.reason()).isEqualTo(RejectReason.DECOMPRESSION_LIMIT);
        assertThat(elapsedMillis).as("milliseconds to reject " + what).isLessThan(maxMillis);
        return rejected;
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private static long drain(InputStream in) throws IOException {
        byte[] buffer = new byte[65536];
        long total = 0;
        for (int n; (n = in.read(buffer)) > 0; ) {
            total += n;
        }
        return total;
    }
}
