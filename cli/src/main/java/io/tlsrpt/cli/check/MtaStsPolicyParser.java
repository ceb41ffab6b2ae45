package io.tlsrpt.cli.check;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Parses the policy file of RFC 8461 section 3.2: {@code key: value} lines separated by LF or CRLF, keys
 * case-sensitive; {@code version: STSv1}, {@code mode: enforce|testing|none}, {@code max_age} from 0 to 31557600,
 * one or more {@code mx} patterns ({@code mail.example.com} or {@code *.example.com}).
 */
final class MtaStsPolicyParser {

    /** RFC 8461 section 3.2: max_age is at most 31557600 seconds (about one year). */
    static final long MAX_AGE_LIMIT = 31_557_600L;
    /** Policies cached for less than a day give little protection against a downgrade. */
    static final long MAX_AGE_SHORT = 86_400L;

    private static final Pattern MX_PATTERN =
        Pattern.compile("(\\*\\.)?[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(\\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\\.?");
    private static final Pattern EXT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}");

    private MtaStsPolicyParser() {
    }

    static MtaStsPolicy parse(String body, Findings f) {
        String version = null;
        String mode = null;
        Long maxAge = null;
        List<String> mx = new ArrayList<>();
        String[] lines = body.split("\r?\n", -1);
        int counted = lines.length;
        if (counted > 0 && lines[counted - 1].isEmpty()) {
            counted--; // a final line terminator is allowed
        }
        for (int n = 0; n < counted; n++) {
            String line = TlsRptRecordParser.stripTrailingWsp(lines[n]);
            if (line.isEmpty()) {
                f.warning("sts-policy-blank-line", "line " + (n + 1) + " of the policy is blank: the grammar has no "
                    + "blank lines; remove it");
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                f.error("sts-policy-line", "line " + (n + 1) + " '" + line + "' is not 'key: value'");
                continue;
            }
            String key = line.substring(0, colon);
            String value = TlsRptRecordParser.stripLeadingWsp(line.substring(colon + 1));
            switch (key) {
                case "version" -> {
                    if (version != null) {
                        f.error("sts-policy-repeated", "version appears more than once: write it once");
                    }
                    version = value;
                    if (!value.equals("STSv1")) {
                        f.error("sts-policy-version", "version: " + value + " is not supported: write version: STSv1");
                    }
                }
                case "mode" -> {
                    if (mode != null) {
                        f.error("sts-policy-repeated", "mode appears more than once: write it once");
                    }
                    if (value.equals("enforce") || value.equals("testing") || value.equals("none")) {
                        mode = value;
                    } else {
                        f.error("sts-policy-mode", "mode: " + value + " is not valid: write mode: enforce, mode: testing "
                            + "or mode: none (lower case)");
                    }
                }
                case "max_age" -> {
                    if (maxAge != null) {
                        f.error("sts-policy-repeated", "max_age appears more than once: write it once");
                    }
                    if (!value.matches("[0-9]{1,10}")) {
                        f.error("sts-policy-max-age", "max_age: " + value + " is not a number of seconds: write e.g. "
                            + "max_age: 604800 (one week)");
                    } else if (Long.parseLong(value) > MAX_AGE_LIMIT) {
                        f.error("sts-policy-max-age", "max_age: " + value + " is above the maximum of " + MAX_AGE_LIMIT
                            + " seconds (RFC 8461): write max_age: " + MAX_AGE_LIMIT + " or less");
                    } else {
                        maxAge = Long.parseLong(value);
                        if (maxAge < MAX_AGE_SHORT) {
                            f.warning("sts-policy-max-age-short", "max_age: " + value + " is less than a day: senders "
                                + "forget the policy quickly, which leaves room for downgrade attacks; once the policy "
                                + "works, use at least 604800 (one week)");
                        }
                    }
                }
                case "mx" -> {
                    if (MX_PATTERN.matcher(value).matches()) {
                        mx.add(value);
                    } else {
                        f.error("sts-policy-mx", "mx: " + value + " is not a host name or a '*.' wildcard pattern "
                            + "(e.g. mx: mail.example.com or mx: *.example.com)");
                    }
                }
                default -> {
                    if (!EXT_NAME.matcher(key).matches()) {
                        f.error("sts-policy-key", "line " + (n + 1) + ": '" + key + "' is not a valid key (keys are "
                            + "case-sensitive: version, mode, max_age, mx)");
                    } else {
                        f.warning("sts-policy-unknown-key", "key '" + key + "' is not defined by RFC 8461: senders ignore it"
                            + (key.equalsIgnoreCase("mode") || key.equalsIgnoreCase("mx") || key.equalsIgnoreCase("version")
                            || key.equalsIgnoreCase("max_age") ? " (keys are case-sensitive: write " + key.toLowerCase(java.util.Locale.ROOT) + ")" : ""));
                    }
                }
            }
        }
        if (version == null) {
            f.error("sts-policy-no-version", "the policy has no 'version: STSv1' line, which is required");
        }
        if (mode == null && f.errors().stream().noneMatch(e -> e.code().equals("sts-policy-mode"))) {
            f.error("sts-policy-no-mode", "the policy has no 'mode:' line, which is required: write mode: testing "
                + "(to start) or mode: enforce");
        }
        if (maxAge == null && f.errors().stream().noneMatch(e -> e.code().equals("sts-policy-max-age"))) {
            f.error("sts-policy-no-max-age", "the policy has no 'max_age:' line, which is required: write e.g. "
                + "max_age: 604800");
        }
        if (mx.isEmpty() && !"none".equals(mode)) {
            f.error("sts-policy-no-mx", "the policy has no 'mx:' line: list every MX host, or a wildcard such as "
                + "mx: *.example.com");
        }
        return new MtaStsPolicy(version, mode, maxAge, mx);
    }

    /**
     * RFC 8461 section 4.1: a pattern matches the host case-insensitively; {@code *.example.com} matches exactly one
     * more label ({@code mx1.example.com}, not {@code example.com} nor {@code a.b.example.com}).
     */
    static boolean matches(String pattern, String host) {
        String p = stripDot(pattern).toLowerCase(java.util.Locale.ROOT);
        String h = stripDot(host).toLowerCase(java.util.Locale.ROOT);
        if (p.startsWith("*.")) {
            String suffix = p.substring(1); // ".example.com"
            if (!h.endsWith(suffix)) {
                return false;
            }
            String first = h.substring(0, h.length() - suffix.length());
            return !first.isEmpty() && first.indexOf('.') < 0;
        }
        return p.equals(h);
    }

    private static String stripDot(String s) {
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
