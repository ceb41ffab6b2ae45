/**
 * DKIM verification (RFC 6376, with RFC 8301's and RFC 8463's algorithms) of report mails, before they are written
 * to the raw topic: RFC 8460 section 3 says a report mail must be DKIM-signed and an unsigned one ignored. The
 * verdict travels as the raw record's {@code tlsrpt.dkim} header, in the words of RFC 8601
 * ({@code pass}, {@code fail}, {@code permerror}, {@code temperror}, {@code none}); the stream processor records it
 * and, with {@code mail.dkim.required}, dead-letters mails that did not pass. The mail's bytes are never changed.
 * <ul>
 *   <li>{@link io.tlsrpt.connect.dkim.MailMessage}: the header fields and body of a mail, CRLF or bare LF;</li>
 *   <li>{@link io.tlsrpt.connect.dkim.DkimSignature}: a DKIM-Signature's tags, checked;</li>
 *   <li>{@link io.tlsrpt.connect.dkim.DkimCanonicalization}: simple and relaxed, for headers and body;</li>
 *   <li>{@link io.tlsrpt.connect.dkim.DkimKeyRecord}: a selector's TXT record (rsa or ed25519);</li>
 *   <li>{@link io.tlsrpt.connect.dkim.DnsDkimKeys}: the TXT lookup, over dnsjava with a cache;</li>
 *   <li>{@link io.tlsrpt.connect.dkim.DkimVerifier}: the verdict of a whole mail.</li>
 * </ul>
 */
package io.tlsrpt.connect.dkim;
