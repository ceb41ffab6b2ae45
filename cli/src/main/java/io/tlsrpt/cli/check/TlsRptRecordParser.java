package io.tlsrpt.cli.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Validates a TLS-RPT TXT record text against the grammar of RFC 8460 section 3:
 * <pre>
 * tlsrpt-record     = tlsrpt-version 1*(field-delim tlsrpt-field) [field-delim]
 * field-delim       = *WSP ";" *WSP
 * tlsrpt-field      = tlsrpt-rua / tlsrpt-extension
 * tlsrpt-version    = %s"v=TLSRPTv1"
 * tlsrpt-rua        = %s"rua=" tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri)
 * tlsrpt-extension  = tlsrpt-ext-name "=" tlsrpt-ext-value
 * tlsrpt-ext-name   = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")
 * tlsrpt-ext-value  = 1*(%x21-3A / %x3C / %x3E-7E)
 * </pre>
 * Pure: text in, verdict out. Every finding says what is wrong and how to write it right.
 */
public final class TlsRptRecordParser {

    /** The version tag every TLS-RPT record begins with (case-sensitive). */
    public static final String VERSION = "v=TLSRPTv1";
    /** Longer input is refused: a DNS message cannot carry more. */
    public static final int MAX_RECORD_CHARS = 65_535;
    /** A DNS TXT character-string holds at most this many bytes. */
    public static final int MAX_TXT_STRING = 255;

