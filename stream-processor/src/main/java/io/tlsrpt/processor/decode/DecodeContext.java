package io.tlsrpt.processor.decode;

/**
 * The mutable state of one {@link ReportDecoder#decode} call: budgets shared by every layer of one
 * input (all gzip/zip layers draw from one decompression budget, all MIME levels from one part count)
 * and the stage, which tells what a {@link StackOverflowError} meant. Never shared between threads.
 */
final class DecodeContext {

    /** Where the decoder is, for rejection messages and for classifying low-level errors. */
    enum Stage { SNIFF, MIME, DECOMPRESS, JSON, NORMALISE }

    private final DecoderLimits limits;
    private long decompressedBytes;
    private int mimeParts;
    private Stage stage = Stage.SNIFF;

    DecodeContext(DecoderLimits limits) {
        this.limits = limits;
    }

    DecoderLimits limits() {
        return limits;
    }

    Stage stage() {
        return stage;
    }

    void stage(Stage next) {
        this.stage = next;
    }

    /** Counts bytes that came out of a decompressor; throws once the input's budget is spent. */
    void addDecompressed(long bytes) throws DecodeFailure {
        decompressedBytes += bytes;
        if (decompressedBytes > limits.maxDecompressedBytes()) {
            throw new DecodeFailure(RejectReason.DECOMPRESSION_LIMIT,
                "decompressed data exceeds " + limits.maxDecompressedBytes() + " bytes ("
                    + DecoderLimits.MAX_DECOMPRESSED_BYTES + ")");
        }
    }

    long decompressedBytes() {
        return decompressedBytes;
    }

    /** Counts one MIME part; throws past {@link DecoderLimits#maxMimeParts()}. */
    void countMimePart() throws DecodeFailure {
        mimeParts++;
        if (mimeParts > limits.maxMimeParts()) {
            throw new DecodeFailure(RejectReason.MIME_LIMIT,
                "the mail has more than " + limits.maxMimeParts() + " MIME parts (" + DecoderLimits.MAX_MIME_PARTS + ")");
        }
    }

    void checkArrayLength(String field, int length) throws DecodeFailure {
        if (length > limits.maxJsonArrayLength()) {
            throw new DecodeFailure(RejectReason.JSON_LIMIT, field + " has " + length + " elements, more than "
                + limits.maxJsonArrayLength() + " (" + DecoderLimits.MAX_JSON_ARRAY_LENGTH + ")");
        }
    }
}
