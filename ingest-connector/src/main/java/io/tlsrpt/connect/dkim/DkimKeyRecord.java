package io.tlsrpt.connect.dkim;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A selector's key record (RFC 6376 section 3.6.1; ed25519 keys per RFC 8463), parsed into a usable key.
 * {@code strictDomain} is its t=s flag: the signature's i= must then be in d= itself, not a subdomain.
 */
record DkimKeyRecord(String keyType, PublicKey key, boolean strictDomain) {

    /** RFC 8301: keys shorter than this must not verify. */
    static final int MIN_RSA_BITS = 1024;
    /** The DER prefix of an Ed25519 SubjectPublicKeyInfo, before the raw 32-byte key (RFC 8410). */
    private static final byte[] ED25519_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    /** The first of the TXT records (each already joined from its strings) that is a usable key. */
    static DkimKeyRecord of(List<String> txtRecords, String algorithm) throws DkimException {
        if (txtRecords.isEmpty()) {
            throw DkimException.perm("no key record");
        }
        DkimException first = null;
        for (String txt : txtRecords) {
            try {
                return parse(txt, algorithm);
            } catch (DkimException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        throw first;
    }

    static DkimKeyRecord parse(String txt, String algorithm) throws DkimException {
        Map<String, String> tags = DkimSignature.tags(txt);
        if (tags.containsKey("v") && !tags.get("v").equals("DKIM1")) {
            throw DkimException.perm("key record v=" + tags.get("v") + ", not DKIM1");
        }
        String p = tags.get("p");
        if (p == null) {
            throw DkimException.perm("key record without p=");
        }
        if (p.isEmpty()) {
            throw DkimException.perm("key revoked (empty p=)");
        }
        String k = tags.getOrDefault("k", "rsa").toLowerCase(Locale.ROOT);
        String expected = algorithm.substring(0, algorithm.indexOf('-'));
        if (!k.equals(expected)) {
            throw DkimException.perm("key type k=" + k + " does not match a=" + algorithm);
        }
        if (tags.containsKey("h") && !List.of(tags.get("h").toLowerCase(Locale.ROOT).split(":")).contains("sha256")) {
            throw DkimException.perm("key record h=" + tags.get("h") + " does not allow sha256");
        }
        byte[] der = DkimSignature.base64(p, "p");
        PublicKey key;
        try {
            if (k.equals("rsa")) {
                key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
                BigInteger modulus = ((RSAPublicKey) key).getModulus();
                if (modulus.bitLength() < MIN_RSA_BITS) {
                    throw DkimException.perm("RSA key of " + modulus.bitLength() + " bits, under " + MIN_RSA_BITS);
                }
            } else {
                if (der.length != 32) {
                    throw DkimException.perm("ed25519 key of " + der.length + " bytes, not 32");
                }
                byte[] spki = new byte[ED25519_PREFIX.length + 32];
                System.arraycopy(ED25519_PREFIX, 0, spki, 0, ED25519_PREFIX.length);
                System.arraycopy(der, 0, spki, ED25519_PREFIX.length, 32);
                key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
            }
        } catch (GeneralSecurityException | ClassCastException e) {
            throw DkimException.perm("unusable " + k + " key: " + e.getMessage());
        }
        boolean strict = List.of(tags.getOrDefault("t", "").split(":")).contains("s");
        return new DkimKeyRecord(k, key, strict);
    }
}
