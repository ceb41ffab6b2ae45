package io.tlsrpt.processor.decode;

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
