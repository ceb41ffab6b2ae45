package io.tlsrpt.processor.decode;

/**
 * The characters that must not reach a reader from a report, a DNS record or a web page: the C0 controls, DEL, the
 * C1 controls (terminal escapes, bell, carriage return) and the bidirectional embeddings, overrides and isolates that
 * reorder what a reader sees. Anyone may POST a report, and its text ends up in terminals, mails, pages and
 * Alertmanager.
 */
public final class ControlCharacters {

    /** What stands for a replaced character. */
    public static final char REPLACEMENT = '\uFFFD';

    private ControlCharacters() {
    }

    public static boolean isControl(char c) {
        if (c >= 0x20 && c < 0x7f) {
            return false;   // printable ASCII, nearly every character of a report, is told first
        }
        return c < 0x20 || c <= 0x9f || c >= 0x202a && c <= 0x202e || c >= 0x2066 && c <= 0x2069;
    }

    /**
     * {@code s} with every control character replaced: tab, line feed and carriage return by a space, the others by
     * U+FFFD; {@code s} itself when it holds none, the usual case: one scan, no copy.
     */
    public static String replaced(String s) {
        int i = 0;
        int length = s.length();
        while (i < length && !isControl(s.charAt(i))) {
            i++;
        }
        if (i == length) {
            return s;
        }
        StringBuilder clean = new StringBuilder(length).append(s, 0, i);
        for (; i < length; i++) {
            char c = s.charAt(i);
            clean.append(!isControl(c) ? c : c == '\t' || c == '\n' || c == '\r' ? ' ' : REPLACEMENT);
        }
        return clean.toString();
    }
}