    private static final Pattern EXT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}");
    private static final Pattern EXT_NAME_CHARS = Pattern.compile("[A-Za-z0-9_.-]+");

    private TlsRptRecordParser() {
    }

    /**
     * Whether a TXT record counts as a TLS-RPT record when several come back: RFC 8460 discards the records that do
     * not begin with the version. The version must be followed by the field delimiter or the end.
     */
    public static boolean isTlsRptCandidate(String text) {
        if (!text.startsWith(VERSION)) {
            return false;
        }
        if (text.length() == VERSION.length()) {
            return true;
        }
        char next = text.charAt(VERSION.length());
        return next == ';' || next == ' ' || next == '\t';
    }

    /** Checks one record text. */
    public static TlsRptRecordCheck parse(String text) {
        Findings f = new Findings();
        List<String> rua = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            f.error("empty", "the record is empty: write v=TLSRPTv1; rua=mailto:tlsrpt@example.com");
            return result(text == null ? "" : text, rua, f);
        }
        if (text.length() > MAX_RECORD_CHARS) {
            f.error("too-long", "the record is " + text.length() + " characters long, more than a DNS answer can carry ("
                + MAX_RECORD_CHARS + "): a TLS-RPT record needs only v=TLSRPTv1 and a short rua list");
            return result(text.substring(0, 200) + "...", rua, f);
        }
        badWhitespace(text, f);

        String[] segments = text.split(";", -1);
        String body = version(text, segments[0], f);
        if (body == null) {
            return result(text, rua, f);
        }
        new FieldScanner(text, segments, f, rua).scan();
        return result(text, rua, f);
    }

    private static TlsRptRecordCheck result(String text, List<String> rua, Findings f) {
        // an invalid record sends reports nowhere: list URIs only for a valid one
        boolean valid = !f.hasErrors();
        return new TlsRptRecordCheck(text, valid, valid ? rua : List.of(), f.errors(), f.warnings());
    }

    /** Whitespace other than space and tab is never allowed: it usually comes from copying a web page. */
    private static void badWhitespace(String text, Findings f) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != ' ' && c != '\t' && (Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c))) {
                f.error("bad-whitespace", "the record contains " + describe(c) + " at position " + (i + 1)
                    + ": only spaces and tabs may appear, and only around ';' and ','; remove it");
                return;
            }
        }
    }

    private static String describe(char c) {
        return switch (c) {
            case '\n' -> "a line feed (\\n)";
            case '\r' -> "a carriage return (\\r)";
            case '\u00a0' -> "a no-break space (U+00A0)";
            default -> "the character U+" + String.format("%04X", (int) c);
        };
    }

    /** Checks the first segment; returns null when the text is not a TLS-RPT record at all. */
    private static String version(String text, String first, Findings f) {
        String trimmedEnd = stripTrailingWsp(first);
        if (trimmedEnd.equals(VERSION)) {
            if (!first.equals(trimmedEnd)) {
                f.warning("space-after-version", "whitespace between v=TLSRPTv1 and ';' is allowed by the grammar, "
                    + "but RFC 8460 discards records that do not begin with \"v=TLSRPTv1;\": write v=TLSRPTv1; with "
                    + "no space before the ';'");
            }
            return text;
        }
        if (!first.isEmpty() && (first.charAt(0) == ' ' || first.charAt(0) == '\t') && first.strip().equals(VERSION)) {
            f.error("leading-whitespace", "the record begins with whitespace: it must begin with v=TLSRPTv1 exactly; "
                + "remove the leading space");
            return text;
        }
        if (first.startsWith("\"")) {
            f.error("quoted", "the record begins with a double quote: give the record's text, not its zone-file form: "
                + "instead of \"v=TLSRPTv1; \" \"rua=...\" write v=TLSRPTv1; rua=...");
            return null;
        }
        String noSpace = first.replace(" ", "").replace("\t", "");
        if (noSpace.equals(VERSION)) {
            f.error("space-around-equals", "no whitespace is allowed around '=': write v=TLSRPTv1");
            return text;
        }
        if (noSpace.equalsIgnoreCase(VERSION)) {
            f.error("version-case", "the version is case-sensitive: write v=TLSRPTv1 (lower-case v, upper-case "
                + "TLSRPT, lower-case v1), not " + first.strip());
            return text;
        }
        if (first.startsWith(VERSION)) {
            f.error("version-bad", "the version must be exactly v=TLSRPTv1 followed by ';', not '" + trimmedEnd
                + "': write v=TLSRPTv1; rua=...");
            return text;
        }
        if (text.contains(VERSION)) {
            f.error("version-not-first", "v=TLSRPTv1 must be the first field of the record: move it to the front, "
                + "e.g. v=TLSRPTv1; rua=mailto:tlsrpt@example.com");
            return null;
        }
        if (noSpace.toLowerCase(Locale.ROOT).startsWith("v=tlsrpt")) {
            f.error("version-bad", "'" + first.strip() + "' is not a supported version: the only version is v=TLSRPTv1");
            return null;
        }
        f.error("not-tlsrpt", "this is not a TLS-RPT record: it must begin with v=TLSRPTv1, e.g. "
            + "v=TLSRPTv1; rua=mailto:tlsrpt@example.com");
        return null;
    }

    static String stripTrailingWsp(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
            end--;
        }
        return s.substring(0, end);
    }

    static String stripLeadingWsp(String s) {
        int start = 0;
        while (start < s.length() && (s.charAt(start) == ' ' || s.charAt(start) == '\t')) {
            start++;
        }
        return s.substring(start);
    }

    /** Walks the fields after the version. */
    private static final class FieldScanner {
        private final String text;
        private final String[] segments;
        private final Findings f;
        private final List<String> rua;
        /** Every URI written in any rua field, "rua=" prefixes removed: the material for a corrected record. */
        private final List<String> allUris = new ArrayList<>();
        private final List<String> extensions = new ArrayList<>();
        private int ruaFields;
        private boolean repeatedTagInList;
        private String wrongCaseRua;

        FieldScanner(String text, String[] segments, Findings f, List<String> rua) {
            this.text = text;
            this.segments = segments;
            this.f = f;
            this.rua = rua;
        }

        void scan() {
            int last = segments.length - 1;
            for (int i = 1; i < segments.length; i++) {
                String segment = segments[i];
                String field = stripTrailingWsp(stripLeadingWsp(segment));
                if (field.isEmpty()) {
                    if (i != last) {
                        f.error("empty-field", "two ';' with no field between them (field " + i + "): remove the extra ';'");
                    }
                    continue;
                }
                if (i == last && !segment.equals(stripTrailingWsp(segment))) {
                    f.error("trailing-whitespace", "the record ends with whitespace after '" + field + "': remove it "
                        + "(whitespace is only allowed around ';' and ',')");
                }
                field(field);
            }
            if (segments.length == 1 && !text.equals(VERSION)) {
                // only reachable for "v=TLSRPTv1 " (trailing whitespace, nothing else)
                f.error("trailing-whitespace", "the record ends with whitespace: remove it");
            }
            finish();
        }

        private void field(String field) {
            int eq = field.indexOf('=');
            if (eq < 0) {
                f.error("field-without-value", "'" + field + "' is not a field: fields are written name=value and "
                    + "separated by ';'" + (field.contains("@") || field.contains(":")
                    ? " (if it is a report address, put it into the rua list, separated by a comma)" : ""));
                return;
            }
            String rawName = field.substring(0, eq);
            String rawValue = field.substring(eq + 1);
            String name = stripTrailingWsp(rawName);
            String value = stripLeadingWsp(rawValue);
            if (!name.equals(rawName) || !value.equals(rawValue)) {
                f.error("space-around-equals", "no whitespace is allowed around '=': write " + name + "=" + value);
            }
            if (name.equals("rua")) {
                ruaField(value);
            } else if (name.equals("v")) {
                f.error("version-repeated", "v= appears again inside the record: the version is written once, as the "
                    + "first field; remove '" + field + "'");
            } else if (name.equalsIgnoreCase("rua")) {
                wrongCaseRua = name;
            } else {
                extension(name, value, field);
            }
        }

        private void ruaField(String value) {
            ruaFields++;
            if (value.isEmpty()) {
                f.error("rua-empty", "rua= has no URI: write rua=mailto:tlsrpt@example.com (or an https:// URI)");
                return;
            }
            String[] parts = value.split(",", -1);
            for (int i = 0; i < parts.length; i++) {
                String uri = stripTrailingWsp(stripLeadingWsp(parts[i]));
                if (uri.isEmpty()) {
                    f.error("rua-empty-entry", "the rua list has an empty entry" + (i == parts.length - 1
                        ? " after its last comma" : "") + ": remove the extra ','");
                    continue;
                }
                if (uri.startsWith("rua=")) {
                    repeatedTagInList = true;
                    String stripped = uri.substring(4);
                    allUris.add(stripped);
                    if (ReportUriValidator.validate(stripped, new Findings())) {
                        continue; // reported once, with the corrected record, in finish()
                    }
                    ReportUriValidator.validate(stripped, f);
                    continue;
                }
                allUris.add(uri);
                if (ReportUriValidator.validate(uri, f)) {
                    rua.add(uri);
                }
            }
        }

        private void extension(String name, String value, String field) {
            boolean ok = true;
            if (!EXT_NAME.matcher(name).matches()) {
                ok = false;
                if (name.isEmpty()) {
                    f.error("field-without-name", "'" + field + "' has no name before '=': remove it, or write name=value");
                } else if (!EXT_NAME_CHARS.matcher(name).matches()) {
                    f.error("extension-name-chars", "field name '" + name + "' may contain only letters, digits, '_', "
                        + "'-' and '.'");
                } else if (name.length() > 32) {
                    f.error("extension-name-length", "field name '" + name + "' is " + name.length() + " characters "
                        + "long: extension names have at most 32");
                } else {
                    f.error("extension-name-start", "field name '" + name + "' must begin with a letter or a digit");
                }
            }
            if (value.isEmpty()) {
                ok = false;
                f.error("extension-empty-value", "field '" + name + "=' has no value: give it a value or remove it");
            } else {
                for (int i = 0; i < value.length(); i++) {
                    char c = value.charAt(i);
                    if (c == '=' || c == ' ' || c == '\t' || c < 0x21 || c > 0x7e) {
                        ok = false;
                        f.error("extension-bad-value", "the value of field '" + name + "' contains "
                            + (c == '=' ? "'='" : c == ' ' || c == '\t' ? "whitespace" : "U+" + String.format("%04X", (int) c))
                            + ", which a field value cannot hold (printable ASCII except '=', ';' and space): "
                            + (c == ' ' || c == '\t' ? "separate fields with ';'" : "remove it"));
                        break;
                    }
                }
            }
            if (ok) {
                extensions.add(name + "=" + value);
                f.warning("unknown-field", "field '" + name + "' is not defined by RFC 8460: reporters ignore it"
                    + (name.equalsIgnoreCase("ruf") ? " (ruf= is a DMARC tag; TLS-RPT has only rua=)" : ""));
            }
        }

        private void finish() {
            if (repeatedTagInList) {
                f.error("rua-repeated-tag", "the rua list repeats the tag inside it ('rua=' after a comma): the tag is "
                    + "written once and the URIs are separated by commas only. Some guides publish this form, but "
                    + "'rua=...' is not a URI, so reporters reject the record. Write: " + corrected());
            }
            if (ruaFields == 0) {
                if (wrongCaseRua != null) {
                    f.error("rua-case", "field names are case-sensitive: write rua=, not " + wrongCaseRua + "=");
                } else {
                    f.error("rua-missing", "the record has no rua= field, which is required: add one, e.g. "
                        + "v=TLSRPTv1; rua=mailto:tlsrpt@example.com");
                }
            } else if (wrongCaseRua != null) {
                f.warning("rua-case", "field names are case-sensitive: '" + wrongCaseRua + "=' is not rua= and is "
                    + "ignored; move its URIs into the rua= list");
            }
            if (ruaFields > 1) {
                f.warning("rua-field-repeated", "rua= appears " + ruaFields + " times: reporters differ (some use only "
                    + "the first, some merge them); write one rua= field with the URIs separated by commas: "
                    + corrected());
            }
        }

        private String corrected() {
            StringBuilder b = new StringBuilder(VERSION).append("; rua=").append(String.join(",", allUris));
            for (String ext : extensions) {
                b.append("; ").append(ext);
            }
            return b.toString();
        }
    }
}
