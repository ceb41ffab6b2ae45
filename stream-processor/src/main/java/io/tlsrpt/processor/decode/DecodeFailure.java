package io.tlsrpt.processor.decode;

import java.io.IOException;

/**
 * A rejection raised inside the decoder. An {@link IOException} so that it travels unchanged through
 * the stream and parser code (Jackson, java.util.zip) between where a limit is hit and
 * {@link ReportDecoder}, which turns it into {@link DecodeResult.Rejected}.
 */
final class DecodeFailure extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient RejectReason reason;

    DecodeFailure(RejectReason reason, String message) {
        super(message, null);
        this.reason = reason;
    }

    DecodeFailure(RejectReason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    RejectReason reason() {
        return reason;
    }

    /** Limits and budget exhaustion end the whole decode; other failures may skip one part of many. */
    boolean isFatal() {
        return switch (reason) {
            case TOO_LARGE, DECOMPRESSION_LIMIT, ARCHIVE_LIMIT, JSON_LIMIT, MIME_LIMIT -> true;
            default -> false;
        };
    }
}
