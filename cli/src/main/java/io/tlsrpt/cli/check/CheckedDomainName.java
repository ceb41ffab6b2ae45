package io.tlsrpt.cli.check;

import java.net.IDN;
import java.util.Locale;
import java.util.regex.Pattern;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/** A domain name as given on a command line, made the ASCII, lower-case name every check queries under. */
public final class CheckedDomainName {

    private static final Pattern DOMAIN =
        Pattern.compile("([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\\.)*[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");

    /** 253 minus the longest prefix queried, "_smtp._tls.". */
    private static final int MAX_DOMAIN = 253 - "_smtp._tls.".length();

    private CheckedDomainName() {
    }

    /**
     * @return the name in ASCII (IDNA), lower case, without a final dot
     * @throws IllegalArgumentException saying why {@code given} is not a domain to check
     */
    public static String ascii(String given) {
        String s = given.endsWith(".") ? given.substring(0, given.length() - 1) : given;
        try {
            s = IDN.toASCII(s, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
            Name.fromString(s + ".");
        } catch (IllegalArgumentException | TextParseException e) {
            throw new IllegalArgumentException("'" + given + "' is not a valid domain name: " + e.getMessage(), e);
        }
        if (s.isEmpty() || s.startsWith("_smtp._tls.")) {
            throw new IllegalArgumentException("give the domain itself (e.g. example.com), not " + given);
        }
        if (s.length() > MAX_DOMAIN || !DOMAIN.matcher(s).matches()) {
            throw new IllegalArgumentException("'" + given + "' is not a valid domain name: labels are letters, "
                + "digits and hyphens, separated by single dots, at most " + MAX_DOMAIN + " characters (so that "
                + "_smtp._tls.DOMAIN fits)");
        }
        return s;
    }
}
