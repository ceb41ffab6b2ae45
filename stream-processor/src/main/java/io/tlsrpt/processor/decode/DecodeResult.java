package io.tlsrpt.processor.decode;

import io.tlsrpt.schema.TlsReport;
import java.util.List;
import java.util.Objects;

/** The outcome of {@link ReportDecoder#decode}: one or more reports, or a typed rejection. */
public sealed interface DecodeResult permits DecodeResult.Decoded, DecodeResult.Rejected {

    /** One or more normalised reports (a mail or a zip may carry several). Never empty. */
    record Decoded(List<TlsReport> reports) implements DecodeResult {
        public Decoded {
            reports = List.copyOf(Objects.requireNonNull(reports, "reports"));
        }
    }

    /** Why the input is not a report: a stable code and a human message that carries the cause. */
    record Rejected(RejectReason reason, String message) implements DecodeResult {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
            message = message == null ? reason.code() : message;
        }
    }
}
