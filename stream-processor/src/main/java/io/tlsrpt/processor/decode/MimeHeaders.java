package io.tlsrpt.processor.decode;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The header block of a mail or body part (RFC 5322 section 2.2), read in place: only the offsets of each
 * field are kept, and a value becomes a String (unfolded: its line breaks removed) when someone asks for it.
 * Lines end in CRLF, LF or a lone CR (as Jakarta Mail reads them); the block ends at the first empty line.
 *
 * <p>Bounded: at most {@value #MAX_FIELDS} fields in a block and {@value #MAX_VALUE_BYTES} bytes in a value that
 * is read; beyond either the mail is rejected as {@link RejectReason#MIME_LIMIT} (no real sender comes close).
 */
final class MimeHeaders {

    /** Fields in one header block: real mails carry tens (a long Received chain: a few hundred). */
    static final int MAX_FIELDS = 10_000;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Bytes of one field value that the decoder reads (subject, a DKIM signature, a Content-Type...). */
    static final int MAX_VALUE_BYTES = 64 * 1024;

    private final byte[] data;
    /** Per field: name start, name end (trailing blanks trimmed), value start, field end (line break excluded). */
    private final int[] fields;
    private final int count;
    private final int bodyStart;
    private final boolean terminated;

    private MimeHeaders(byte[] data, int[] fields, int count, int bodyStart, boolean terminated) {
        this.data = data;
        this.fields = fields;
        this.count = count;
        this.bodyStart = bodyStart;
        this.terminated = terminated;
    }

    /** Reads the header block at {@code data[start, end)}. */
    static MimeHeaders parse(byte[] data, int start, int end) throws DecodeFailure {
        int[] fields = new int[32];
        int count = 0;
        int pos = start;
        while (pos < end) {
            int lineEnd = lineEnd(data, pos, end);
            int next = afterLineBreak(data, lineEnd, end);
            if (lineEnd == pos) {
                return new MimeHeaders(data, fields, count, next, true);
            }
            byte first = data[pos];
            if (first == ' ' || first == '\t') {
                if (count > 0) {
                    fields[count * 4 - 1] = lineEnd;  // a folded continuation of the field before
                }
            } else {
                int colon = indexOf(data, (byte) ':', pos, lineEnd);
                if (colon > pos) {
                    if (count == MAX_FIELDS) {
                        throw new DecodeFailure(RejectReason.MIME_LIMIT, "a MIME header block has more than "
                            + MAX_FIELDS + " fields");
                    }
                    if (count * 4 == fields.length) {
                        fields = Arrays.copyOf(fields, fields.length * 2);
                    }
                    int nameEnd = colon;
                    while (nameEnd > pos && (data[nameEnd - 1] == ' ' || data[nameEnd - 1] == '\t')) {
                        nameEnd--;
                    }
                    fields[count * 4] = pos;
                    fields[count * 4 + 1] = nameEnd;
                    fields[count * 4 + 2] = colon + 1;
                    fields[count * 4 + 3] = lineEnd;
                    count++;
                }
                // a line without a colon is no field (Jakarta Mail keeps it as a nameless header)
            }
            pos = next;
        }
        return new MimeHeaders(data, fields, count, end, false);
    }

    /** Where the body starts: after the empty line, or the end of the data when there was none. */
    int bodyStart() {
        return bodyStart;
    }

    /** Whether an empty line ended the block (else the data ended inside it). */
    boolean terminated() {
        return terminated;
    }

    /** The first field of this name (case-insensitive), unfolded, or null. */
    String first(String name) throws DecodeFailure {
        for (int i = 0; i < count; i++) {
            if (nameIs(i, name)) {
                return value(i, name);
            }
        }
        return null;
    }

    /** Every field of this name, in order, unfolded. */
    List<String> all(String name) throws DecodeFailure {
        List<String> values = new ArrayList<>(2);
        for (int i = 0; i < count; i++) {
            if (nameIs(i, name)) {
                values.add(value(i, name));
            }
        }
        return values;
    }

    /** Every field of this name joined with ", " (as Jakarta Mail's {@code getHeader(name, ", ")}), or null. */
    String joined(String name) throws DecodeFailure {
        String first = null;
        StringBuilder several = null;  // only when the name appears more than once, which is rare
        for (int i = 0; i < count; i++) {
            if (nameIs(i, name)) {
                String value = value(i, name);
                if (first == null) {
                    first = value;
                } else {
                    several = several == null ? new StringBuilder(first) : several;
                    several.append(", ").append(value);
                }
            }
        }
        return several == null ? first : several.toString();
    }

    private boolean nameIs(int field, String name) {
        int from = fields[field * 4];
        int to = fields[field * 4 + 1];
        if (to - from != name.length()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            int b = data[from + i];
            int c = name.charAt(i);
            if (b != c && toLower(b) != toLower(c)) {
                return false;
            }
        }
        return true;
    }

    private String value(int field, String name) throws DecodeFailure {
        int from = fields[field * 4 + 2];
        int to = fields[field * 4 + 3];
        // leading blanks and line breaks after the colon are not part of the value (Jakarta Mail skips them too)
        while (from < to && (data[from] == ' ' || data[from] == '\t' || data[from] == '\r' || data[from] == '\n')) {
            from++;
        }
        if (to - from > MAX_VALUE_BYTES) {
            throw new DecodeFailure(RejectReason.MIME_LIMIT, "the MIME header " + name + " has " + (to - from)
                + " bytes, more than " + MAX_VALUE_BYTES);
        }
        return text(data, from, to);
    }

    /**
     * The bytes as text without their line breaks (unfolding keeps the blank that starts each continuation
     * line). UTF-8 when the bytes are valid UTF-8 (RFC 6532 headers), else ISO-8859-1 (a byte is a char).
     */
    static String text(byte[] data, int from, int to) {
        if (lineEnd(data, from, to) == to && isAscii(data, from, to)) {
            return new String(data, from, to - from, StandardCharsets.ISO_8859_1);  // one line of ASCII: most values
        }
        byte[] copy = null;
        int length = 0;
        boolean ascii = true;
        for (int i = from; i < to; i++) {
            byte b = data[i];
            if (b == '\r' || b == '\n') {
                if (copy == null) {
                    copy = Arrays.copyOfRange(data, from, to);
                    length = i - from;
                }
                continue;
            }
            ascii &= b >= 0;
            if (copy != null) {
                copy[length++] = b;
            }
        }
        byte[] bytes = copy == null ? data : copy;
        int offset = copy == null ? from : 0;
        int size = copy == null ? to - from : length;
        if (ascii) {
            return new String(bytes, offset, size, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, offset, size)).toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, offset, size, StandardCharsets.ISO_8859_1);
        }
    }

    /** Whether every byte is below 0x80, eight at a time. */
    private static boolean isAscii(byte[] data, int from, int to) {
        int i = from;
        for (; to - i >= Long.BYTES; i += Long.BYTES) {
            if (((long) LONGS.get(data, i) & 0x8080808080808080L) != 0) {
                return false;
            }
        }
        for (; i < to; i++) {
            if (data[i] < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The index of the first CR or LF at or after {@code pos}, or {@code end}. Every line of a mail is scanned
     * here (the multipart reader looks at each line of a base64 body for a delimiter), so eight bytes are tested
     * at a time: a word without a byte below 0x0E holds neither CR (0x0D) nor LF (0x0A).
     */
    static int lineEnd(byte[] data, int pos, int end) {
        int i = pos;
        while (true) {
            while (end - i >= Long.BYTES && !hasByteBelow0E((long) LONGS.get(data, i))) {
                i += Long.BYTES;
            }
            int stop = Math.min(end, i + Long.BYTES);
            for (; i < stop; i++) {
                byte b = data[i];
                if (b == '\n' || b == '\r') {
                    return i;
                }
            }
            if (i >= end) {
                return end;
            }
        }
    }

    /** Whether some byte of the word is below 0x0E (exact: no false positives, none missed). */
    private static boolean hasByteBelow0E(long word) {
        return ((word - 0x0E0E0E0E0E0E0E0EL) & ~word & 0x8080808080808080L) != 0;
    }

    /** The index after the line break (CRLF, LF or CR) at {@code lineEnd}. */
    static int afterLineBreak(byte[] data, int lineEnd, int end) {
        if (lineEnd >= end) {
            return end;
        }
        if (data[lineEnd] == '\r' && lineEnd + 1 < end && data[lineEnd + 1] == '\n') {
            return lineEnd + 2;
        }
        return lineEnd + 1;
    }

    private static int indexOf(byte[] data, byte value, int from, int to) {
        for (int i = from; i < to; i++) {
            if (data[i] == value) {
                return i;
            }
        }
        return -1;
    }

    private static int toLower(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }
}
