package io.tlsrpt.generate;

import java.util.Objects;

/**
 * One raw TLS-RPT input as a receiver gets it: the bytes of a mail or of an HTTPS POST body.
 *
 * @param bytes       the raw input (an RFC 5322 mail, gzip or JSON)
 * @param contentType the media type to announce ({@code message/rfc822} for mails)
 * @param fileName    a file name for it: the RFC 8460 name for HTTPS bodies, a descriptive {@code .eml} name for mails
 * @param kind        the sender shape
 * @param expected    what the input must decode to (for tests, benchmarks and sanity checks)
 */
public record GeneratedInput(byte[] bytes, String contentType, String fileName, InputKind kind,
                             ExpectedReport expected) {

    public GeneratedInput {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(expected, "expected");
    }

    /** Path relative to an output directory, sorting in event order: {@code day-03/<fileName>}. */
    public String relativePath(int dayDigits) {
        return String.format("day-%0" + dayDigits + "d/%s", expected.dayNumber(), fileName);
    }
}
