package io.tlsrpt.processor.decode;

/** Small string helpers that avoid regular expressions on the hot path. */
final class Texts {

    private Texts() {
    }

    static boolean hasWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i)) || Character.isSpaceChar(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    static String abbreviate(String s, int max) {
        if (s == null) {
            return "null";
        }
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }

    /** index of {@code needle} in {@code haystack} ignoring ASCII case, or -1. */
    static int indexOfIgnoreCase(String haystack, String needle) {
        int n = needle.length();
        if (n == 0) {
            return 0;
        }
        char first = needle.charAt(0);
        // an ASCII character matches an ASCII first character only as its upper or lower case: skip the others
        char lowerFirst = first < 128 ? Character.toLowerCase(first) : 0;
        for (int i = 0; i + n <= haystack.length(); i++) {
            char c = haystack.charAt(i);
            if (lowerFirst != 0 && c < 128 && Character.toLowerCase(c) != lowerFirst) {
                continue;
            }
            if (haystack.regionMatches(true, i, needle, 0, n)) {
                return i;
            }
        }
        return -1;
    }

    static String trimToNull(String s) {
        if (s == null) {
            return null;
        }
        String t = s.trim();
        return t.isEmpty() ? null : t;
    }

    /** Printable ASCII view of the first bytes, for rejection messages. */
    static String describeBytes(byte[] bytes, int offset, int length) {
        StringBuilder out = new StringBuilder();
        int end = Math.min(offset + length, bytes.length);
        for (int i = offset; i < end; i++) {
            int b = bytes[i] & 0xff;
            if (b >= 0x20 && b < 0x7f && b != '\\') {
                out.append((char) b);
            } else {
                out.append(String.format("\\x%02x", b));
            }
        }
        return out.toString();
    }
}
