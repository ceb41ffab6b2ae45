package io.tlsrpt.cli.check;

import java.util.regex.Pattern;

/**
 * The {@code _mta-sts} TXT record of RFC 8461 section 3.1:
 * {@code v=STSv1; id=<1 to 32 letters and digits>} plus extensions, fields separated by {@code *WSP ";" *WSP}.
 */
final class MtaStsTxtParser {

    static final String VERSION = "v=STSv1";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9]{1,32}");
    private static final Pattern EXT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}");
    private static final Pattern EXT_VALUE = Pattern.compile("[\\x21-\\x3a\\x3c\\x3e-\\x7e]+");

    private MtaStsTxtParser() {
    }

    static boolean isCandidate(String text) {
        return text.startsWith(VERSION)
            && (text.length() == VERSION.length() || ";\t ".indexOf(text.charAt(VERSION.length())) >= 0);
    }

    /** Checks the record; returns its id, or null when the record is unusable (errors added to {@code f}). */
    static String parse(String text, Findings f) {
        String[] segments = text.split(";", -1);
        if (!TlsRptRecordParser.stripTrailingWsp(segments[0]).equals(VERSION)) {
            f.error("sts-txt-version", "the _mta-sts record must begin with v=STSv1 (case-sensitive), not '"
                + segments[0] + "'");
            return null;
        }
        String id = null;
        int ids = 0;
        for (int i = 1; i < segments.length; i++) {
            String field = TlsRptRecordParser.stripTrailingWsp(TlsRptRecordParser.stripLeadingWsp(segments[i]));
            if (field.isEmpty()) {
                if (i != segments.length - 1) {
                    f.error("sts-txt-empty-field", "the _mta-sts record has two ';' with nothing between: remove one");
                }
                continue;
            }
            int eq = field.indexOf('=');
            String name = eq < 0 ? field : field.substring(0, eq);
            String value = eq < 0 ? "" : field.substring(eq + 1);
            if (name.equals("id")) {
                ids++;
                if (!ID.matcher(value).matches()) {
                    f.error("sts-txt-id", "id=" + value + " is not valid: the id is 1 to 32 letters and digits "
                        + "(e.g. id=20240101T000000), changed whenever the policy changes");
                } else {
                    id = value;
                }
            } else if (eq < 0 || !EXT_NAME.matcher(name).matches() || !EXT_VALUE.matcher(value).matches()) {
                f.error("sts-txt-field", "'" + field + "' is not a valid field of the _mta-sts record (name=value, "
                    + "no spaces around '=')");
            }
        }
        if (ids == 0) {
            f.error("sts-txt-no-id", "the _mta-sts record has no id= field, which is required: write v=STSv1; id=20240101");
        } else if (ids > 1) {
            f.error("sts-txt-id-repeated", "the _mta-sts record has " + ids + " id= fields: write exactly one");
        }
        return f.hasErrors() ? null : id;
    }
}
