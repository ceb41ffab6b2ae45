package io.tlsrpt.connect.dkim;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The tags of one DKIM-Signature header field (RFC 6376 section 3.5), checked as section 6.1.1 says. A signature
 * that fails a check is a {@link DkimException} with result permerror; the field's text is kept to hash it later.
 *
 * @param algorithm      {@code rsa-sha256} or {@code ed25519-sha256} (rsa-sha1 is refused: RFC 8301)
 * @param signature      b=, decoded
 * @param bodyHash       bh=, decoded
 * @param header         c= for the header fields
 * @param body           c= for the body
 * @param domain         d=, lower case
 * @param selector       s=
 * @param signedHeaders  h=, lower case, in order
 * @param identityDomain the domain of i= (d= without it)
 * @param signedAt       t= (epoch seconds), or -1
 * @param expiresAt      x= (epoch seconds), or -1
 * @param fieldText      the whole DKIM-Signature field, as folded in the mail
 */
record DkimSignature(String algorithm, byte[] signature, byte[] bodyHash, DkimCanonicalization header,
                     DkimCanonicalization body, String domain, String selector, List<String> signedHeaders,
                     String identityDomain, long signedAt, long expiresAt, String fieldText) {

    static DkimSignature parse(String fieldText) throws DkimException {
        Map<String, String> tags = tags(fieldText.substring(fieldText.indexOf(':') + 1));
        for (String required : List.of("v", "a", "b", "bh", "d", "h", "s")) {
            if (!tags.containsKey(required)) {
                throw DkimException.perm("no " + required + "= tag");
            }
        }
        if (!tags.get("v").equals("1")) {
            throw DkimException.perm("v=" + tags.get("v") + ", not 1");
        }
        String algorithm = tags.get("a").toLowerCase(Locale.ROOT);
        if (algorithm.equals("rsa-sha1")) {
            throw DkimException.perm("rsa-sha1 is not accepted any more (RFC 8301)");
        }
        if (!algorithm.equals("rsa-sha256") && !algorithm.equals("ed25519-sha256")) {
            throw DkimException.perm("unknown algorithm a=" + algorithm);
        }
        if (tags.containsKey("l")) {
            // RFC 8460 section 3: a report's signature covers the whole body; l= would let anything be appended
            throw DkimException.perm("l= tag (RFC 8460 forbids it for reports)");
        }
        String[] c = tags.getOrDefault("c", "simple/simple").toLowerCase(Locale.ROOT).split("/", -1);
        DkimCanonicalization header;
        DkimCanonicalization body;
        try {
            header = DkimCanonicalization.of(c[0]);
            body = DkimCanonicalization.of(c.length > 1 ? c[1] : "simple");
        } catch (IllegalArgumentException e) {
            throw DkimException.perm("c=" + tags.get("c") + ": " + e.getMessage());
        }
        String domain = tags.get("d").toLowerCase(Locale.ROOT);
        List<String> signed = new ArrayList<>();
        for (String name : tags.get("h").split(":")) {
            if (!name.isBlank()) {
                signed.add(name.trim().toLowerCase(Locale.ROOT));
            }
        }
        if (!signed.contains("from")) {
            throw DkimException.perm("h= does not sign the From field");
        }
        String iDomain = domain;
        if (tags.containsKey("i")) {
            String i = tags.get("i").toLowerCase(Locale.ROOT);
            iDomain = i.substring(i.indexOf('@') + 1);
            if (!iDomain.equals(domain) && !iDomain.endsWith("." + domain)) {
                throw DkimException.perm("i=" + tags.get("i") + " is not in d=" + domain);
            }
        }
        long t = number(tags, "t");
        long x = number(tags, "x");
        if (t >= 0 && x >= 0 && x < t) {
            throw DkimException.perm("x= before t=");
        }
        return new DkimSignature(algorithm, base64(tags.get("b"), "b"), base64(tags.get("bh"), "bh"), header, body,
                domain, tags.get("s"), List.copyOf(signed), iDomain, t, x, fieldText);
    }

    /** tag=value pairs separated by ';', folding white space removed from values (where it may occur). */
    static Map<String, String> tags(String list) throws DkimException {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String part : list.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw DkimException.perm("malformed tag '" + part.trim() + "'");
            }
            String name = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).replaceAll("[ \\t\\r\\n]+", " ").trim();
            if (name.equals("b") || name.equals("bh") || name.equals("p") || name.equals("h")) {
                value = value.replace(" ", "");
            }
            if (tags.put(name, value) != null) {
                throw DkimException.perm("tag " + name + "= twice");
            }
        }
        return tags;
    }

    private static long number(Map<String, String> tags, String name) throws DkimException {
        String v = tags.get(name);
        if (v == null) {
            return -1;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw DkimException.perm(name + "=" + v + " is not a number");
        }
    }

    static byte[] base64(String value, String tag) throws DkimException {
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw DkimException.perm(tag + "= is not base64");
        }
    }

    /** Where the public key is: {@code selector._domainkey.domain}. */
    String keyName() {
        return selector + "._domainkey." + domain;
    }

    /** The field as hashed: its b= value removed (RFC 6376 section 3.7), canonicalized, without the final CRLF. */
    String canonicalWithoutSignature() {
        int colon = fieldText.indexOf(':') + 1;
        String withoutB = fieldText.substring(0, colon)
                + fieldText.substring(colon).replaceAll("((?:^|;)[ \\t\\r\\n]*b[ \\t\\r\\n]*=)[^;]*", "$1");
        String canonical = header.header(withoutB);
        return canonical.substring(0, canonical.length() - 2);
    }
}
