package io.tlsrpt.processor.decode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Content-Type or Content-Disposition value (RFC 2045 section 5.1, RFC 2183): the value before the first
 * ';' and its parameters. Lenient as Jakarta Mail with {@code mail.mime.parameters.strict=false}: an unquoted
 * value runs to the next ';' (blanks and specials included), an unterminated quoted string to the end.
 * RFC 2231 extended parameters ({@code name*=charset'lang'%xx}) and continuations ({@code name*0},
 * {@code name*1*}, ...) are joined and decoded; an extended value wins over a plain one of the same name.
 */
final class MimeParameters {

    /** Continuation sections kept per parameter; real file names need a handful. */
    static final int MAX_SECTIONS = 1000;

    private final String value;
    /** Names and decoded values, in order; a few per header, so a scan beats hashing. */
    private String[] names = new String[4];
    private String[] values = new String[4];
    private int count;

    private MimeParameters(String value) {
        this.value = value;
    }

    /** The value before the parameters, trimmed and lower-cased ({@code type/subtype}, {@code attachment}). */
    String value() {
        return value;
    }

    /** The parameter of this name (case-insensitive), decoded, or null. */
    String get(String name) {
        for (int i = 0; i < count; i++) {
            if (names[i].equalsIgnoreCase(name)) {
                return values[i];
            }
        }
        return null;
    }

    /** Sets a parameter; a later one of the same name replaces the earlier (as Jakarta Mail's list does). */
    private void put(String name, String parameterValue) {
        for (int i = 0; i < count; i++) {
            if (names[i].equalsIgnoreCase(name)) {
                values[i] = parameterValue;
                return;
            }
        }
        if (count == names.length) {
            names = java.util.Arrays.copyOf(names, count * 2);
            values = java.util.Arrays.copyOf(values, count * 2);
        }
        names[count] = name;
        values[count++] = parameterValue;
    }

    static MimeParameters parse(String header) {
        int length = header.length();
        int semicolon = header.indexOf(';');
        MimeParameters parameters = new MimeParameters(trimmed(header, 0, semicolon < 0 ? length : semicolon)
            .toLowerCase(Locale.ROOT));
        Map<String, TreeMap<Integer, String>> sections = null;
        int pos = semicolon;
        while (pos >= 0 && pos < length) {
            pos++;  // past the ';'
            int equals = -1;
            int nameEnd = pos;
            while (nameEnd < length && header.charAt(nameEnd) != ';') {
                if (header.charAt(nameEnd) == '=') {
                    equals = nameEnd;
                    break;
                }
                nameEnd++;
            }
            if (equals < 0) {
                pos = nameEnd < length ? nameEnd : -1;  // a parameter without '=' is skipped
                continue;
            }
            String name = trimmed(header, pos, equals);
            int start = equals + 1;
            while (start < length && (header.charAt(start) == ' ' || header.charAt(start) == '\t')) {
                start++;
            }
            String parameterValue;
            if (start < length && header.charAt(start) == '"') {
                int close = header.indexOf('"', start + 1);
                int stop = close < 0 ? length : close;
                int escape = header.indexOf('\\', start + 1);
                if (escape < 0 || escape >= stop) {
                    parameterValue = header.substring(start + 1, stop);  // the usual case: nothing escaped
                    pos = header.indexOf(';', Math.min(stop + 1, length));
                } else {
                    StringBuilder quoted = new StringBuilder();
                    int i = start + 1;
                    for (; i < length && header.charAt(i) != '"'; i++) {
                        char c = header.charAt(i);
                        if (c == '\\' && i + 1 < length) {
                            c = header.charAt(++i);
                        }
                        quoted.append(c);
                    }
                    parameterValue = quoted.toString();
                    pos = header.indexOf(';', Math.min(i + 1, length));  // whatever follows the closing quote is ignored
                }
            } else {
                int next = header.indexOf(';', start);
                parameterValue = trimmed(header, start, next < 0 ? length : next);
                pos = next;
            }
            if (name.isEmpty()) {
                continue;
            }
            int star = name.indexOf('*');
            if (star < 0) {
                parameters.put(name, parameterValue);
            } else {
                if (sections == null) {
                    sections = new HashMap<>(2);
                }
                addSection(sections, name.toLowerCase(Locale.ROOT), star, parameterValue);
            }
        }
        if (sections != null) {
            sections.forEach((name, parts) -> parameters.put(name, joinSections(parts)));
        }
        return parameters;
    }

