package io.tlsrpt.cli.check;

import java.util.Comparator;
import java.util.List;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Type;

/**
 * The MX hosts of a domain, by preference. Without MX records the domain itself is the implicit MX
 * (RFC 5321 section 5.1); a single {@code MX 0 .} is a null MX (RFC 7505): the domain takes no mail.
 *
 * @param answer the MX query's outcome
 * @param hosts host names without the trailing dot
 * @param implicit true when {@code hosts} is the domain itself because it has no MX records
 * @param nullMx true for {@code MX 0 .}
 */
public record MxHosts(DnsAnswer answer, List<String> hosts, boolean implicit, boolean nullMx) {

    public MxHosts {
        hosts = List.copyOf(hosts);
    }

    static MxHosts lookup(DnsClient dns, String domain) {
        DnsAnswer answer = dns.query(domain, Type.MX);
        if (answer.outcome() == DnsAnswer.Outcome.NODATA) {
            return new MxHosts(answer, List.of(domain), true, false);
        }
        if (answer.outcome() != DnsAnswer.Outcome.ANSWER) {
            return new MxHosts(answer, List.of(), false, false);
        }
        List<MXRecord> mx = answer.records().stream().filter(MXRecord.class::isInstance).map(MXRecord.class::cast)
            .sorted(Comparator.comparingInt(MXRecord::getPriority).thenComparing(r -> r.getTarget().toString())).toList();
        if (mx.size() == 1 && mx.get(0).getTarget().equals(org.xbill.DNS.Name.root)) {
            return new MxHosts(answer, List.of(), false, true);
        }
        return new MxHosts(answer, mx.stream().map(r -> r.getTarget().toString(true)).distinct().toList(), false, false);
    }
}
