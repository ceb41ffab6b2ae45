package io.tlsrpt.connect.dkim;

/** RFC 6376 section 3.4: the simple and relaxed forms of header fields and body. */
enum DkimCanonicalization {
    SIMPLE, RELAXED;

    static DkimCanonicalization of(String name) {
        return switch (name) {
            case "simple" -> SIMPLE;
            case "relaxed" -> RELAXED;
            default -> throw new IllegalArgumentException("unknown canonicalization '" + name + "'");
        };
    }

    /** A header field (its whole text, folded) with its CRLF. */
    String header(String text) {
        if (this == SIMPLE) {
            return text + "\r\n";
        }
        int colon = text.indexOf(':');
        String name = text.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT);
        String value = compressWhitespace(text.substring(colon + 1).replace("\r\n", "")).trim();
        return name + ":" + value + "\r\n";
    }

    /** The body: trailing empty lines removed; relaxed also compresses and strips white space on each line. */
    String body(String body) {
        StringBuilder out = new StringBuilder(body.length());
        int pendingEmpty = 0;
        int start = 0;
        while (start < body.length()) {
            int eol = body.indexOf("\r\n", start);
            String line = eol < 0 ? body.substring(start) : body.substring(start, eol);
            start = eol < 0 ? body.length() : eol + 2;
            if (this == RELAXED) {
                line = stripTrailing(compressWhitespace(line));
            }
            if (line.isEmpty()) {
                pendingEmpty++;
                continue;
            }
            out.append("\r\n".repeat(pendingEmpty)).append(line).append("\r\n");
            pendingEmpty = 0;
        }
        // simple: an empty body is one CRLF; relaxed: nothing (RFC 6376 errata 3192)
        return out.length() == 0 && this == SIMPLE ? "\r\n" : out.toString();
    }

    private static String compressWhitespace(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        boolean inSpace = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t') {
                if (!inSpace) {
                    sb.append(' ');
                }
                inSpace = true;
            } else {
                sb.append(c);
                inSpace = false;
            }
        }
        return sb.toString();
    }

    private static String stripTrailing(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == ' ') {
            end--;
        }
        return s.substring(0, end);
    }
}
