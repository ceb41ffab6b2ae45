package io.tlsrpt.cli.check;

/** Runs the TLS-RPT, MTA-STS and DANE checks of one domain against one resolver. */
public final class DomainChecker {

    private final DnsClient dns;
    private final MtaStsPolicyFetcher fetcher;

    /** @param fetcher null to skip MTA-STS and DANE */
    public DomainChecker(DnsClient dns, MtaStsPolicyFetcher fetcher) {
        this.dns = dns;
        this.fetcher = fetcher;
    }

    public DomainCheck check(String domain) {
        TlsRptDnsCheck tlsrpt = new TlsRptLookup(dns).check(domain);
        if (fetcher == null) {
            return new DomainCheck(domain, dns.description(), tlsrpt, null, null, null);
        }
        MxHosts mx = MxHosts.lookup(dns, domain);
        MtaStsCheck sts = new MtaStsChecker(dns, fetcher).check(domain, mx);
        DaneCheck dane = new DaneChecker(dns).check(domain, mx);
        return new DomainCheck(domain, dns.description(), tlsrpt, sts, dane, mx);
    }
}
