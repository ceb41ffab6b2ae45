package io.tlsrpt.processor.decode;

import java.util.Arrays;
import java.util.Locale;

/**
 * Undoes a Content-Transfer-Encoding (RFC 2045 section 6) on a slice of the mail: 7bit, 8bit and binary are
 * the slice itself (no copy); base64 and quoted-printable decode into one new array. Base64 is as lenient as
 * Jakarta Mail's decoder: line breaks, blanks and any other byte outside the alphabet are skipped; what it
 * rejects (as {@link RejectReason#INVALID_ENCODING}) is a lone character left at the end and data after the
 * padding. Quoted-printable keeps an '=' that starts no valid escape, as Jakarta Mail does.
 */
final class TransferDecoding {

    /** A decoded body: {@code array[offset, offset + length)}. */
    record Body(byte[] array, int offset, int length) {
    }

    private static final byte[] BASE64 = new byte[256];

    static {
        Arrays.fill(BASE64, (byte) -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < alphabet.length(); i++) {
            BASE64[alphabet.charAt(i)] = (byte) i;
        }
    }

    private TransferDecoding() {
    }

    /**
     * The body at {@code data[from, to)} with {@code encoding} (a Content-Transfer-Encoding value, or null for
     * none) undone; an encoding other than base64, quoted-printable, 7bit, 8bit and binary is malformed MIME.
     */
    static Body decode(byte[] data, int from, int to, String encoding) throws DecodeFailure {
        String mechanism = mechanism(encoding);
        switch (mechanism) {
            case "", "7bit", "8bit", "binary":
                return new Body(data, from, to - from);
            case "base64":
                return base64(data, from, to);
            case "quoted-printable":
                return quotedPrintable(data, from, to);
            default:
                throw new DecodeFailure(RejectReason.MALFORMED_MIME, "Unknown encoding: " + Texts.abbreviate(encoding, 40));
        }
    }

    /** The first token of the header, lower-cased, without (comments); "" for none. */
    static String mechanism(String encoding) {
        if (encoding == null) {
            return "";
        }
        String trimmed = encoding.trim();
        if (isToken(trimmed)) {
            return trimmed.toLowerCase(Locale.ROOT);  // the usual case: "base64", "7bit"
        }
        StringBuilder token = new StringBuilder(encoding.length());
        int comment = 0;
        for (int i = 0; i < encoding.length(); i++) {
            char c = encoding.charAt(i);
            if (c == '(') {
                comment++;
            } else if (c == ')' && comment > 0) {
                comment--;
            } else if (comment == 0) {
                if (c == ' ' || c == '\t' || c == ';') {
                    if (token.length() > 0) {
                        break;
                    }
                } else {
                    token.append(c);
                }
            }
        }
        return token.toString().toLowerCase(Locale.ROOT);
    }

    private static boolean isToken(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(' || c == ' ' || c == '\t' || c == ';') {
                return false;
            }
        }
        return true;
    }

    static Body base64(byte[] data, int from, int to) throws DecodeFailure {
        byte[] out = new byte[(to - from) / 4 * 3 + 3];
        int length = 0;
        int bits = 0;
        int pending = 0;  // characters of the current 4-character group
        int i = from;
        for (; i < to; i++) {
            if (pending == 0 && to - i >= 4) {
                // whole groups of four alphabet characters (all but the ends of lines): three bytes at a time
                int group = BASE64[data[i] & 0xff] << 18 | BASE64[data[i + 1] & 0xff] << 12
                    | BASE64[data[i + 2] & 0xff] << 6 | BASE64[data[i + 3] & 0xff];
                if (group >= 0) {
                    out[length] = (byte) (group >> 16);
                    out[length + 1] = (byte) (group >> 8);
                    out[length + 2] = (byte) group;
                    length += 3;
                    i += 3;
                    continue;
                }
            }
            int b = data[i] & 0xff;
            int value = BASE64[b];
            if (value < 0) {
                if (b == '=') {
                    break;
                }
                continue;  // line breaks, blanks, stray bytes: skipped (as Jakarta Mail does)
            }
            bits = bits << 6 | value;
            if (++pending == 4) {
                out[length] = (byte) (bits >> 16);
                out[length + 1] = (byte) (bits >> 8);
                out[length + 2] = (byte) bits;
                length += 3;
                pending = 0;
                bits = 0;
            }
        }
        if (pending == 1) {
            throw new DecodeFailure(RejectReason.INVALID_ENCODING,
                "invalid base64: the data ends with a single character of a 4-character group");
        }
        if (pending == 2) {
            out[length++] = (byte) (bits >> 4);
        } else if (pending == 3) {
            out[length++] = (byte) (bits >> 10);
            out[length++] = (byte) (bits >> 2);
        }
        if (i < to) {
            for (; i < to; i++) {
                if (BASE64[data[i] & 0xff] >= 0) {
                    throw new DecodeFailure(RejectReason.INVALID_ENCODING,
                        "invalid base64: data after the padding at byte " + (i - from));
                }
            }
        }
        return new Body(out, 0, length);
    }

    static Body quotedPrintable(byte[] data, int from, int to) {
        byte[] out = new byte[to - from];
        int length = 0;
        int i = from;
        while (i < to) {
            byte b = data[i];
            if (b == '=') {
                int high = i + 2 < to ? Character.digit(data[i + 1], 16) : -1;
                int low = high < 0 ? -1 : Character.digit(data[i + 2], 16);
                if (low >= 0) {
                    out[length++] = (byte) (high * 16 + low);
                    i += 3;
                    continue;
                }
                int j = i + 1;
                while (j < to && (data[j] == ' ' || data[j] == '\t')) {
                    j++;
                }
                if (j == to || data[j] == '\r' || data[j] == '\n') {
                    i = MimeHeaders.afterLineBreak(data, j, to);  // a soft line break
                    continue;
                }
                out[length++] = b;  // not an escape: kept
                i++;
            } else if (b == ' ' || b == '\t') {
                int j = i;
                while (j < to && (data[j] == ' ' || data[j] == '\t')) {
                    j++;
                }
                if (j == to || data[j] == '\r' || data[j] == '\n') {
                    i = j;  // blanks at the end of a line were added in transport (RFC 2045 section 6.7 rule 3)
                    continue;
                }
                while (i < j) {
                    out[length++] = data[i++];
                }
            } else {
                out[length++] = b;
                i++;
            }
        }
        return new Body(out, 0, length);
    }
}
