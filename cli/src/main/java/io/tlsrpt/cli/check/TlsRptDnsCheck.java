package io.tlsrpt.cli.check;

import java.util.List;

/**
 * The TLS-RPT posture of a domain as seen in DNS.
 *
 * @param name the queried name, {@code _smtp._tls.<domain>}
 * @param status valid, invalid, missing, multiple (no TLS-RPT) or dns-error (the question went unanswered)
 * @param records every TXT record at the name
 * @param rua the report URIs when valid
 */
public record TlsRptDnsCheck(String name, Status status, List<TxtRecords> records, List<String> rua,
                             List<Finding> errors, List<Finding> warnings) {

    /** The verdicts; {@link #json()} is the value in the JSON output. */
    public enum Status {
        VALID("valid"), INVALID("invalid"), MISSING("missing"), MULTIPLE("multiple"), DNS_ERROR("dns-error");

        private final String json;

        Status(String json) {
            this.json = json;
        }

        public String json() {
            return json;
        }
    }

    public TlsRptDnsCheck {
        records = List.copyOf(records);
        rua = List.copyOf(rua);
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
    }
}
