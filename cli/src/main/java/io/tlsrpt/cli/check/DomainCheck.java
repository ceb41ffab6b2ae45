package io.tlsrpt.cli.check;

/**
 * Everything {@code check-record DOMAIN} found: the TLS-RPT record, and beside it the MTA-STS and DANE postures and
 * the MX hosts both were judged against (null when not checked).
 */
public record DomainCheck(String domain, String resolver, TlsRptDnsCheck tlsrpt, MtaStsCheck mtaSts, DaneCheck dane,
                          MxHosts mx) {
}
