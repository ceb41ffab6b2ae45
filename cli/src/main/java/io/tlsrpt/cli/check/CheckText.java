package io.tlsrpt.cli.check;

import java.util.List;

/** The human-readable output. */
public final class CheckText {

    private CheckText() {
    }

    public static String record(TlsRptRecordCheck check, List<Finding> extraWarnings) {
        StringBuilder b = new StringBuilder();
        b.append("Record: ").append(check.record()).append('\n');
        b.append("Status: ").append(check.valid() ? "valid" : "invalid").append('\n');
        rua(b, check.rua());
        findings(b, "Error", check.errors());
        findings(b, "Warning", check.warnings());
        findings(b, "Warning", extraWarnings);
        return b.toString();
    }

    public static String domain(DomainCheck c) {
        StringBuilder b = new StringBuilder();
        TlsRptDnsCheck t = c.tlsrpt();
        b.append("Domain: ").append(c.domain()).append("  (").append(c.resolver()).append(")\n\n");
        b.append("TLS-RPT (").append(t.name()).append(" TXT): ").append(t.status().json()).append('\n');
        for (TxtRecords r : t.records()) {
            b.append("  record: ").append(r.text());
            if (r.strings().size() > 1) {
                b.append("   (").append(r.strings().size()).append(" strings, concatenated)");
            }
            b.append('\n');
        }
        rua(b, t.rua());
        if (c.ruaReach() != null) {
            for (ReportUriProbe.Result r : c.ruaReach()) {
                b.append("  rua ").append(r.uri()).append(": ").append(r.outcome().code()).append(" (")
                    .append(r.detail()).append(")\n");
            }
        }
        findings(b, "Error", t.errors());
        findings(b, "Warning", t.warnings());
        b.append("  Meaning: ").append(t.status() == TlsRptDnsCheck.Status.VALID
            ? "reporters send daily TLS reports to the rua URIs above."
            : t.status() == TlsRptDnsCheck.Status.DNS_ERROR
            ? "unknown: the lookup failed; reporters that fail the same way send nothing."
            : "reporters send no TLS reports for this domain.").append('\n');
        if (c.mtaSts() != null) {
            MtaStsCheck s = c.mtaSts();
            b.append("\nMTA-STS: ").append(s.status()).append('\n');
            s.txtRecords().forEach(r -> b.append("  _mta-sts TXT: ").append(r.text()).append('\n'));
            if (s.policyText() != null) {
                b.append("  policy (").append(s.policyUrl()).append("):\n");
                for (String line : s.policyText().split("\r?\n")) {
                    b.append("    ").append(line).append('\n');
                }
            }
            for (MtaStsCheck.MxCoverage m : s.mxCoverage()) {
                b.append("  MX ").append(m.host()).append(": ")
                    .append(m.pattern() == null ? "NOT covered by the policy" : "covered by mx: " + m.pattern()).append('\n');
            }
            findings(b, "Error", s.errors());
            findings(b, "Warning", s.warnings());
            b.append("  Meaning: ").append(s.meaning()).append('\n');
        }
        if (c.dane() != null) {
            DaneCheck d = c.dane();
            b.append("\nDANE: ").append(d.status()).append("  (MX answer authenticated: ")
                .append(d.mxAuthenticated() ? "yes" : "no").append(")\n");
            for (DaneCheck.Host h : d.hosts()) {
                b.append("  ").append(h.tlsaName()).append(": ");
                if (h.tlsa().isEmpty()) {
                    b.append("no TLSA (").append(h.outcome()).append(")\n");
                } else {
                    b.append(h.authenticated() ? "authenticated (AD)" : "not authenticated (no AD)").append('\n');
                    h.tlsa().forEach(x -> b.append("    TLSA ").append(x).append('\n'));
                }
            }
            findings(b, "Error", d.errors());
            findings(b, "Warning", d.warnings());
            b.append("  Meaning: ").append(d.meaning()).append('\n');
        }
        if (c.mxTls() != null) {
            b.append("\nMX STARTTLS (probed as a sender):\n");
            if (c.mxTls().isEmpty()) {
                b.append("  no MX host to probe\n");
            }
            for (SmtpTlsProbe.Result r : c.mxTls()) {
                b.append("  ").append(r.where()).append(": ").append(r.outcome().code());
                if (r.outcome() == SmtpTlsProbe.Outcome.TLS) {
                    b.append(", certificate valid until ").append(r.notAfter())
                        .append(r.trusted() ? ", trusted" : ", NOT trusted")
                        .append(r.nameMatches() ? ", names the host" : ", does NOT name the host");
                }
                b.append(" (").append(r.detail()).append(")\n");
                if (r.dane() != null) {
                    b.append("    DANE: ").append(r.dane().verdict().code()).append(": ").append(r.dane().detail())
                        .append(c.dane() != null && !"authenticated".equals(c.dane().status())
                            ? " (the TLSA records are not DNSSEC-authenticated here, so senders ignore them)" : "")
                        .append('\n');
                }
            }
        }
        return b.toString();
    }

    private static void rua(StringBuilder b, List<String> rua) {
        for (String uri : rua) {
            b.append("  rua: ").append(uri).append('\n');
        }
    }

    private static void findings(StringBuilder b, String label, List<Finding> findings) {
        for (Finding f : findings) {
            b.append("  ").append(label).append(" [").append(f.code()).append("]: ").append(f.message()).append('\n');
        }
    }
}