    /** {@code s.substring(from, to).trim()} without the intermediate string. */
    private static String trimmed(String s, int from, int to) {
        int a = from;
        int b = to;
        while (a < b && s.charAt(a) <= ' ') {
            a++;
        }
        while (b > a && s.charAt(b - 1) <= ' ') {
            b--;
        }
        return s.substring(a, b);
    }

    /** Files {@code name*}, {@code name*N} or {@code name*N*} under {@code name}; the key remembers "encoded". */
    private static void addSection(Map<String, TreeMap<Integer, String>> sections, String name, int star,
                                   String value) {
        String base = name.substring(0, star);
        String rest = name.substring(star + 1);
        boolean encoded = rest.endsWith("*") || rest.isEmpty();
        String digits = rest.endsWith("*") ? rest.substring(0, rest.length() - 1) : rest;
        int section;
        if (digits.isEmpty()) {
            section = 0;
        } else {
            if (digits.length() > 4 || !digits.chars().allMatch(Character::isDigit)) {
                return;  // not a section number: ignored, as a malformed parameter
            }
            section = Integer.parseInt(digits);
            if (section >= MAX_SECTIONS) {
                return;
            }
        }
        // encoded sections are marked with a leading NUL, which no header value carries
        sections.computeIfAbsent(base, k -> new TreeMap<>()).put(section, encoded ? "\0" + value : value);
    }

    /** Sections 0, 1, ... up to the first gap, joined; charset from section 0 when it is encoded. */
    private static String joinSections(TreeMap<Integer, String> parts) {
        Charset charset = StandardCharsets.UTF_8;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int expected = 0;
        for (Map.Entry<Integer, String> entry : parts.entrySet()) {
            if (entry.getKey() != expected) {
                break;
            }
            String part = entry.getValue();
            boolean encoded = part.startsWith("\0");
            if (encoded) {
                part = part.substring(1);
                if (expected == 0) {
                    int quote1 = part.indexOf('\'');
                    int quote2 = quote1 < 0 ? -1 : part.indexOf('\'', quote1 + 1);
                    if (quote2 < 0) {
                        return part;  // not charset'language'value: kept as sent
                    }
                    Charset named = charset(part.substring(0, quote1));
                    if (named == null) {
                        return part;  // an unknown charset: kept undecoded (Jakarta Mail does the same)
                    }
                    charset = named;
                    part = part.substring(quote2 + 1);
                }
                percentDecode(part, bytes);
            } else {
                bytes.writeBytes(part.getBytes(charset));
            }
            expected++;
        }
        return bytes.toString(charset);
    }

    private static void percentDecode(String s, ByteArrayOutputStream out) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int high = i + 2 < s.length() && c == '%' ? Character.digit(s.charAt(i + 1), 16) : -1;
            int low = high < 0 ? -1 : Character.digit(s.charAt(i + 2), 16);
            if (low >= 0) {
                out.write(high * 16 + low);
                i += 2;
            } else if (c < 0x100) {
                out.write(c);
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /** The charset of this MIME name, or null when Java knows none (an empty name means US-ASCII). */
    static Charset charset(String name) {
        String trimmed = name.trim();
        if (trimmed.isEmpty()) {
            return StandardCharsets.US_ASCII;
        }
        try {
            return Charset.forName(trimmed);
        } catch (IllegalArgumentException e) {  // IllegalCharsetName and UnsupportedCharset both are
            return null;
        }
    }
}
