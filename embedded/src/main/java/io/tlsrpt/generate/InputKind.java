package io.tlsrpt.generate;

/** How a generated report is delivered, shaped after a real sender. */
public enum InputKind {
    /** Google: multipart/report mail, text/plain part, application/tlsrpt+gzip attachment. */
    GOOGLE_MAIL("message/rfc822"),
    /** Microsoft: multipart/report mail, text/html part, gzip attachment; TLSA double-encoded, no UTC offset. */
    MICROSOFT_MAIL("message/rfc822"),
    /** smtp-tls-reporting (Postfix): gzip JSON body of an HTTPS POST. */
    HTTPS_GZIP("application/tlsrpt+gzip"),
    /** smtp-tls-reporting (Postfix): bare JSON body of an HTTPS POST. */
    HTTPS_JSON("application/tlsrpt+json");

    private final String contentType;

    InputKind(String contentType) {
        this.contentType = contentType;
    }

    /** The media type a receiver sees (the mail's own type for mails, the POST's Content-Type otherwise). */
    public String contentType() {
        return contentType;
    }
}
