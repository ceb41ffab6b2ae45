package io.tlsrpt.processor.decode;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongSupplier;

/**
 * The output side of a decompressor: every byte read counts against the input's decompression budget
 * and, past the ratio floor, against the allowed ratio of bytes produced to compressed bytes consumed
 * (per gzip member or zip entry). A bomb therefore
 * stops after at most the budget (or, much sooner, after the floor) with bounded memory, because
 * nothing is ever inflated into a buffer first.
 */
final class LimitedInputStream extends FilterInputStream {

    private final LongSupplier compressed;
    private final DecodeContext context;
    private final boolean closeUnderlying;
    private long produced;

    LimitedInputStream(InputStream decompressed, LongSupplier compressed, DecodeContext context,
                       boolean closeUnderlying) {
        super(decompressed);
        this.compressed = compressed;
        this.context = context;
        this.closeUnderlying = closeUnderlying;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            account(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // skip through read so that skipped bytes are accounted for as well
        byte[] sink = new byte[(int) Math.min(8192, Math.max(0, n))];
        long left = n;
        while (left > 0) {
            int r = read(sink, 0, (int) Math.min(sink.length, left));
            if (r < 0) {
                break;
            }
            left -= r;
        }
        return n - left;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public void close() throws IOException {
        if (closeUnderlying) {
            super.close();
        }
    }

    private void account(int n) throws DecodeFailure {
        produced += n;
        context.addDecompressed(n);
        DecoderLimits limits = context.limits();
        if (produced > limits.ratioFloorBytes()
            && produced / Math.max(1, compressed.getAsLong()) > limits.maxCompressionRatio()) {
            throw new DecodeFailure(RejectReason.DECOMPRESSION_LIMIT, "compression ratio above "
                + limits.maxCompressionRatio() + ":1 (" + produced + " bytes from " + compressed.getAsLong()
                + "; " + DecoderLimits.MAX_COMPRESSION_RATIO + ")");
        }
    }
}
