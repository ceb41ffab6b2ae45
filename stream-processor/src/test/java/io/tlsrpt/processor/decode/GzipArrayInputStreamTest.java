package io.tlsrpt.processor.decode;

import static io.tlsrpt.processor.decode.Fixtures.concat;
import static io.tlsrpt.processor.decode.Fixtures.gzip;
import static io.tlsrpt.processor.decode.Fixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The in-memory gzip reader gives what {@code GZIPInputStream} over the same bytes gives - the same bytes, or an
 * exception of the same class with the same message (the rejection reason depends on both) - and the decoder's
 * reused Inflater decodes correctly after a failure, a bomb or a gzip inside a gzip.
 */
class GzipArrayInputStreamTest {

    private static final byte[] REPORT = Fixtures.baseReport();
    private static final InflaterPool POOL = new InflaterPool();

    /** Bytes read to the end, or the exception as "Class: message". */
    private static String outcome(InputStreamFactory factory, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = factory.open(data)) {
            byte[] buf = new byte[97];  // an odd size: reads end in the middle of inflater output
            int n;
            while ((n = in.read(buf, 0, buf.length)) >= 0) {
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
        return "bytes " + Arrays.toString(out.toByteArray());
    }

    private interface InputStreamFactory {
        InputStream open(byte[] data) throws IOException;
    }

    private static String jdk(byte[] data) {
        // the decoder's buffer before this change; inputs below stay under it, as the JDK's end-of-member rule assumes
        return outcome(d -> new GZIPInputStream(new ByteArrayInputStream(d), 4096), data);
    }

    private static String ours(byte[] data) {
        return outcome(d -> new GzipArrayInputStream(d, 0, d.length, POOL), data);
    }

    @Test
    void readsWhatTheJdkReads() {
        byte[] member = gzip(REPORT);
        byte[] second = gzip(utf8("{\"second\":true}"));
        byte[][] cases = {member, concat(member, second), concat(member, new byte[5]), concat(member, new byte[40]),
            concat(member, utf8("trailing garbage that is no gzip header at all")), gzip(new byte[0]),
            withHeaderFields(REPORT, true), withHeaderFields(REPORT, false), concat(member, withHeaderFields(REPORT, true)),
            concat(member, Arrays.copyOf(second, 25)), new byte[] {0x1f, (byte) 0x8b, 7, 0, 0, 0, 0, 0, 0, 0},
            new byte[] {0x1f, (byte) 0x8b}, new byte[] {'x', 'y', 'z'}, new byte[0]};
        for (byte[] data : cases) {
            assertThat(ours(data)).as(Arrays.toString(Arrays.copyOf(data, Math.min(12, data.length))))
                .isEqualTo(jdk(data));
        }
    }

    @Test
    void aCorruptHeaderCrcOrTrailerIsReportedAsTheJdkDoes() {
        byte[] flagged = withHeaderFields(REPORT, true);
        byte[] badHeaderCrc = flagged.clone();
        int fhcrc = headerLength() - 2;
        badHeaderCrc[fhcrc] ^= 1;
        byte[] badCrc = gzip(REPORT);
        badCrc[badCrc.length - 6] ^= 0x55;
        byte[] badSize = gzip(REPORT);
        badSize[badSize.length - 2] ^= 0x01;
        for (byte[] data : new byte[][] {badHeaderCrc, badCrc, badSize}) {
            assertThat(ours(data)).startsWith("java.util.zip.ZipException").isEqualTo(jdk(data));
        }
    }

    @Test
    void everyTruncationEndsAsTheJdkSays() {
        byte[] data = concat(withHeaderFields(REPORT, true), gzip(utf8("{\"b\":1}")));
        for (int length = 0; length <= data.length; length++) {
            byte[] cut = Arrays.copyOf(data, length);
            assertThat(ours(cut)).as("cut at " + length).isEqualTo(jdk(cut));
        }
    }

    @Property(seed = "8460", tries = 400)
    void damagedGzipEndsAsTheJdkSays(@ForAll("damaged") byte[] data) {
        assertThat(ours(data)).isEqualTo(jdk(data));
    }

    @Provide
    Arbitrary<byte[]> damaged() {
        Arbitrary<byte[]> seed = Arbitraries.of(gzip(REPORT), withHeaderFields(REPORT, true),
            concat(gzip(REPORT), gzip(utf8("[1,2,3]"))));
        return Combinators.combine(seed, Arbitraries.integers().between(1, 6), Arbitraries.longs())
            .as((bytes, flips, salt) -> {
                byte[] copy = bytes.clone();
                Random random = new Random(salt);
                for (int i = 0; i < flips; i++) {
                    copy[random.nextInt(copy.length)] ^= (byte) (1 << random.nextInt(8));
                }
                return copy;
            });
    }

    @Test
    void thePoolKeepsOneInflaterAndLendsItOnlyOnce() {
        InflaterPool pool = new InflaterPool();
        Inflater first = pool.borrow();
        Inflater second = pool.borrow();  // the first is lent out: a gzip inside a gzip, or another thread
        assertThat(second).isNotSameAs(first);
        pool.giveBack(second);
        pool.giveBack(first);  // one is kept already: this one is ended
        assertThatThrownBy(first::getBytesRead).isInstanceOf(NullPointerException.class);
        Inflater again = pool.borrow();
        assertThat(again).isSameAs(second);
        assertThat(again.getBytesRead()).isZero();  // given back reset
        pool.giveBack(again);
    }

    @Test
    void anInflaterGivenBackInTheMiddleOfAMemberIsResetForTheNext() throws IOException {
        InflaterPool pool = new InflaterPool();
        byte[] member = gzip(REPORT);
        try (InputStream in = new GzipArrayInputStream(member, 0, member.length, pool)) {
            assertThat(in.read(new byte[10], 0, 10)).isEqualTo(10);  // closed half read, as after a limit
        }
        assertThat(outcome(d -> new GzipArrayInputStream(d, 0, d.length, pool), member))
            .isEqualTo(jdk(member));
    }

    @Test
    void theReusedInflaterDecodesCorrectlyAfterCorruptDataAndABomb() {
        byte[] good = gzip(REPORT);
        byte[] corrupt = good.clone();
        corrupt[good.length / 2] ^= (byte) 0xff;
        ReportDecoder decoder = new ReportDecoder(DecoderLimits.fromMap(Map.of(DecoderLimits.MAX_DECOMPRESSED_BYTES, "1000000")));
        String expected = render(decoder.decode(good, DecodeHints.none()));
        assertThat(decoder.decode(corrupt, DecodeHints.none())).isInstanceOf(DecodeResult.Rejected.class);
        assertThat(render(decoder.decode(good, DecodeHints.none()))).isEqualTo(expected);
        DecodeResult bomb = decoder.decode(Bombs.gzipOfZeros(4), DecodeHints.none());
        assertThat(((DecodeResult.Rejected) bomb).reason()).isEqualTo(RejectReason.DECOMPRESSION_LIMIT);
        byte[] inMail = Fixtures.mail().part("application/tlsrpt+gzip", "r.json.gz", "base64", good).bytes();
        assertThat(decoder.decode(inMail, DecodeHints.none())).isInstanceOf(DecodeResult.Decoded.class);
        assertThat(render(decoder.decode(good, DecodeHints.none()))).isEqualTo(expected);
        // a gzip inside a gzip: the inner one streams through the JDK reader while the outer holds the kept Inflater
        assertThat(decoder.decode(gzip(good), DecodeHints.none())).isInstanceOf(DecodeResult.Decoded.class);
        assertThat(render(decoder.decode(good, DecodeHints.none()))).isEqualTo(expected);
    }

    private static String render(DecodeResult result) {
        assertThat(result).isInstanceOf(DecodeResult.Decoded.class);
        return ((DecodeResult.Decoded) result).reports().toString();
    }

    /** A gzip member whose header carries FEXTRA, FNAME, FCOMMENT and (optionally) FHCRC. */
    private static byte[] withHeaderFields(byte[] content, boolean headerCrc) {
        byte[] plain = gzip(content);
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, (byte) (4 | 8 | 16 | (headerCrc ? 2 : 0)), 1, 2, 3, 4, 0, 3});
        header.writeBytes(new byte[] {3, 0, 'a', 'b', 'c'});
        header.writeBytes(utf8("report.json\0"));
        header.writeBytes(utf8("a comment\0"));
        if (headerCrc) {
            CRC32 crc = new CRC32();
            crc.update(header.toByteArray());
            int value = (int) crc.getValue();
            header.writeBytes(new byte[] {(byte) value, (byte) (value >> 8)});
        }
        return concat(header.toByteArray(), Arrays.copyOfRange(plain, 10, plain.length));
    }

    /** The header length of {@link #withHeaderFields} with its header CRC. */
    private static int headerLength() {
        return 10 + 5 + "report.json\0".length() + "a comment\0".length() + 2;
    }
}
