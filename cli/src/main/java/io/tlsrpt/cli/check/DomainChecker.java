package io.tlsrpt.cli.check;

/**
 * Runs the TLS-RPT (with its rua destinations), MTA-STS and DANE checks of one domain against one resolver, and with a
 * probe the STARTTLS probe of each MX host, whose certificate is then judged against that host's TLSA records as a
 * DANE sender would.
 */
public final class DomainChecker {

    private final DnsClient dns;
    private final MtaStsPolicyFetcher fetcher;
    private final SmtpTlsProbe probe;
    private final ReportUriProbe rua;

    /** @param fetcher null to skip MTA-STS and DANE */
    public DomainChecker(DnsClient dns, MtaStsPolicyFetcher fetcher) {
        this(dns, fetcher, null, null);
    }

    /**
     * @param probe null not to connect to the MX hosts (it needs the fetcher's checks too)
     * @param rua null not to check the rua destinations of a valid TLS-RPT record
     */
    public DomainChecker(DnsClient dns, MtaStsPolicyFetcher fetcher, SmtpTlsProbe probe, ReportUriProbe rua) {
        this.dns = dns;
        this.fetcher = fetcher;
        this.probe = fetcher == null ? null : probe;
        this.rua = rua;
    }

    public DomainCheck check(String domain) {
        TlsRptDnsCheck tlsrpt = new TlsRptLookup(dns).check(domain);
        java.util.List<ReportUriProbe.Result> ruaReach = rua == null || tlsrpt.status() != TlsRptDnsCheck.Status.VALID
            ? null : rua.probe(tlsrpt.rua());
        if (fetcher == null) {
            return new DomainCheck(domain, dns.description(), tlsrpt, null, null, null, null, ruaReach);
        }
        MxHosts mx = MxHosts.lookup(dns, domain);
        MtaStsCheck sts = new MtaStsChecker(dns, fetcher).check(domain, mx);
        DaneCheck dane = new DaneChecker(dns).check(domain, mx);
        // the MX hosts unknown (their lookup failed): nothing to probe, and no probe result
        java.util.List<SmtpTlsProbe.Result> probes = probe == null || !mx.answer().outcome().answered() ? null
            : mx.nullMx() ? java.util.List.of()
            : mx.hosts().stream().flatMap(h -> probe.probe(h, tlsa(dane, h)).stream()).toList();
        return new DomainCheck(domain, dns.description(), tlsrpt, sts, dane, mx, probes, ruaReach);
    }

    /** The host's TLSA records, to judge its certificate against as a DANE sender would. */
    private static java.util.List<String> tlsa(DaneCheck dane, String host) {
        return dane.hosts().stream().filter(h -> h.host().equals(host)).findFirst().map(DaneCheck.Host::tlsa)
            .orElse(java.util.List.of());
    }
}
