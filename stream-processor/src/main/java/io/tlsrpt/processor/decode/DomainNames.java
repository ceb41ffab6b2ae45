package io.tlsrpt.processor.decode;

import java.net.IDN;
import java.util.Locale;
import java.util.Set;

/** Policy domains as the contract wants them: lower-case A-labels without a trailing dot. */
public final class DomainNames {

    private DomainNames() {
    }

    static String normalise(String raw, Set<Deviation> deviations) {
        String lower = lowerWithoutDot(raw);
        if (!lower.equals(raw)) {
            deviations.add(Deviation.POLICY_DOMAIN_NORMALISED);
        }
        if (!isAscii(lower)) {
            try {
                String ascii = IDN.toASCII(lower, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
                deviations.add(Deviation.POLICY_DOMAIN_U_LABEL);
                deviations.add(Deviation.POLICY_DOMAIN_IDN);
                return ascii;
            } catch (IllegalArgumentException e) {
                deviations.add(Deviation.POLICY_DOMAIN_INVALID);
                return lower;
            }
        }
        if (!isHostName(lower)) {
            deviations.add(Deviation.POLICY_DOMAIN_INVALID);
        } else if (lower.startsWith("xn--") || lower.contains(".xn--")) {
            deviations.add(Deviation.POLICY_DOMAIN_IDN);
        }
        return lower;
    }

    /**
     * A domain name as {@link #normalise} would write it (lower-case A-labels, no trailing dot), for names given by
     * an operator rather than read from a report.
     *
     * @throws IllegalArgumentException if it is not a host name
     */
    public static String canonical(String raw) {
        String lower = lowerWithoutDot(raw);
        if (!isAscii(lower)) {
            try {
                lower = IDN.toASCII(lower, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not a domain name: '" + raw + "' (" + e.getMessage() + ")", e);
            }
        }
        if (!isHostName(lower)) {
            throw new IllegalArgumentException("not a domain name: '" + raw + "'");
        }
        return lower;
    }

    /**
     * A host name as reporters write it, in one spelling for counting and matching: lower case, without the trailing
     * dot of an absolute name ({@code MX1.Example.COM.} is {@code mx1.example.com}), A-labels for U-labels
     * ({@code mx.bücher.example} is {@code mx.xn--bcher-kva.example}, as {@link #canonical} writes a name asked for);
     * not checked to be a host name (one IDNA refuses is kept in lower case).
     */
    public static String hostKey(String raw) {
        String lower = lowerWithoutDot(raw);
        if (isAscii(lower)) {
            return lower;
        }
        try {
            return IDN.toASCII(lower, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return lower;   // not a name IDNA takes: counted as written, and no name asked for can match it
        }
    }

    /** Trimmed, without the final dots of an absolute name, in lower case. */
    private static String lowerWithoutDot(String raw) {
        String name = raw.trim();
        while (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        return name.toLowerCase(Locale.ROOT);
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** Letters, digits, hyphens and underscores in non-empty labels of at most 63, 253 in all. */
    static boolean isHostName(String s) {
        if (s.isEmpty() || s.length() > 253) {
            return false;
        }
        int labelLength = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.') {
                if (labelLength == 0) {
                    return false;
                }
                labelLength = 0;
            } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
                if (++labelLength > 63) {
                    return false;
                }
            } else {
                return false;
            }
        }
        return labelLength > 0;
    }
}
