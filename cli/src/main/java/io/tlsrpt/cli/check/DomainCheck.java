package io.tlsrpt.cli.check;

import java.util.List;

/**
 * Everything {@code check-record DOMAIN} found: the TLS-RPT record, and beside it the MTA-STS and DANE postures, the
 * MX hosts both were judged against, each MX host's STARTTLS probe, and whether the record's rua destinations take
 * reports (each null when not checked).
 */
public record DomainCheck(String domain, String resolver, TlsRptDnsCheck tlsrpt, MtaStsCheck mtaSts, DaneCheck dane,
                          MxHosts mx, List<SmtpTlsProbe.Result> mxTls, List<ReportUriProbe.Result> ruaReach) {

    public DomainCheck {
        mxTls = mxTls == null ? null : List.copyOf(mxTls);
        ruaReach = ruaReach == null ? null : List.copyOf(ruaReach);
    }
}
