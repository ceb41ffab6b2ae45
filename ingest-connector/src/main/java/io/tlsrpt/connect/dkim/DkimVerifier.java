package io.tlsrpt.connect.dkim;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Verifies a mail's DKIM signatures (RFC 6376 section 6.1) with rsa-sha256 and ed25519-sha256. The first five
 * DKIM-Signature fields are tried in order; the mail passes when one of them verifies. Otherwise the verdict is the
 * first signature's (a forged mail fails on the signature it carries, not on an unrelated one). Never throws on bad
 * input: every problem is a verdict.
 */
public final class DkimVerifier {

    private static final int MAX_SIGNATURES = 5;

    private final DkimKeys keys;
    private final Clock clock;

    DkimVerifier(DkimKeys keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /** Verifies with keys from DNS. */
    public static DkimVerifier withDns(DnsDkimKeys keys) {
        return new DkimVerifier(keys, Clock.systemUTC());
    }

    public DkimResult verify(byte[] mail) {
        return verify(mail, clock.instant());
    }

    /**
     * The verdict as of {@code at} (the expiry x= is judged then): a mail verified again later, when its key could
     * not be fetched at its arrival, is judged as of its arrival.
     */
    public DkimResult verify(byte[] mail, java.time.Instant at) {
        MailMessage message = MailMessage.parse(mail);
        List<MailMessage.Field> signatures = message.fields("dkim-signature");
        if (signatures.isEmpty()) {
            return DkimResult.none();
        }
        DkimResult first = null;
        for (MailMessage.Field field : signatures.subList(0, Math.min(MAX_SIGNATURES, signatures.size()))) {
            DkimResult result = verifyOne(message, field, at.getEpochSecond());
            if (result.status() == DkimResult.Status.PASS) {
                return result;
            }
            if (first == null) {
                first = result;
            }
        }
        return first;
    }

    private DkimResult verifyOne(MailMessage message, MailMessage.Field field, long now) {
        DkimSignature signature;
        try {
            signature = DkimSignature.parse(field.text());
        } catch (DkimException e) {
            Map<String, String> tags = lenientTags(field.text());
            return new DkimResult(e.status(), tags.get("d"), tags.get("s"), e.getMessage());
        }
        try {
            check(message, signature, now);
            return new DkimResult(DkimResult.Status.PASS, signature.domain(), signature.selector(), null);
        } catch (DkimException e) {
            return new DkimResult(e.status(), signature.domain(), signature.selector(), e.getMessage());
        } catch (SignatureMismatch e) {
            return new DkimResult(DkimResult.Status.FAIL, signature.domain(), signature.selector(), e.getMessage());
        } catch (RuntimeException e) {
            // a mail shaped as no test foresaw: a verdict that says so, never an exception in the mail source's loop
            return new DkimResult(DkimResult.Status.PERMERROR, signature.domain(), signature.selector(),
                    "unreadable mail: " + e);
        }
    }

    /** A signature that verifies, or why not. */
    private void check(MailMessage message, DkimSignature signature, long now)
            throws DkimException, SignatureMismatch {
        if (signature.expiresAt() >= 0 && now > signature.expiresAt()) {
            throw new SignatureMismatch("signature expired at x=" + signature.expiresAt());
        }
        byte[] bodyHash = sha256(signature.body().body(message.body()));
        if (!MessageDigest.isEqual(bodyHash, signature.bodyHash())) {
            throw new SignatureMismatch("body hash mismatch: the body was changed after signing");
        }
        DkimKeyRecord key = DkimKeyRecord.of(keys.txt(signature.keyName()), signature.algorithm());
        if (key.strictDomain() && !signature.identityDomain().equals(signature.domain())) {
            throw DkimException.perm("the key's t=s allows no subdomain in i=, and i= is in "
                    + signature.identityDomain());
        }
        byte[] signed = signedData(message, signature).getBytes(StandardCharsets.ISO_8859_1);
        boolean valid;
        try {
            Signature verifier;
            if (key.keyType().equals("rsa")) {
                verifier = Signature.getInstance("SHA256withRSA");
            } else {
                verifier = Signature.getInstance("Ed25519");
                signed = sha256(new String(signed, StandardCharsets.ISO_8859_1));   // RFC 8463: Ed25519 of the hash
            }
            verifier.initVerify(key.key());
            verifier.update(signed);
            valid = verifier.verify(signature.signature());
        } catch (GeneralSecurityException e) {
            throw new SignatureMismatch("signature unreadable: " + e.getMessage());
        }
        if (!valid) {
            throw new SignatureMismatch("signature mismatch: a signed header field was changed, or the key is not the"
                    + " signer's");
        }
    }

    /** RFC 6376 section 5.4.2: each h= name takes the bottom-most field not yet taken; then the signature itself. */
    static String signedData(MailMessage message, DkimSignature signature) {
        StringBuilder data = new StringBuilder();
        Map<String, Integer> taken = new HashMap<>();
        for (String name : signature.signedHeaders()) {
            List<MailMessage.Field> fields = message.fields(name);
            int used = taken.merge(name, 1, Integer::sum);
            int index = fields.size() - used;
            if (index >= 0) {
                data.append(signature.header().header(fields.get(index).text()));
            }
        }
        return data.append(signature.canonicalWithoutSignature()).toString();
    }

    private static byte[] sha256(String canonical) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.ISO_8859_1));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    private static Map<String, String> lenientTags(String text) {
        Map<String, String> tags = new HashMap<>();
        for (String part : text.substring(text.indexOf(':') + 1).split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                tags.putIfAbsent(part.substring(0, eq).trim(),
                        part.substring(eq + 1).trim().toLowerCase(java.util.Locale.ROOT));
            }
        }
        return tags;
    }

    /** The signature does not verify. */
    private static final class SignatureMismatch extends Exception {
        private static final long serialVersionUID = 1L;

        SignatureMismatch(String message) {
            super(message);
        }
    }
}
