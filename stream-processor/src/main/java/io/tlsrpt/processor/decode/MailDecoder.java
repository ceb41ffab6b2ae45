package io.tlsrpt.processor.decode;

import io.tlsrpt.schema.MailHeaders;
import java.io.IOException;
import java.util.EnumSet;
import java.util.List;

/** Finds the report parts of an RFC 5322 mail (first version: mails are not decoded yet). */
final class MailDecoder {

    /** One report found in a mail, with the mail's headers and what the mail itself deviated in. */
    record MailReport(DraftReport draft, EnumSet<Deviation> deviations, MailHeaders headers) {
    }

    private final PayloadDecoder payloads;

    MailDecoder(PayloadDecoder payloads) {
        this.payloads = payloads;
    }

    List<MailReport> decode(byte[] raw, DecodeContext context) throws IOException {
        throw new DecodeFailure(RejectReason.NO_REPORT_FOUND, "mail decoding is not implemented yet");
    }
}
