package io.tlsrpt.processor.decode;

import java.util.Locale;

/** What bytes are, judged by their first bytes; declared types and file names only break ties. */
enum PayloadKind {
    JSON, GZIP, ZIP, MIME, UNKNOWN, EMPTY;

    /** Classifies the bytes at {@code pos} (after leading whitespace and NULs were skipped). */
    static PayloadKind of(byte[] b, int pos, int end) {
        if (pos >= end) {
            return EMPTY;
        }
        int first = b[pos] & 0xff;
        if (first == '{' || first == '[') {
            return JSON;
        }
        int available = end - pos;
        if (available >= 2) {
            int second = b[pos + 1] & 0xff;
            if (first == 0x1f && second == 0x8b) {
                return GZIP;
            }
            if ((first == 0xfe && second == 0xff) || (first == 0xff && second == 0xfe)) {
                return JSON;  // UTF-16 byte order mark: Jackson detects the encoding
            }
        }
        if (available >= 3 && first == 0xef && (b[pos + 1] & 0xff) == 0xbb && (b[pos + 2] & 0xff) == 0xbf) {
            return JSON;  // UTF-8 byte order mark
        }
        if (available >= 4 && first == 'P' && b[pos + 1] == 'K'
            && ((b[pos + 2] == 3 && b[pos + 3] == 4) || (b[pos + 2] == 5 && b[pos + 3] == 6))) {
            return ZIP;
        }
        if (looksLikeMailHeader(b, pos, end)) {
            return MIME;
        }
        return UNKNOWN;
    }

    /** An mbox "From " line or a header field name (printable ASCII up to a colon) starts the data. */
    static boolean looksLikeMailHeader(byte[] b, int pos, int end) {
        int limit = Math.min(end, pos + 200);
        if (end - pos >= 5 && b[pos] == 'F' && b[pos + 1] == 'r' && b[pos + 2] == 'o' && b[pos + 3] == 'm'
            && b[pos + 4] == ' ') {
            return true;
        }
        for (int i = pos; i < limit; i++) {
            int c = b[i] & 0xff;
            if (c == ':') {
                return i > pos;
            }
            if (c <= 32 || c >= 127) {
                return false;
            }
        }
        return false;
    }

    /** The kind a media type or file name announces, or null when it announces none. */
    static PayloadKind declared(String contentType, String fileName) {
        if (contentType != null) {
            String type = baseType(contentType);
            if (type.endsWith("+gzip") || type.equals("application/gzip") || type.equals("application/x-gzip")) {
                return GZIP;
            }
            if (type.endsWith("+json") || type.equals("application/json")) {
                return JSON;
            }
            if (type.endsWith("+zip") || type.equals("application/zip") || type.equals("application/x-zip-compressed")) {
                return ZIP;
            }
            if (type.startsWith("message/") || type.startsWith("multipart/")) {
                return MIME;
            }
        }
        if (fileName != null) {
            String name = fileName.toLowerCase(Locale.ROOT).trim();
            if (name.endsWith(".gz") || name.endsWith(".gzip")) {
                return GZIP;
            }
            if (name.endsWith(".zip")) {
                return ZIP;
            }
            if (name.endsWith(".json")) {
                return JSON;
            }
            if (name.endsWith(".eml") || name.endsWith(".msg")) {
                return MIME;
            }
        }
        return null;
    }

    /** {@code type/subtype} in lower case, without parameters. */
    static String baseType(String contentType) {
        int semicolon = contentType.indexOf(';');
        String base = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
        return base.trim().toLowerCase(Locale.ROOT);
    }
}
