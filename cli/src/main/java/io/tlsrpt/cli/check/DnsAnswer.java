package io.tlsrpt.cli.check;

import java.util.List;
import org.xbill.DNS.Record;

/**
 * The outcome of one DNS query, keeping apart "the name has no such record" (NXDOMAIN, NODATA) from "the
 * question went unanswered" (server failure, timeout, network error).
 *
 * @param outcome what happened
 * @param records the records of the queried type from the answer section (empty unless {@link Outcome#ANSWER})
 * @param authenticated the AD bit of the response: the resolver says it validated the answer with DNSSEC
 * @param detail a human-readable description of failures (rcode name, exception message)
 */
public record DnsAnswer(Outcome outcome, List<Record> records, boolean authenticated, String detail) {

    /** What a query came back with. */
    public enum Outcome {
        ANSWER, NXDOMAIN, NODATA, SERVER_FAILURE, TIMEOUT, NETWORK_ERROR,
        /** The name cannot be asked for (e.g. longer than 255 octets with the prefix added). */
        BAD_NAME;

        /** True when the name was answered for: records found or a definite "none". */
        public boolean answered() {
            return this == ANSWER || this == NXDOMAIN || this == NODATA;
        }
    }

    public DnsAnswer {
        records = List.copyOf(records);
    }
}
