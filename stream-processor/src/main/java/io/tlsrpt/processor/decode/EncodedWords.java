package io.tlsrpt.processor.decode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.util.Base64;

/**
 * RFC 2047 encoded words ({@code =?charset?B|Q?text?=}) in unstructured header text (a subject, a display
 * name, a file name), as Jakarta Mail's {@code MimeUtility.decodeText} reads them: a word must stand between
 * blanks to count, the blanks between two encoded words go, and a word that cannot be decoded (an unknown
 * charset, bad base64) stays as it was.
 */
final class EncodedWords {

    private EncodedWords() {
    }

    static String decode(String text) {
        if (text == null || !text.contains("=?")) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int pos = 0;
        int length = text.length();
        boolean previousEncoded = false;
        int pendingBlanks = -1;  // start of the blanks before the current word
        while (pos < length) {
            int blanksStart = pos;
            while (pos < length && isBlank(text.charAt(pos))) {
                pos++;
            }
            pendingBlanks = blanksStart;
            int wordStart = pos;
            while (pos < length && !isBlank(text.charAt(pos))) {
                pos++;
            }
            if (wordStart == pos) {
                out.append(text, pendingBlanks, pos);  // trailing blanks
                break;
            }
            String word = text.substring(wordStart, pos);
            String decoded = word.startsWith("=?") && word.endsWith("?=") ? decodeWord(word) : null;
            if (decoded == null || !previousEncoded) {
                out.append(text, pendingBlanks, wordStart);
            }
            out.append(decoded != null ? decoded : word);
            previousEncoded = decoded != null;
        }
        return out.toString();
    }

    /** One encoded word, or null when it is not one or cannot be decoded. */
    static String decodeWord(String word) {
        int charsetEnd = word.indexOf('?', 2);
        if (charsetEnd < 0 || charsetEnd + 3 > word.length() - 2 || word.charAt(charsetEnd + 2) != '?') {
            return null;
        }
        String charsetName = word.substring(2, charsetEnd);
        int language = charsetName.indexOf('*');  // RFC 2231 section 5: charset*language
        Charset charset = MimeParameters.charset(language < 0 ? charsetName : charsetName.substring(0, language));
        if (charset == null) {
            return null;
        }
        String encoded = word.substring(charsetEnd + 3, word.length() - 2);
        char encoding = Character.toUpperCase(word.charAt(charsetEnd + 1));
        try {
            if (encoding == 'B') {
                return new String(Base64.getMimeDecoder().decode(encoded), charset);
            }
            if (encoding == 'Q') {
                return new String(qDecode(encoded), charset);
            }
        } catch (IllegalArgumentException e) {
            return null;  // bad base64: the word stays as sent
        }
        return null;
    }

    /** The "Q" encoding: quoted-printable with '_' for a space. */
    private static byte[] qDecode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int high = c == '=' && i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
            int low = high < 0 ? -1 : Character.digit(s.charAt(i + 2), 16);
            if (low >= 0) {
                out.write(high * 16 + low);
                i += 2;
            } else {
                out.write(c == '_' ? ' ' : c);
            }
        }
        return out.toByteArray();
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }
}
