package io.tlsrpt.connect.dkim;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A mail split into header fields and body, as DKIM sees it. Lines end in CRLF; a bare LF (a mail stored by a tool
 * that drops the CRs, as spool files often are) is read as CRLF, which is what the signer saw on the wire.
 * ISO-8859-1 maps every byte to one char, so the body's bytes come back unchanged.
 */
final class MailMessage {

    /** One header field: its name and its whole text ({@code Name: value} with folding CRLFs, no final CRLF). */
    record Field(String name, String text) {
    }

    private final List<Field> fields;
    private final String body;

    private MailMessage(List<Field> fields, String body) {
        this.fields = fields;
        this.body = body;
    }

    static MailMessage parse(byte[] mail) {
        String text = crlf(new String(mail, StandardCharsets.ISO_8859_1));
        int end = text.startsWith("\r\n") ? 0 : text.indexOf("\r\n\r\n");
        String head = end < 0 ? text : text.substring(0, end);
        String body = end < 0 ? "" : text.substring(end + (end == 0 ? 2 : 4));
        List<Field> fields = new ArrayList<>();
        StringBuilder current = null;
        for (String line : head.split("\r\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && current != null) {
                current.append("\r\n").append(line);
                continue;
            }
            if (current != null) {
                add(fields, current.toString());
            }
            current = new StringBuilder(line);
        }
        if (current != null) {
            add(fields, current.toString());
        }
        return new MailMessage(List.copyOf(fields), body);
    }

    /** A line without a colon is no header field (RFC 5322 section 2.2): no signature can have covered it. */
    private static void add(List<Field> fields, String text) {
        int colon = text.indexOf(':');
        if (colon > 0) {
            fields.add(new Field(text.substring(0, colon).trim().toLowerCase(Locale.ROOT), text));
        }
    }

    private static final byte[] SIGNATURE_FIELD = "dkim-signature:".getBytes(StandardCharsets.US_ASCII);

    /**
     * Whether a line of the header block (up to the first empty line) starts with {@code DKIM-Signature:}: a byte scan
     * without copying, so that a file that is no mail (a JSON report) is not parsed as one.
     */
    static boolean hasSignatureField(byte[] payload) {
        boolean lineStart = true;
        for (int i = 0; i < payload.length; i++) {
            byte b = payload[i];
            if (b == '\n') {
                if (lineStart) {
                    return false;   // an empty line: the end of the header block
                }
                lineStart = true;
                continue;
            }
            if (b == '\r') {
                continue;
            }
            if (lineStart && startsWithIgnoringCase(payload, i, SIGNATURE_FIELD)) {
                return true;
            }
            lineStart = false;
        }
        return false;
    }

    private static boolean startsWithIgnoringCase(byte[] bytes, int at, byte[] lowerCase) {
        if (bytes.length - at < lowerCase.length) {
            return false;
        }
        for (int k = 0; k < lowerCase.length; k++) {
            byte b = bytes[at + k];
            if ((b >= 'A' && b <= 'Z' ? b + 32 : b) != lowerCase[k]) {
                return false;
            }
        }
        return true;
    }

    /** Every bare LF as CRLF; a lone CR is left as it is. */
    private static String crlf(String s) {
        if (s.indexOf('\n') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length() + s.length() / 40);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' && (i == 0 || s.charAt(i - 1) != '\r')) {
                sb.append('\r');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    List<Field> fields() {
        return fields;
    }

    /** The fields with this (lower-case) name, top to bottom. */
    List<Field> fields(String name) {
        return fields.stream().filter(f -> f.name().equals(name)).toList();
    }

    String body() {
        return body;
    }
}
