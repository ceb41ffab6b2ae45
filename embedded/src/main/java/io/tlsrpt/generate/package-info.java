/**
 * Deterministic, realistic TLS-RPT inputs for tests, demos and benchmarks.
 *
 * <p>{@link io.tlsrpt.generate.ReportGenerator} turns {@link io.tlsrpt.generate.GeneratorSettings} (seed,
 * start date, days, domains, {@link io.tlsrpt.generate.Scenario}s) into a lazy stream of
 * {@link io.tlsrpt.generate.GeneratedInput}s: per day and domain a Google-shaped mail, a Microsoft-shaped mail
 * (TLSA policy-string double-encoded, timestamps without offset) and an smtp-tls-reporting HTTPS body (gzip or bare
 * JSON; {@code no-policy-found} without a policy-domain). A fifth of the domains (none of the scenarios') publish no
 * MTA-STS policy: Google and Microsoft report them under {@code no-policy-found} with the domain (Microsoft under
 * {@code tlsa} where they have DANE). Each input carries the {@link io.tlsrpt.generate.ExpectedReport} it must
 * decode to. Same settings, same bytes.
 */
package io.tlsrpt.generate;
