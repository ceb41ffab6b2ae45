package io.tlsrpt.cli.check;

import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Record;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.Type;

/**
 * Looks up the TLSA records at {@code _25._tcp.<mx>} for every MX host and reads the resolver's AD bit. dnsjava does
 * not validate DNSSEC itself: the AD bit is only as trustworthy as the resolver and the path to it.
 */
public final class DaneChecker {

    static final String AD_CAVEAT = "The AD bit is set by the resolver, not verified here: it only means something "
        + "when the resolver validates DNSSEC and the path to it is trusted (e.g. a validating resolver on localhost).";

    private final DnsClient dns;

    public DaneChecker(DnsClient dns) {
        this.dns = dns;
    }

    public DaneCheck check(String domain, MxHosts mx) {
        Findings f = new Findings();
        if (!mx.answer().outcome().answered()) {
            f.error("dns-error", "DNS failure looking up " + domain + " MX: " + mx.answer().detail());
            return new DaneCheck("dns-error", false, List.of(), f.errors(), f.warnings(),
                "The MX hosts are unknown, so DANE cannot be checked.");
        }
        if (mx.answer().outcome() == DnsAnswer.Outcome.NXDOMAIN) {
            f.error("domain-nxdomain", "the domain " + domain + " does not exist (NXDOMAIN)");
            return new DaneCheck("none", false, List.of(), f.errors(), f.warnings(),
                "The domain does not exist, so it has no MX hosts and no DANE.");
        }
        if (mx.nullMx()) {
            return new DaneCheck("no-mail", mx.answer().authenticated(), List.of(), f.errors(), f.warnings(),
                "The domain publishes a null MX (MX 0 .): it receives no mail, so there are no sessions to report.");
        }
        if (mx.implicit()) {
            f.warning("implicit-mx", domain + " has no MX record: senders deliver to the domain itself (implicit MX)");
        }
        List<DaneCheck.Host> hosts = new ArrayList<>();
        boolean anyTlsa = false;
        boolean allAuthenticated = true;
        boolean failures = false;
        for (String host : mx.hosts()) {
            String name = "_25._tcp." + host;
            DnsAnswer answer = dns.query(name, Type.TLSA);
            List<String> tlsa = new ArrayList<>();
            for (Record r : answer.records()) {
                if (r instanceof TLSARecord t) {
                    tlsa.add(t.rdataToString());
                    if (t.getCertificateUsage() == 0 || t.getCertificateUsage() == 1) {
                        f.warning("tlsa-pkix-usage", name + ": certificate usage " + t.getCertificateUsage()
                            + " (PKIX-" + (t.getCertificateUsage() == 0 ? "TA" : "EE") + ") is not for SMTP: RFC 7672 "
                            + "says senders treat it as unusable; use 3 1 1 (DANE-EE) or 2 1 1 (DANE-TA)");
                    }
                }
            }
            if (!answer.outcome().answered()) {
                failures = true;
                f.error("dns-error", "DNS failure looking up " + name + " TLSA: " + answer.detail()
                    + ". A DANE sender that cannot get a secure answer defers the mail and reports dnssec-invalid");
            }
            if (!tlsa.isEmpty()) {
                anyTlsa = true;
                allAuthenticated &= answer.authenticated();
            }
            hosts.add(new DaneCheck.Host(host, name, answer.outcome().name().toLowerCase(java.util.Locale.ROOT),
                tlsa, answer.authenticated()));
        }
        boolean mxAd = mx.answer().authenticated();
        if (failures && !anyTlsa) {
            return new DaneCheck("dns-error", mxAd, hosts, f.errors(), f.warnings(), "TLSA lookups failed: the "
                + "DANE posture is unknown. " + AD_CAVEAT);
        }
        if (!anyTlsa) {
            return new DaneCheck("none", mxAd, hosts, f.errors(), f.warnings(), "No TLSA records: DANE does not apply; "
                + "reports from DANE-capable senders show policy-type no-policy-found (or sts when MTA-STS is published).");
        }
        if (allAuthenticated && mxAd) {
            return new DaneCheck("authenticated", true, hosts, f.errors(), f.warnings(), "DNSSEC-authenticated TLSA "
                + "records: DANE-capable senders require TLS matching them and defer the mail otherwise. Reports show "
                + "policy-type tlsa; failures appear as tlsa-invalid, dnssec-invalid, dane-required or certificate "
                + "errors. DANE takes precedence over MTA-STS for these senders. " + AD_CAVEAT);
        }
        f.warning("tlsa-unauthenticated", "TLSA records found, but the resolver did not set the AD bit for "
            + (mxAd ? "all TLSA answers" : "the MX answer") + ": either the zone is not DNSSEC-signed (then senders "
            + "ignore the TLSA records) or this resolver does not validate; check with a validating resolver "
            + "(--resolver)");
        return new DaneCheck("unauthenticated", mxAd, hosts, f.errors(), f.warnings(), "TLSA records without "
            + "DNSSEC authentication: senders use DANE only for authenticated TLSA records, so these have no effect "
            + "unless the zone is signed; if it is, reports show policy-type tlsa. " + AD_CAVEAT);
    }
}
