/**
 * {@code tlsrpt check-record}: is a domain set up to receive TLS reports, and what will they show?
 *
 * <h2>Usage</h2>
 * <pre>
 * bin/tlsrpt check-record DOMAIN [--resolver HOST[:PORT]] [--json] [--timeout SECONDS] [--tlsrpt-only]
 *                                [--policy-ca PEM] [--https-proxy HOST:PORT] [--probe-mx [--smtp-port PORT]]
 * bin/tlsrpt check-record --record 'v=TLSRPTv1; rua=...' [--json]
 * </pre>
 * Exit status: 0 the TLS-RPT record is valid; 1 invalid, missing or more than one; 2 usage error; 3 DNS failure
 * (timeout, SERVFAIL/REFUSED, unreachable resolver) on the TLS-RPT lookup. MTA-STS and DANE findings are reported
 * but do not change the exit status.
 *
 * <h2>Parts</h2>
 * <ul>
 *   <li>{@link io.tlsrpt.cli.check.TlsRptRecordParser}: pure RFC 8460 section 3 grammar check of one record text;
 *       {@link io.tlsrpt.cli.check.ReportUriValidator} checks each {@code rua} URI (RFC 3986, RFC 6068 mailto,
 *       https only, {@code , ! ;} percent-encoded).</li>
 *   <li>{@link io.tlsrpt.cli.check.DnsClient}: dnsjava queries with EDNS0 and the AD flag, UDP with TCP fallback on
 *       truncation; keeps NXDOMAIN/NODATA (the record is missing) apart from SERVFAIL/REFUSED/timeouts (unknown).</li>
 *   <li>{@link io.tlsrpt.cli.check.TlsRptLookup}: {@code _smtp._tls.DOMAIN} TXT, strings concatenated, records not
 *       beginning with {@code v=TLSRPTv1} discarded, exactly one must remain.</li>
 *   <li>{@link io.tlsrpt.cli.check.MtaStsChecker}: {@code _mta-sts} TXT, the policy fetched by
 *       {@link io.tlsrpt.cli.check.MtaStsPolicyFetcher} (certificate validated, no redirects, 200, text/plain,
 *       64 KiB cap), {@link io.tlsrpt.cli.check.MtaStsPolicyParser} (version, mode, max_age 0..31557600, mx
 *       patterns) and the MX coverage (RFC 8461 section 4.1 wildcards).</li>
 *   <li>{@link io.tlsrpt.cli.check.DaneChecker}: TLSA at {@code _25._tcp.<mx>} and the resolver's AD bit, which is
 *       only as trustworthy as the resolver (dnsjava does not validate DNSSEC itself).</li>
 *   <li>{@link io.tlsrpt.cli.check.SmtpTlsProbe} ({@code --probe-mx}): SMTP to each MX host, EHLO, STARTTLS and a TLS
 *       handshake naming the host; the certificate's expiry, chain and names, judged after it was taken.</li>
 *   <li>{@link io.tlsrpt.cli.check.CheckText} and {@link io.tlsrpt.cli.check.CheckJson}: the two outputs.</li>
 * </ul>
 *
 * <h2>JSON</h2>
 * {@code --record}: {@code {"record", "status": "valid"|"invalid", "rua": [...], "errors": [...], "warnings": [...]}}.
 * DOMAIN: {@code {"domain", "resolver", "tlsrpt": {"name", "status": "valid"|"invalid"|"missing"|"multiple"|
 * "dns-error", "records": [{"text", "strings", "tlsrpt"}], "rua", "errors", "warnings"}, "mta_sts": {"status":
 * "enforce"|"testing"|"none"|"missing"|"invalid"|"fetch-error"|"dns-error", "txt_records", "id", "policy_url",
 * "policy_text", "policy": {"version", "mode", "max_age", "mx"}, "mx_hosts": [{"host", "covered", "pattern"}],
 * "errors", "warnings", "meaning"}, "dane": {"status": "authenticated"|"unauthenticated"|"none"|"no-mail"|
 * "dns-error", "mx_authenticated", "mx_hosts": [{"host", "tlsa_name", "lookup", "tlsa", "authenticated"}], "errors",
 * "warnings", "meaning"}, "mx_tls": [{"host", "outcome": "tls"|"no-starttls"|"tls-failed"|"unreachable",
 * "not_after", "trusted", "name_matches", "detail"}] (with --probe-mx)}. Errors and warnings are {@code {"code", "message"}} objects; {@code rua} lists URIs only
 * when the record is valid (an invalid record sends reports nowhere).
 */
package io.tlsrpt.cli.check;
