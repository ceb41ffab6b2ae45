package io.tlsrpt.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Certificates and private keys in PEM files, as Kubernetes secrets and cert-manager hold them ({@code tls.crt},
 * {@code tls.key}, {@code ca.crt}). Every failure is an {@link IllegalArgumentException} naming the file and what is
 * wrong with it, for the configuration check's message.
 */
public final class PemFiles {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

    private PemFiles() {
    }

    /** The certificates of {@code file}, in order (a server's: its own first, then the intermediates). */
    public static List<X509Certificate> certificates(Path file) {
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Block block : blocks(file)) {
                if (block.type().equals("CERTIFICATE")) {
                    certificates.add((X509Certificate) factory.generateCertificate(
                            new ByteArrayInputStream(block.der())));
                }
            }
        } catch (CertificateException e) {
            throw new IllegalArgumentException(file + ": not a readable certificate (" + e.getMessage() + ")", e);
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(file + ": no PEM certificate (-----BEGIN CERTIFICATE-----) in it");
        }
        return certificates;
    }

    /**
     * The unencrypted PKCS#8 private key ({@code -----BEGIN PRIVATE KEY-----}, RSA or EC) of {@code file}. The older
     * PKCS#1 and SEC1 forms ({@code BEGIN RSA PRIVATE KEY}, {@code BEGIN EC PRIVATE KEY}) are refused with the
     * command that converts them.
     */
    public static PrivateKey privateKey(Path file) {
        return privateKey(file.toString(), read(file));
    }

    /**
     * The unencrypted PKCS#8 private key of the PEM text {@code pem} (e.g. a Google service account key file's
     * {@code private_key}), as {@link #privateKey(Path)}; {@code name} says where it came from in messages.
     */
    public static PrivateKey privateKey(String name, String pem) {
        for (Block block : blocks(name, pem)) {
            switch (block.type()) {
                case "PRIVATE KEY" -> {
                    return pkcs8(name, block.der());
                }
                case "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException(
                        name + ": a " + block.type() + "; an unencrypted PKCS#8 key (BEGIN PRIVATE KEY) is needed:"
                                + " convert it with `openssl pkcs8 -topk8 -nocrypt -in " + Path.of(name).getFileName()
                                + "`, or set cert-manager's privateKey.encoding: PKCS8");
                default -> {
                    // certificates beside the key in one file are allowed
                }
            }
        }
        throw new IllegalArgumentException(name + ": no PEM private key (-----BEGIN PRIVATE KEY-----) in it");
    }

    private static PrivateKey pkcs8(String file, byte[] der) {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        List<String> tried = List.of("RSA", "EC", "Ed25519", "RSASSA-PSS");
        for (String algorithm : tried) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException e) {
                // not this algorithm's key: the next is tried, and the message below names them all
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
        }
        throw new IllegalArgumentException(file + ": a PKCS#8 key of none of " + tried);
    }

    private record Block(String type, byte[] der) {
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<Block> blocks(Path file) {
        return blocks(file.toString(), read(file));
    }

    private static List<Block> blocks(String file, String text) {
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            try {
                blocks.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": a " + m.group(1) + " that is not base64: "
                        + e.getMessage(), e);
            }
        }
        return blocks;
    }

    /**
     * Whether {@code key} signs what the certificate's public key verifies (a server's pair, an OAuth client's
     * certificate credential).
     */
    public static boolean belongTogether(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            // a key type without a plain signature here (RSASSA-PSS): the first handshake will tell
            return key.getAlgorithm().equals(certificate.getPublicKey().getAlgorithm());
        }
        byte[] probe = "tlsrpt key check".getBytes(StandardCharsets.US_ASCII);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            // a key of one type and a certificate of another
            return false;
        }
    }
}
