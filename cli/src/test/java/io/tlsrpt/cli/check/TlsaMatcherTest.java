package io.tlsrpt.cli.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** TLSA records against real certificate chains (keytool's), as a DANE sender judges them (RFC 7672 section 3.1). */
class TlsaMatcherTest {

    private static final String HOST = "mx.example.org";
    static List<X509Certificate> chain;
    static List<X509Certificate> other;

    @BeforeAll
    static void pki() throws Exception {
        chain = TestPki.create(List.of(HOST)).serverChain();
        other = TestPki.create(List.of(HOST)).serverChain();
    }

    /** The association data of {@code cert} for that selector and matching type. */
    private static String tlsa(int usage, int selector, int matchingType, X509Certificate cert) throws Exception {
        byte[] selected = selector == 0 ? cert.getEncoded() : cert.getPublicKey().getEncoded();
        byte[] data = matchingType == 0 ? selected
            : MessageDigest.getInstance(matchingType == 1 ? "SHA-256" : "SHA-512").digest(selected);
        return usage + " " + selector + " " + matchingType + " " + HexFormat.of().withUpperCase().formatHex(data);
    }

    @Test
    void daneEeMatchesTheServersKeyOrCertificateWhateverItsNames() throws Exception {
        for (int[] sm : new int[][] {{1, 1}, {0, 1}, {1, 2}, {0, 0}, {1, 0}}) {
            DaneMatch m = TlsaMatcher.match(List.of(tlsa(3, sm[0], sm[1], chain.get(0))), chain, "another.host");
            assertThat(m.verdict()).as("3 %d %d", sm[0], sm[1]).isEqualTo(DaneMatch.Verdict.MATCH);
            assertThat(m.matched()).isEqualTo("3 " + sm[0] + " " + sm[1]);
        }
        assertThat(chain.get(0).getPublicKey().getEncoded()).as("selector 1 is the SubjectPublicKeyInfo's DER")
            .startsWith(0x30);
    }

    @Test
    void aReplacedKeyMatchesNoneOfTheOldRecords() throws Exception {
        List<String> records = List.of(tlsa(3, 1, 1, other.get(0)), tlsa(2, 1, 1, other.get(1)));

        DaneMatch m = TlsaMatcher.match(records, chain, HOST);

        assertThat(m.verdict()).isEqualTo(DaneMatch.Verdict.MISMATCH);
        assertThat(m.matched()).isNull();
        assertThat(m.detail()).contains("matches none of the 2 usable TLSA record(s) (3 1 1, 2 1 1)",
            "CN=" + HOST, "DANE senders defer the mail");
    }

    @Test
    void aRolloverPublishesTheNextKeyBesideTheCurrentOne() throws Exception {
        List<String> both = List.of(tlsa(3, 1, 1, other.get(0)), tlsa(3, 1, 1, chain.get(0)));

        assertThat(TlsaMatcher.match(both, chain, HOST).verdict()).isEqualTo(DaneMatch.Verdict.MATCH);
        assertThat(TlsaMatcher.match(both, other, HOST).verdict()).isEqualTo(DaneMatch.Verdict.MATCH);
    }

    @Test
    void daneTaMatchesTheAnchorTheServerSendsAndNeedsTheHostsName() throws Exception {
        List<String> anchor = List.of(tlsa(2, 0, 1, chain.get(1)));

        DaneMatch named = TlsaMatcher.match(anchor, chain, HOST);
        DaneMatch misnamed = TlsaMatcher.match(anchor, chain, "mx2.example.org");

        assertThat(named.verdict()).isEqualTo(DaneMatch.Verdict.MATCH);
        assertThat(named.detail()).contains("trust anchor of TLSA 2 0 1", "CN=TLS-RPT Test CA", "names " + HOST);
        assertThat(misnamed.verdict()).isEqualTo(DaneMatch.Verdict.MISMATCH);
        assertThat(misnamed.detail()).contains("does not name mx2.example.org");
        assertThat(TlsaMatcher.match(List.of(tlsa(2, 1, 1, chain.get(0))), chain, HOST).verdict())
            .as("DANE-TA names an issuer the server sends after its own certificate, not the certificate itself")
            .isEqualTo(DaneMatch.Verdict.MISMATCH);
    }

    @Test
    void anAnchorThatDidNotSignTheServersCertificateIsNoMatch() throws Exception {
        // the other PKI's certificate presented with this PKI's CA: the anchor matches but signed nothing here
        List<X509Certificate> spliced = List.of(other.get(0), chain.get(1));

        assertThat(TlsaMatcher.match(List.of(tlsa(2, 1, 1, chain.get(1))), spliced, HOST).verdict())
            .isEqualTo(DaneMatch.Verdict.MISMATCH);
    }

    @Test
    void pkixUsagesAndMalformedRecordsAreUnusableForSmtp() throws Exception {
        List<String> records = List.of(tlsa(1, 1, 1, chain.get(0)), tlsa(0, 0, 1, chain.get(1)), "3 1 9 00",
            "3 1 1 not-hex");

        DaneMatch m = TlsaMatcher.match(records, chain, HOST);

        assertThat(m.verdict()).isEqualTo(DaneMatch.Verdict.UNUSABLE);
        assertThat(m.detail()).contains("none of its 4 TLSA record(s) is usable", "require TLS");
    }

    @Test
    void presentationFormAsDnsjavaWritesIt() throws Exception {
        org.xbill.DNS.TLSARecord record = new org.xbill.DNS.TLSARecord(org.xbill.DNS.Name.fromString(
            "_25._tcp." + HOST + "."), org.xbill.DNS.DClass.IN, 300, 3, 1, 1,
            MessageDigest.getInstance("SHA-256").digest(chain.get(0).getPublicKey().getEncoded()));

        assertThat(TlsaMatcher.match(List.of(record.rdataToString()), chain, HOST).verdict())
            .isEqualTo(DaneMatch.Verdict.MATCH);
    }
}
