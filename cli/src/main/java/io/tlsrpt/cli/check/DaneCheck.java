package io.tlsrpt.cli.check;

import java.util.List;

/**
 * The DANE posture of a domain's MX hosts (RFC 7672).
 *
 * @param status authenticated (TLSA records the resolver vouched for with DNSSEC), unauthenticated (TLSA records
 *               without the AD bit), none (no TLSA records, or no such domain), no-mail (null MX), dns-error
 * @param mxAuthenticated whether the MX answer itself carried the AD bit (DANE needs a signed MX RRset too)
 * @param hosts one entry per MX host
 * @param meaning what this means for the reports the domain will receive
 */
public record DaneCheck(String status, boolean mxAuthenticated, List<Host> hosts, List<Finding> errors,
                        List<Finding> warnings, String meaning) {

    /** The TLSA records at {@code _25._tcp.<host>}. */
    public record Host(String host, String tlsaName, String outcome, List<String> tlsa, boolean authenticated) {
        public Host {
            tlsa = List.copyOf(tlsa);
        }
    }

    public DaneCheck {
        hosts = List.copyOf(hosts);
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
    }
}
