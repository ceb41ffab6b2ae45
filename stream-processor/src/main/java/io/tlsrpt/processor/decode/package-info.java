/**
 * Raw bytes to normalised {@link io.tlsrpt.schema.TlsReport}s: {@link io.tlsrpt.processor.decode.ReportDecoder}
 * is the single entry point; it knows nothing of Kafka.
 *
 * <h2>Layers</h2>
 * <ol>
 *   <li>{@code ReportDecoder}: sniffs the input (mail headers, gzip/zip magic, '{'), enforces the raw size
 *       limit and turns every failure into a {@link io.tlsrpt.processor.decode.DecodeResult.Rejected}.</li>
 *   <li>{@code MailDecoder} / {@code MailFacts}: the project's MIME reader ({@code MimeEntity}, {@code MimeHeaders},
 *       {@code MimeParameters}, {@code MimeMultipart}, {@code TransferDecoding}, {@code EncodedWords}) working in
 *       place on the mail's array; finds report parts by
 *       media type (case-insensitive), non-standard type or file name, then by sniffing; reads the
 *       TLS-Report-* headers, the subject's Report-ID and the DKIM h= list.</li>
 *   <li>{@code PayloadDecoder}: JSON, gzip or zip by content, streamed through {@code LimitedInputStream}
 *       (decompression budget and ratio) with at most {@code decoder.max.archive.depth} layers.</li>
 *   <li>{@code ReportJsonReader} / {@code ReportNormaliser}: Jackson tree under {@code StreamReadConstraints},
 *       lenient field reading, one {@link io.tlsrpt.processor.decode.Deviation} per repair.</li>
 *   <li>{@code ReportAssembler}: deviations, provenance and the dedup key (sha-256 of organization name,
 *       report id, ISO start and ISO end).</li>
 * </ol>
 *
 * <h2>What is rejected and what is tolerated</h2>
 * Rejected as {@code not-a-report}: JSON that is not an object (or array of objects), or lacks
 * organization-name, report-id, a date-range with two readable date-times, or a policies array.
 * Tolerated and recorded: everything in docs/rfc8460-field-notes.md and more: an empty policies array,
 * policies without policy-type/policy-domain/summary, non-object entries (skipped), counts that are
 * missing, negative, fractional, strings or huge (0, clamped, truncated, parsed or clamped to
 * 10^12, so that no sum of them overflows), strings where numbers or lists are expected, timestamps without offset
 * or as a date or epoch seconds, a top-level array or concatenation of reports, NUL padding before and garbage
 * after the JSON, mails that are not multipart/report, and one undecodable part among several report parts.
 * The JSON always wins over subject and file name; the dedup key never uses them.
 */
package io.tlsrpt.processor.decode;
