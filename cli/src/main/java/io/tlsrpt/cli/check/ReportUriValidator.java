package io.tlsrpt.cli.check;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks one {@code tlsrpt-uri} of a {@code rua} list: an RFC 3986 URI with the {@code mailto:} (RFC 6068) or
 * {@code https:} scheme, in which commas, {@code !} and {@code ;} are percent-encoded (RFC 8460 section 3).
 */
final class ReportUriValidator {

    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*):");
    /** RFC 5322 atext, the characters of a dot-atom local part. */
    private static final Pattern DOT_ATOM = Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*");
    private static final Pattern HOST_LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    /** Characters RFC 3986 allows literally somewhere in a URI (unreserved, gen-delims, sub-delims, '%'). */
    private static final String URI_CHARS =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%";

    private ReportUriValidator() {
    }

    /** Adds what is wrong with {@code uri} to {@code out}; returns true when the URI is usable. */
    static boolean validate(String uri, Findings out) {
        Findings f = new Findings();
        if (!genericSyntax(uri, f)) {
            out.addAll(f);
            return false;
        }
        Matcher m = SCHEME.matcher(uri);
        if (!m.find()) {
            notAUri(uri, f);
            out.addAll(f);
            return false;
        }
        String scheme = m.group(1);
        String rest = uri.substring(m.end());
        String lower = scheme.toLowerCase(Locale.ROOT);
        if (!scheme.equals(lower) && (lower.equals("mailto") || lower.equals("https"))) {
            f.warning("uri-scheme-case", "'" + uri + "': write the scheme in lower case (" + lower + ":); schemes are "
                + "case-insensitive, but some reporters compare them literally");
        }
        switch (lower) {
            case "mailto" -> mailto(uri, rest, f);
            case "https" -> https(uri, rest, f);
            case "http" -> f.error("uri-http", "'" + uri + "': plain http is not allowed, reports are posted over https "
                + "only: write " + "https:" + rest);
            default -> {
                f.error("uri-scheme", "'" + uri + "': the scheme " + scheme + ": is not supported; TLS-RPT reports "
                    + "go to mailto: or https: URIs, e.g. mailto:tlsrpt@example.com or https://example.com/tlsrpt");
            }
        }
        out.addAll(f);
        return !f.hasErrors();
    }

    /** Characters and percent-encoding that no URI may break. */
    private static boolean genericSyntax(String uri, Findings f) {
        boolean ok = true;
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c == '!') {
                f.error("uri-unencoded-exclamation", "'" + uri + "': '!' must be percent-encoded in a TLS-RPT URI "
                    + "(RFC 8460 section 3): write %21 instead of !");
                ok = false;
            } else if (c == ' ' || c == '\t') {
                f.error("uri-space", "'" + uri + "': a URI cannot contain spaces: remove them, or write %20 if the "
                    + "space belongs in the URI");
                ok = false;
            } else if (c > 0x7e || c < 0x20) {
                f.error("uri-non-ascii", "'" + uri + "': character U+" + String.format("%04X", (int) c)
                    + " is not allowed in a URI: percent-encode its UTF-8 bytes (e.g. %C3%A9 for é), and write "
                    + "internationalized domain names as A-labels (xn--...)");
                ok = false;
            } else if (c == '%') {
                if (i + 2 >= uri.length() || !isHex(uri.charAt(i + 1)) || !isHex(uri.charAt(i + 2))) {
                    f.error("uri-bad-percent", "'" + uri + "': '%' must start a percent-encoding of two hex digits "
                        + "(e.g. %2C); write %25 for a literal %");
                    ok = false;
                }
            } else if (URI_CHARS.indexOf(c) < 0) {
                f.error("uri-bad-character", "'" + uri + "': '" + c + "' is not allowed in a URI: write "
                    + String.format("%%%02X", (int) c));
                ok = false;
            }
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static void notAUri(String uri, Findings f) {
        if (uri.contains("@") && !uri.contains(":")) {
            f.error("uri-missing-scheme", "'" + uri + "' is an e-mail address, not a URI: write mailto:" + uri);
        } else if (uri.startsWith("//") || uri.toLowerCase(Locale.ROOT).startsWith("www.")) {
            f.error("uri-missing-scheme", "'" + uri + "' has no scheme: write https://" + uri.replaceFirst("^//", ""));
        } else {
            f.error("uri-not-a-uri", "'" + uri + "' is not a URI: write mailto:address@example.com or "
                + "https://host.example.com/path");
        }
    }

    private static void mailto(String uri, String rest, Findings f) {
        if (rest.startsWith("//")) {
            f.error("mailto-slashes", "'" + uri + "': mailto: URIs take no '//': write mailto:" + rest.substring(2));
            return;
        }
        int fragment = rest.indexOf('#');
        if (fragment >= 0) {
            f.error("mailto-fragment", "'" + uri + "': a mailto: URI has no #fragment: remove '" + rest.substring(fragment) + "'");
            rest = rest.substring(0, fragment);
        }
        int query = rest.indexOf('?');
        if (query >= 0) {
            f.warning("mailto-headers", "'" + uri + "': header fields after '?' (" + rest.substring(query)
                + ") are ignored by reporters: write mailto:" + rest.substring(0, query));
            rest = rest.substring(0, query);
        }
        if (rest.isEmpty()) {
            f.error("mailto-empty", "'" + uri + "': the mailto: URI has no address: write mailto:tlsrpt@example.com");
            return;
        }
        String address = percentDecode(rest);
        if (address == null) {
            f.error("mailto-bad-encoding", "'" + uri + "': the percent-encoded bytes are not UTF-8: "
                + "encode characters as the %XX of their UTF-8 bytes");
            return;
        }
        int at = address.lastIndexOf('@');
        if (at < 0) {
            f.error("mailto-no-at", "'" + uri + "': '" + address + "' is not an e-mail address (no '@'): write "
                + "mailto:local-part@domain");
            return;
        }
        String local = address.substring(0, at);
        String domain = address.substring(at + 1);
        if (local.isEmpty()) {
            f.error("mailto-no-local-part", "'" + uri + "': the address has nothing before '@': write mailto:tlsrpt@" + domain);
        } else if (!DOT_ATOM.matcher(local).matches() && !(local.length() >= 2 && local.startsWith("\"") && local.endsWith("\""))) {
            f.error("mailto-bad-local-part", "'" + uri + "': '" + local + "' is not a valid local part (RFC 5322 "
                + "dot-atom: letters, digits and !#$%&'*+/=?^_`{|}~- separated by single dots)");
        }
        if (domain.isEmpty()) {
            f.error("mailto-no-domain", "'" + uri + "': the address has no domain after '@': write mailto:" + local
                + "@example.com");
        } else if (domain.startsWith("[") && domain.endsWith("]")) {
            f.warning("mailto-address-literal", "'" + uri + "': an address literal as the domain is rarely accepted: "
                + "use a domain name");
        } else {
            hostName(uri, domain, f, "mailto");
        }
    }

    private static void https(String uri, String rest, Findings f) {
        if (!rest.startsWith("//")) {
            f.error("https-no-authority", "'" + uri + "': an https: URI needs '//' and a host: write https://"
                + rest.replaceFirst("^/+", ""));
            return;
        }
        String afterSlashes = rest.substring(2);
        int end = afterSlashes.length();
        for (char c : new char[] {'/', '?', '#'}) {
            int i = afterSlashes.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        String authority = afterSlashes.substring(0, end);
        String pathEtc = afterSlashes.substring(end);
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            f.warning("https-userinfo", "'" + uri + "': credentials in the URI ('" + authority.substring(0, at)
                + "@') are deprecated for https and visible to everyone who reads DNS: remove them");
            authority = authority.substring(at + 1);
        }
        String host = authority;
        String port = null;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                f.error("https-bad-host", "'" + uri + "': the IPv6 address has no closing ']': write "
                + "https://[2001:db8::1]/path");
                return;
            }
            host = authority.substring(0, close + 1);
            String after = authority.substring(close + 1);
            if (after.startsWith(":")) {
                port = after.substring(1);
            } else if (!after.isEmpty()) {
                f.error("https-bad-host", "'" + uri + "': unexpected '" + after + "' after the IPv6 address: "
                    + "write https://[address]:port/path");
                return;
            }
        } else {
            int colon = authority.lastIndexOf(':');
            if (colon >= 0) {
                host = authority.substring(0, colon);
                port = authority.substring(colon + 1);
            }
        }
        if (host.isEmpty()) {
            f.error("https-no-host", "'" + uri + "': the URI has no host: write https://reports.example.com/tlsrpt");
            return;
        }
        if (port != null && !port.isEmpty()) {
            if (!port.chars().allMatch(Character::isDigit) || port.length() > 5 || Integer.parseInt(port) > 65535
                || Integer.parseInt(port) == 0) {
                f.error("https-bad-port", "'" + uri + "': port '" + port + "' is not a number from 1 to 65535");
            }
        }
        if (pathEtc.indexOf('[') >= 0 || pathEtc.indexOf(']') >= 0) {
            f.error("uri-bad-character", "'" + uri + "': '[' and ']' are only allowed around an IPv6 host: write %5B "
                + "and %5D in the path");
        }
        int fragment = pathEtc.indexOf('#');
        if (fragment >= 0) {
            f.warning("https-fragment", "'" + uri + "': the #fragment is never sent to the server: remove '"
                + pathEtc.substring(fragment) + "'");
        }
        if (host.startsWith("[") || IPV4.matcher(host).matches()) {
            return;
        }
        if (host.contains("%")) {
            f.error("https-bad-host", "'" + uri + "': write the host name without percent-encoding (IDNs as A-labels, "
                + "xn--...)");
            return;
        }
        hostName(uri, host, f, "https");
    }

    private static void hostName(String uri, String host, Findings f, String kind) {
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (name.isEmpty() || name.length() > 253) {
            f.error(kind + "-bad-domain", "'" + uri + "': '" + host + "' is not a valid domain name");
            return;
        }
        for (String label : name.split("\\.", -1)) {
            if (!HOST_LABEL.matcher(label).matches()) {
                f.error(kind + "-bad-domain", "'" + uri + "': '" + host + "' is not a valid domain name (label '"
                    + label + "': labels are 1 to 63 letters, digits and hyphens, not starting or ending with a hyphen; "
                    + "internationalized names are written as A-labels, xn--...)");
                return;
            }
        }
        if (!name.contains(".")) {
            f.warning(kind + "-single-label-domain", "'" + uri + "': '" + host + "' has no dot: write the fully "
                + "qualified domain name (e.g. " + host + ".example.com)");
        }
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** Decodes %XX sequences as UTF-8; null when the bytes are not UTF-8 (the syntax was checked before). */
    private static String percentDecode(String s) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                bytes.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes.toByteArray()))
                .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
