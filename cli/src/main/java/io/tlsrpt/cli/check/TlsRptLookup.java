package io.tlsrpt.cli.check;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.xbill.DNS.Type;

/** Looks up {@code _smtp._tls.<domain>} and applies the record selection of RFC 8460 section 3. */
public final class TlsRptLookup {

    private final DnsClient dns;

    public TlsRptLookup(DnsClient dns) {
        this.dns = dns;
    }

    public TlsRptDnsCheck check(String domain) {
        String name = "_smtp._tls." + domain;
        DnsAnswer answer = dns.query(name, Type.TXT);
        Findings f = new Findings();
        switch (answer.outcome()) {
            case TIMEOUT -> {
                f.error("dns-timeout", "DNS timeout looking up " + name + " TXT: " + answer.detail() + ". This is a DNS "
                    + "failure, not a missing record; reporters that see it will not send reports. Retry, or check the "
                    + "resolver and the domain's name servers");
                return new TlsRptDnsCheck(name, TlsRptDnsCheck.Status.DNS_ERROR, List.of(), List.of(), f.errors(), f.warnings());
            }
            case SERVER_FAILURE, NETWORK_ERROR, BAD_NAME -> {
                f.error("dns-server-failure", "DNS failure looking up " + name + " TXT: " + answer.detail() + ". This "
                    + "is not the same as a missing record: the answer is unknown (SERVFAIL often means a DNSSEC "
                    + "validation failure or unreachable authoritative servers); reporters that see it will not send "
                    + "reports. Fix the DNS, then check again");
                return new TlsRptDnsCheck(name, TlsRptDnsCheck.Status.DNS_ERROR, List.of(), List.of(), f.errors(), f.warnings());
            }
            case NXDOMAIN, NODATA -> {
                f.error("missing", "no TXT record at " + name + " (" + (answer.outcome() == DnsAnswer.Outcome.NXDOMAIN
                    ? "the name does not exist" : "the name has no TXT record") + "): without it no reports are sent. "
                    + "Publish: " + name + ". IN TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@" + domain + "\"");
                return new TlsRptDnsCheck(name, TlsRptDnsCheck.Status.MISSING, List.of(), List.of(), f.errors(), f.warnings());
            }
            default -> {
                return select(name, domain, TxtRecords.of(answer.records()));
            }
        }
    }

    /** Discards records not beginning with the version; exactly one must remain. */
    static TlsRptDnsCheck select(String name, String domain, List<TxtRecords> records) {
        Findings f = new Findings();
        List<TxtRecords> candidates = records.stream().filter(r -> TlsRptRecordParser.isTlsRptCandidate(r.text())).toList();
        if (candidates.isEmpty()) {
            for (TxtRecords r : records) {
                if (looksLikeAnAttempt(r.text())) {
                    TlsRptRecordCheck attempt = TlsRptRecordParser.parse(r.text());
                    for (Finding e : attempt.errors()) {
                        f.error(e.code(), "TXT record \"" + r.text() + "\" is discarded because it does not begin with "
                            + "v=TLSRPTv1: " + e.message());
                    }
                }
            }
            f.error("missing", "no TXT record at " + name + " begins with v=TLSRPTv1, so no reports are sent. Publish: "
                + name + ". IN TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@" + domain + "\"");
            return new TlsRptDnsCheck(name, TlsRptDnsCheck.Status.MISSING, records, List.of(), f.errors(), f.warnings());
        }
        if (candidates.size() > 1) {
            Set<String> uris = new LinkedHashSet<>();
            for (int i = 0; i < candidates.size(); i++) {
                TlsRptRecordCheck each = TlsRptRecordParser.parse(candidates.get(i).text());
                uris.addAll(each.rua());
                for (Finding e : each.errors()) {
                    f.error(e.code(), "record " + (i + 1) + ": " + e.message());
                }
            }
            f.error("multiple", candidates.size() + " TXT records at " + name + " begin with v=TLSRPTv1: RFC 8460 "
                + "requires exactly one, so reporters treat the domain as having no TLS-RPT and send nothing. Replace "
                + "them with a single record" + (uris.isEmpty() ? "" : ": v=TLSRPTv1; rua=" + String.join(",", uris)));
            return new TlsRptDnsCheck(name, TlsRptDnsCheck.Status.MULTIPLE, records, List.of(), f.errors(), f.warnings());
        }
        TlsRptRecordCheck check = TlsRptRecordParser.parse(candidates.get(0).text());
        return new TlsRptDnsCheck(name, check.valid() ? TlsRptDnsCheck.Status.VALID : TlsRptDnsCheck.Status.INVALID,
            records, check.rua(), check.errors(), check.warnings());
    }

    private static boolean looksLikeAnAttempt(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        return lower.contains("tlsrpt") || lower.contains("rua=");
    }
}
