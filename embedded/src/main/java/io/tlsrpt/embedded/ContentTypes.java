package io.tlsrpt.embedded;

import java.util.Locale;

/** Guesses the media type of a report file from its name, as a receiver would announce it. */
public final class ContentTypes {

    private ContentTypes() {
    }

    /**
     * {@code .eml}/{@code .msg} mails are {@code message/rfc822}, {@code .json} is {@code application/tlsrpt+json},
     * {@code .gz} {@code application/tlsrpt+gzip}, {@code .zip} {@code application/zip}; anything else
     * {@code application/octet-stream} (the decoder sniffs the bytes anyway).
     */
    public static String guess(String fileName) {
        String name = fileName.toLowerCase(Locale.ROOT);
        if (name.endsWith(".eml") || name.endsWith(".msg") || name.endsWith(".mbox")) {
            return "message/rfc822";
        }
        if (name.endsWith(".json")) {
            return "application/tlsrpt+json";
        }
        if (name.endsWith(".gz") || name.endsWith(".gzip")) {
            return "application/tlsrpt+gzip";
        }
        if (name.endsWith(".zip")) {
            return "application/zip";
        }
        return "application/octet-stream";
    }
}
