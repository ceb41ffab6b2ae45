package io.tlsrpt.connect.dkim;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.Base64;

/**
 * Signs test mails as a sending MTA would (RFC 6376 section 5), with the canonicalization classes under test: the
 * real Google mail in {@link DkimVerifierTest} anchors them to a signature made elsewhere.
 */
public final class TestSigner {

    final KeyPair keys;
    final String algorithm;

    public TestSigner(String algorithm) throws Exception {
        this.algorithm = algorithm;
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm.startsWith("rsa") ? "RSA" : "Ed25519");
        if (algorithm.startsWith("rsa")) {
            generator.initialize(2048);
        }
        this.keys = generator.generateKeyPair();
    }

    /** The TXT record publishing the public key. */
    public String keyRecord() {
        byte[] der = keys.getPublic().getEncoded();
        if (algorithm.startsWith("rsa")) {
            return "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(der);
        }
        byte[] raw = java.util.Arrays.copyOfRange(der, der.length - 32, der.length);
        return "v=DKIM1; k=ed25519; p=" + Base64.getEncoder().encodeToString(raw);
    }

    /** The mail with a DKIM-Signature field on top: {@code extraTags} go before h= (e.g. "t=1; x=2; "). */
    public byte[] sign(String mail, String domain, String selector, String canonicalization, String signedHeaders,
                String extraTags) throws Exception {
        MailMessage message = MailMessage.parse(mail.getBytes(StandardCharsets.ISO_8859_1));
        String[] c = canonicalization.split("/");
        String bodyHash = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(
                DkimCanonicalization.of(c[1]).body(message.body()).getBytes(StandardCharsets.ISO_8859_1)));
        String unsigned = "DKIM-Signature: v=1; a=" + algorithm + "; c=" + canonicalization + "; d=" + domain
                + "; s=" + selector + ";\r\n\t" + extraTags + "h=" + signedHeaders + ";\r\n\tbh=" + bodyHash + "; b=";
        DkimSignature parsed = DkimSignature.parse(unsigned + "AA==");
        byte[] data = DkimVerifier.signedData(message, parsed).getBytes(StandardCharsets.ISO_8859_1);
        Signature signer;
        if (algorithm.startsWith("rsa")) {
            signer = Signature.getInstance("SHA256withRSA");
        } else {
            signer = Signature.getInstance("Ed25519");
            data = MessageDigest.getInstance("SHA-256").digest(data);
        }
        signer.initSign(keys.getPrivate());
        signer.update(data);
        String b = Base64.getEncoder().encodeToString(signer.sign());
        // folded as MTAs fold it: the verifier must take the value's folding white space out
        String folded = b.substring(0, 40) + "\r\n\t " + b.substring(40);
        return (unsigned + folded + "\r\n" + mail).getBytes(StandardCharsets.ISO_8859_1);
    }
}
