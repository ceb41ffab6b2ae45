package io.tlsrpt.cli.check;

import java.util.List;

/**
 * The verdict on one TLS-RPT record text.
 *
 * @param record the text checked (multi-string TXT values already concatenated)
 * @param valid true when the text matches RFC 8460 section 3 and names at least one usable report URI
 * @param rua the report URIs, in record order (empty unless valid: an invalid record sends reports nowhere)
 * @param errors what makes the record unusable, each with how to write it right
 * @param warnings what works but should be changed
 */
public record TlsRptRecordCheck(String record, boolean valid, List<String> rua, List<Finding> errors,
                                List<Finding> warnings) {

    public TlsRptRecordCheck {
        rua = List.copyOf(rua);
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
    }
}
