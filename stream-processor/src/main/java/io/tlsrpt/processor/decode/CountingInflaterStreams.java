package io.tlsrpt.processor.decode;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongSupplier;
import java.util.zip.GZIPInputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * gzip and zip readers that tell how many compressed bytes their inflater has really consumed, so
 * that the compression-ratio check is exact rather than skewed by read-ahead buffers.
 */
final class CountingInflaterStreams {

    private CountingInflaterStreams() {
    }

    /**
     * A gzip reader; {@link #getAsLong()} is the compressed bytes consumed so far, over every member (counted as they
     * are read from the source, up to one buffer ahead of the inflater): the bytes produced are counted over every
     * member too, and a ratio of all the output to the current member's input would refuse a second member after a
     * large first one as a bomb.
     */
    static final class Gzip extends GZIPInputStream implements LongSupplier {
        private final Counted source;

        private Gzip(Counted source, int size) throws IOException {
            super(source, size);
            this.source = source;
        }

        static Gzip of(InputStream in, int size) throws IOException {
            return new Gzip(new Counted(in), size);
        }

        @Override
        public long getAsLong() {
            return source.count;
        }
    }

    /** The bytes read from a stream. */
    private static final class Counted extends FilterInputStream {
        private long count;

        Counted(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += Math.max(0, skipped);
            return skipped;
        }
    }

    /** A zip reader; {@link #getAsLong()} is the compressed bytes of the current entry consumed so far. */
    static final class Zip extends ZipInputStream implements LongSupplier {
        Zip(InputStream in) {
            // names only hint at a kind: legacy (non-UTF-8) names must not fail the entry
            super(in, StandardCharsets.ISO_8859_1);
        }

        /** The next entry; a name that is invalid even under its own UTF-8 flag is a corrupt archive. */
        ZipEntry nextEntry() throws IOException {
            try {
                return getNextEntry();
            } catch (IllegalArgumentException e) {
                throw new DecodeFailure(RejectReason.CORRUPT_ARCHIVE, "a zip entry header is corrupt: " + e.getMessage(), e);
            } catch (DecodeFailure | java.io.EOFException e) {
                throw e;
            } catch (IOException e) {
                throw new DecodeFailure(RejectReason.CORRUPT_ARCHIVE, "corrupt zip data: " + e, e);
            }
        }

        @Override
        public long getAsLong() {
            return inf.getBytesRead();
        }
    }
}
