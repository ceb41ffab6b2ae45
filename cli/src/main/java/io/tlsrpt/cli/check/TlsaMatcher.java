package io.tlsrpt.cli.check;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Judges a presented certificate chain against TLSA records as an SMTP sender does (RFC 7672 section 3.1, RFC 6698
 * section 2.1): DANE-EE (usage 3) matches the server's own certificate or public key, whatever its names and dates;
 * DANE-TA (usage 2) matches a certificate the server sends after its own, which must then sign the chain down to the
 * server's certificate, and that certificate must name the host. PKIX usages (0, 1) are unusable for SMTP.
 */
public final class TlsaMatcher {

    /** One TLSA record's fields. */
    record Tlsa(int usage, int selector, int matchingType, byte[] data) {

        /** From its presentation form, "3 1 1 0A1B..." (what dnsjava's {@code rdataToString} writes). */
        static Tlsa parse(String text) {
            String[] f = text.trim().split("\\s+", 4);
            if (f.length < 4) {
                throw new IllegalArgumentException("not a TLSA record: " + text);
            }
            return new Tlsa(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]),
                HexFormat.of().parseHex(f[3].replaceAll("\\s", "").toLowerCase(Locale.ROOT)));
        }

        boolean usable() {
            return (usage == 2 || usage == 3) && (selector == 0 || selector == 1) && matchingType >= 0
                && matchingType <= 2;
        }

        String fields() {
            return usage + " " + selector + " " + matchingType;
        }

        boolean matches(X509Certificate cert) {
            try {
                byte[] selected = selector == 0 ? cert.getEncoded() : cert.getPublicKey().getEncoded();
                byte[] digest = switch (matchingType) {
                    case 0 -> selected;
                    case 1 -> MessageDigest.getInstance("SHA-256").digest(selected);
                    default -> MessageDigest.getInstance("SHA-512").digest(selected);
                };
                return MessageDigest.isEqual(digest, data);
            } catch (CertificateEncodingException e) {
                return false;   // a certificate that cannot be encoded matches nothing
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JDK has no SHA-2", e);
            }
        }
    }

    private TlsaMatcher() {
    }

    /**
     * @param tlsa the host's TLSA records in presentation form (not empty)
     * @param chain the chain as presented, the server's certificate first
     * @param host the MX host name the certificate must name under DANE-TA
     */
    public static DaneMatch match(List<String> tlsa, List<X509Certificate> chain, String host) {
        List<Tlsa> usable = new ArrayList<>();
        for (String text : tlsa) {
            Tlsa record;
            try {
                record = Tlsa.parse(text);
            } catch (IllegalArgumentException e) {
                continue;   // malformed: unusable, as a sender treats it; counted below
            }
            if (record.usable()) {
                usable.add(record);
            }
        }
        if (usable.isEmpty()) {
            return new DaneMatch(DaneMatch.Verdict.UNUSABLE, null, "none of its " + tlsa.size() + " TLSA record(s) is "
                + "usable for SMTP (RFC 7672: usage 2 or 3, selector 0 or 1, matching type 0 to 2): DANE senders "
                + "require TLS but authenticate no certificate");
        }
        String anchorWithoutName = null;
        for (Tlsa record : usable) {
            if (record.usage() == 3 && record.matches(chain.get(0))) {
                return new DaneMatch(DaneMatch.Verdict.MATCH, record.fields(), "the server's certificate matches TLSA "
                    + record.fields() + " (DANE-EE: its names and dates are not checked)");
            }
            if (record.usage() == 2) {
                for (int i = 1; i < chain.size(); i++) {
                    if (record.matches(chain.get(i)) && signedDownFrom(chain, i)) {
                        if (SmtpTlsProbe.nameMatches(chain.get(0), host)) {
                            return new DaneMatch(DaneMatch.Verdict.MATCH, record.fields(), "the chain reaches the "
                                + "trust anchor of TLSA " + record.fields() + " (" + subject(chain.get(i))
                                + ") and the certificate names " + host);
                        }
                        anchorWithoutName = record.fields();
                    }
                }
            }
        }
        if (anchorWithoutName != null) {
            return new DaneMatch(DaneMatch.Verdict.MISMATCH, null, "the chain reaches the trust anchor of TLSA "
                + anchorWithoutName + " but the certificate (" + subject(chain.get(0)) + ") does not name " + host
                + ": DANE senders defer the mail");
        }
        return new DaneMatch(DaneMatch.Verdict.MISMATCH, null, "the certificate (" + subject(chain.get(0))
            + ") matches none of the " + usable.size() + " usable TLSA record(s) ("
            + String.join(", ", usable.stream().map(Tlsa::fields).distinct().toList())
            + "): DANE senders defer the mail");
    }

    /** Each certificate from the server's up to {@code anchor} is signed by the next. */
    private static boolean signedDownFrom(List<X509Certificate> chain, int anchor) {
        for (int i = 0; i < anchor; i++) {
            try {
                chain.get(i).verify(chain.get(i + 1).getPublicKey());
            } catch (GeneralSecurityException e) {
                return false;
            }
        }
        return true;
    }

    private static String subject(X509Certificate cert) {
        return cert.getSubjectX500Principal().getName();
    }
}
