package io.tlsrpt.connect.https;

import java.util.Locale;
import java.util.Set;

/** Content types the receiver accepts (RFC 8460 section 5.4 plus what real senders use). */
final class MediaTypes {
    static final Set<String> ACCEPTED = Set.of(
            "application/tlsrpt+gzip",
            "application/tlsrpt+json",
            "application/json",
            "application/gzip",
            "application/x-gzip",
            "application/octet-stream");

    private static final int MAX_RECORDED_LENGTH = 200;

    private MediaTypes() {
    }

    /** The media type without parameters, lower case; null when absent. */
    static String essence(String headerValue) {
        if (headerValue == null) {
            return null;
        }
        int semi = headerValue.indexOf(';');
        String type = (semi < 0 ? headerValue : headerValue.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        return type.isEmpty() ? null : type;
    }

    static boolean accepted(String headerValue) {
        String essence = essence(headerValue);
        return essence != null && ACCEPTED.contains(essence);
    }

    /** The header as the sender sent it, bounded and without control characters, for the record's content-type. */
    static String recorded(String headerValue) {
        StringBuilder sb = new StringBuilder();
        headerValue.codePoints().filter(c -> c >= ' ' && c != 0x7f).limit(MAX_RECORDED_LENGTH).forEach(sb::appendCodePoint);
        return sb.toString().trim();
    }
}
