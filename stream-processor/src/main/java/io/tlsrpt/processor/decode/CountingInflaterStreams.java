package io.tlsrpt.processor.decode;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongSupplier;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipInputStream;

/**
 * gzip and zip readers that tell how many compressed bytes their inflater has really consumed, so
 * that the compression-ratio check is exact rather than skewed by read-ahead buffers.
 */
final class CountingInflaterStreams {

    private CountingInflaterStreams() {
    }

    /** A gzip reader; {@link #getAsLong()} is the compressed bytes of the current member consumed so far. */
    static final class Gzip extends GZIPInputStream implements LongSupplier {
        Gzip(InputStream in, int size) throws IOException {
            super(in, size);
        }

        @Override
        public long getAsLong() {
            return inf.getBytesRead();
        }
    }

    /** A zip reader; {@link #getAsLong()} is the compressed bytes of the current entry consumed so far. */
    static final class Zip extends ZipInputStream implements LongSupplier {
        Zip(InputStream in) {
            super(in);
        }

        @Override
        public long getAsLong() {
            return inf.getBytesRead();
        }
    }
}
