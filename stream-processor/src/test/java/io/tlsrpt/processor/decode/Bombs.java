package io.tlsrpt.processor.decode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Compression bombs built in memory without ever producing their expanded content: one MiB of a fill
 * byte is deflated once with a full flush, which makes its compressed form independent of what came
 * before, and that block is repeated. The CRC-32 of the whole expansion is computed with zlib's
 * crc32_combine, so the archives are valid: gunzip would really write 10 GiB.
 */
final class Bombs {

    static final int CHUNK = 1 << 20;
    static final long TEN_GIB_CHUNKS = 10L * 1024;

    private Bombs() {
    }

    /** A raw deflate stream expanding to {@code prefix} followed by {@code chunks} MiB of {@code fill}. */
    record Deflated(byte[] data, long expandedSize, long crc32) {
    }

    static Deflated deflate(byte[] prefix, byte fill, long chunks) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        try {
            byte[] head = compress(deflater, prefix, Deflater.FULL_FLUSH);
            byte[] block = new byte[CHUNK];
            Arrays.fill(block, fill);
            byte[] repeated = compress(deflater, block, Deflater.FULL_FLUSH);
            byte[] again = compress(deflater, block, Deflater.FULL_FLUSH);
            if (!Arrays.equals(repeated, again)) {
                throw new IllegalStateException("a fully flushed block should compress the same every time");
            }
            deflater.finish();
            byte[] tail = compress(deflater, new byte[0], Deflater.NO_FLUSH);

            ByteArrayOutputStream out = new ByteArrayOutputStream(head.length + (int) (repeated.length * chunks) + 64);
            out.writeBytes(head);
            for (long i = 0; i < chunks; i++) {
                out.writeBytes(repeated);
            }
            out.writeBytes(tail);

            CRC32 crc = new CRC32();
            crc.update(prefix);
            long prefixCrc = crc.getValue();
            crc.reset();
            crc.update(block);
            long blockCrc = crc.getValue();
            long fillCrc = repeatCrc(blockCrc, CHUNK, chunks);
            long total = chunks == 0 ? prefixCrc : combine(prefixCrc, fillCrc, chunks * CHUNK);
            return new Deflated(out.toByteArray(), prefix.length + chunks * CHUNK, total);
        } finally {
            deflater.end();
        }
    }

    /** A gzip file expanding to {@code chunks} MiB of zeros (10 GiB: about 10 MB compressed). */
    static byte[] gzipOfZeros(long chunks) {
        return gzip(deflate(new byte[0], (byte) 0, chunks));
    }

    /** A gzip file expanding to "{" and {@code chunks} MiB of spaces: JSON that never ends. */
    static byte[] gzipOfOpenJson(long chunks) {
        return gzip(deflate("{".getBytes(StandardCharsets.US_ASCII), (byte) ' ', chunks));
    }

    static byte[] gzip(Deflated deflated) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(deflated.data().length + 18);
        out.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 2, (byte) 0xff});
        out.writeBytes(deflated.data());
        writeLe32(out, deflated.crc32());
        writeLe32(out, deflated.expandedSize());  // ISIZE is the size modulo 2^32
        return out.toByteArray();
    }

    /** A zip with one entry "report.json" holding {@code chunks} MiB of zeros, ZIP64 sizes, streamed layout. */
    static byte[] zipOfZeros(long chunks) {
        Deflated deflated = deflate(new byte[0], (byte) 0, chunks);
        byte[] name = "report.json".getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream out = new ByteArrayOutputStream(deflated.data().length + 256);
        // local file header: data descriptor follows (bit 3), sizes in the ZIP64 extra field
        writeLe32(out, 0x04034b50L);
        writeLe16(out, 45);
        writeLe16(out, 1 << 3);
        writeLe16(out, 8);
        writeLe32(out, 0);  // time and date
        writeLe32(out, 0);  // crc: in the descriptor
        writeLe32(out, 0xffffffffL);
        writeLe32(out, 0xffffffffL);
        writeLe16(out, name.length);
        writeLe16(out, 20);
        out.writeBytes(name);
        writeLe16(out, 1);
        writeLe16(out, 16);
        writeLe64(out, 0);
        writeLe64(out, 0);
        out.writeBytes(deflated.data());
        // data descriptor: 8-byte sizes once they do not fit in 4 (what ZipInputStream expects)
        writeLe32(out, 0x08074b50L);
        writeLe32(out, deflated.crc32());
        if (deflated.expandedSize() > 0xffffffffL) {
            writeLe64(out, deflated.data().length);
            writeLe64(out, deflated.expandedSize());
        } else {
            writeLe32(out, deflated.data().length);
            writeLe32(out, deflated.expandedSize());
        }
        long centralStart = out.size();
        // central directory entry with ZIP64 sizes
        writeLe32(out, 0x02014b50L);
        writeLe16(out, 45);
        writeLe16(out, 45);
        writeLe16(out, 1 << 3);
        writeLe16(out, 8);
        writeLe32(out, 0);
        writeLe32(out, deflated.crc32());
        writeLe32(out, 0xffffffffL);
        writeLe32(out, 0xffffffffL);
        writeLe16(out, name.length);
        writeLe16(out, 20);
        writeLe16(out, 0);
        writeLe16(out, 0);
        writeLe16(out, 0);
        writeLe32(out, 0);
        writeLe32(out, 0);  // local header offset
        out.writeBytes(name);
        writeLe16(out, 1);
        writeLe16(out, 16);
        writeLe64(out, deflated.expandedSize());
        writeLe64(out, deflated.data().length);
        long centralSize = out.size() - centralStart;
        long zip64End = out.size();
        // ZIP64 end of central directory record and locator
        writeLe32(out, 0x06064b50L);
        writeLe64(out, 44);
        writeLe16(out, 45);
        writeLe16(out, 45);
        writeLe32(out, 0);
        writeLe32(out, 0);
        writeLe64(out, 1);
        writeLe64(out, 1);
        writeLe64(out, centralSize);
        writeLe64(out, centralStart);
        writeLe32(out, 0x07064b50L);
        writeLe32(out, 0);
        writeLe64(out, zip64End);
        writeLe32(out, 1);
        // end of central directory
        writeLe32(out, 0x06054b50L);
        writeLe16(out, 0);
        writeLe16(out, 0);
        writeLe16(out, 1);
        writeLe16(out, 1);
        writeLe32(out, centralSize);
        writeLe32(out, centralStart);
        writeLe16(out, 0);
        return out.toByteArray();
    }

    /** Deflates the input with a full flush (segment independent of history), or finishes the stream. */
    private static byte[] compress(Deflater deflater, byte[] input, int flush) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        if (deflater.finished() || (flush == Deflater.NO_FLUSH)) {
            // finishing: drain until the final block is written
            while (!deflater.finished()) {
                int n = deflater.deflate(buffer, 0, buffer.length, Deflater.NO_FLUSH);
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        }
        deflater.setInput(input);
        int n;
        do {
            n = deflater.deflate(buffer, 0, buffer.length, flush);
            out.write(buffer, 0, n);
        } while (n == buffer.length || !deflater.needsInput());
        return out.toByteArray();
    }

    /** crc32 of {@code count} copies of a block whose crc32 is {@code blockCrc}. */
    private static long repeatCrc(long blockCrc, long blockLength, long count) {
        long result = 0;
        long resultLength = 0;
        long power = blockCrc;
        long powerLength = blockLength;
        long n = count;
        while (n > 0) {
            if ((n & 1) != 0) {
                result = resultLength == 0 ? power : combine(result, power, powerLength);
                resultLength += powerLength;
            }
            n >>>= 1;
            if (n > 0) {
                power = combine(power, power, powerLength);
                powerLength *= 2;
            }
        }
        return result;
    }

    /** zlib's crc32_combine: the crc32 of A followed by B, from crc(A), crc(B) and len(B). */
    static long combine(long crc1, long crc2, long len2) {
        if (len2 <= 0) {
            return crc1;
        }
        long[] even = new long[32];
        long[] odd = new long[32];
        odd[0] = 0xedb88320L;
        long row = 1;
        for (int n = 1; n < 32; n++) {
            odd[n] = row;
            row <<= 1;
        }
        square(even, odd);
        square(odd, even);
        long crc = crc1;
        long len = len2;
        do {
            square(even, odd);
            if ((len & 1) != 0) {
                crc = times(even, crc);
            }
            len >>= 1;
            if (len == 0) {
                break;
            }
            square(odd, even);
            if ((len & 1) != 0) {
                crc = times(odd, crc);
            }
            len >>= 1;
        } while (len != 0);
        return (crc ^ crc2) & 0xffffffffL;
    }

    private static long times(long[] matrix, long vector) {
        long sum = 0;
        long vec = vector;
        int i = 0;
        while (vec != 0) {
            if ((vec & 1) != 0) {
                sum ^= matrix[i];
            }
            vec >>>= 1;
            i++;
        }
        return sum;
    }

    private static void square(long[] square, long[] matrix) {
        for (int n = 0; n < 32; n++) {
            square[n] = times(matrix, matrix[n]);
        }
    }

    private static void writeLe16(ByteArrayOutputStream out, int v) {
        out.write(v & 0xff);
        out.write((v >>> 8) & 0xff);
    }

    private static void writeLe32(ByteArrayOutputStream out, long v) {
        for (int i = 0; i < 4; i++) {
            out.write((int) (v >>> (8 * i)) & 0xff);
        }
    }

    private static void writeLe64(ByteArrayOutputStream out, long v) {
        for (int i = 0; i < 8; i++) {
            out.write((int) (v >>> (8 * i)) & 0xff);
        }
    }
}
