package io.tlsrpt.connect.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsrpt.connect.Corpus;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DkimVerifierTest {

    /**
     * google.com's published key for selector 20230601 (its DNS TXT record {@code 20230601._domainkey.google.com}),
     * which signed the real Google report mail of the corpus.
     */
    static final String GOOGLE_20230601 = "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA4zd3nfUoLHWFbfoPZzAb8bvj"
            + "sFIIFsNypweLuPe4M+vAP1YxObFxRnpvLYz7Z+bORKLber5aGmgFF9iaufsH1z0+aw8Qex7uDaafzWoJOM/6lAS5iI0JggZiUkqNpRQLL7H6E7"
            + "HcvOMC61nJcO4r0PwLDZKwEaCs8gUHiqRn/SS3wqEZX29v/VOUVcI4BjaOzOCLaz7V8Bkwmj4Rqq4kaLQQrbfpjas1naScHTAmzULj0Rdp+L1v"
            + "VyGitm+dd460PcTIG3Pn+FYrgQQo2fvnTcGiFFuMa8cpxgfH3rJztf1YFehLWwJWgeXTriuIyuxUabGdRQu7vh7GrObTsHmIHwIDAQAB";
    /** The Google mail was signed at t=1726485434 (2024-09-16T11:17:14Z) and expires at x=1727090234. */
    private static final Instant GOOGLE_RECEIVED = Instant.parse("2024-09-16T11:17:16Z");

    private final Map<String, List<String>> dns = new HashMap<>();
    private final DkimKeys keys = name -> {
        if (name.startsWith("down.")) {
            throw DkimException.temp("DNS: no answer for " + name + " (timed out)", null);
        }
        return dns.getOrDefault(name, List.of());
    };

    private DkimVerifier verifierAt(Instant now) {
        return new DkimVerifier(keys, Clock.fixed(now, ZoneOffset.UTC));
    }

    private static String mail(String subject, String body) {
        return "From: TLS Reporting <noreply@reporter.example>\r\nTo: tlsrpt@receiver.example\r\n"
                + "Subject: " + subject + "\r\nTLS-Report-Domain: receiver.example\r\n"
                + "TLS-Report-Submitter: reporter.example\r\nMIME-Version: 1.0\r\n\r\n" + body;
    }

    @Test
    void theRealGoogleReportMailVerifiesWithGooglesPublishedKey() {
        dns.put("20230601._domainkey.google.com", List.of(GOOGLE_20230601));
        DkimResult result = verifierAt(GOOGLE_RECEIVED).verify(Corpus.read("google-2024-09-15.eml"));
        assertThat(result.header()).isEqualTo("pass d=google.com s=20230601");
    }

    @Test
    void theRealGoogleMailFailsOnceChangedOrExpired() {
        dns.put("20230601._domainkey.google.com", List.of(GOOGLE_20230601));
        String google = new String(Corpus.read("google-2024-09-15.eml"), StandardCharsets.ISO_8859_1);

        byte[] otherSubject = google.replaceFirst("(?m)^Subject: ", "Subject: Re: ").getBytes(StandardCharsets.ISO_8859_1);
        assertThat(verifierAt(GOOGLE_RECEIVED).verify(otherSubject).header()).startsWith("fail d=google.com s=20230601")
                .contains("signature mismatch");

        int attachment = google.indexOf("H4sI");   // the gzip attachment's base64
        char flipped = google.charAt(attachment + 20) == 'Q' ? 'R' : 'Q';
        byte[] otherBody = (google.substring(0, attachment + 20) + flipped + google.substring(attachment + 21))
                .getBytes(StandardCharsets.ISO_8859_1);
        assertThat(verifierAt(GOOGLE_RECEIVED).verify(otherBody).header()).contains("body hash mismatch");

        assertThat(verifierAt(Instant.parse("2024-10-01T00:00:00Z")).verify(Corpus.read("google-2024-09-15.eml"))
                .header()).isEqualTo("fail d=google.com s=20230601 (signature expired at x=1727090234)");
    }

    /**
     * The other two real mails' public keys are not known here; their body hashes are: the relaxed body
     * canonicalization agrees with Microsoft's and Mail.ru's signers.
     */
    @Test
    void theBodyHashesOfTheOtherRealMailsAgree() {
        for (String name : List.of("microsoft-2024-09-13-sts-tlsa.eml", "mailru-2023-01-25.eml")) {
            DkimResult result = verifierAt(Instant.parse("2023-01-26T00:00:00Z")).verify(Corpus.read(name));
            assertThat(result.status()).as(name).isEqualTo(DkimResult.Status.PERMERROR);
            assertThat(result.reason()).as(name + ": past the body hash, no key in this test's DNS")
                    .isEqualTo("no key record");
        }
    }

    @Test
    void rsaAndEd25519SignaturesInBothCanonicalizationsVerify() throws Exception {
        for (String algorithm : List.of("rsa-sha256", "ed25519-sha256")) {
            TestSigner signer = new TestSigner(algorithm);
            dns.put("sel._domainkey.reporter.example", List.of(signer.keyRecord()));
            for (String c : List.of("relaxed/relaxed", "simple/simple", "relaxed/simple", "simple/relaxed")) {
                byte[] signed = signer.sign(mail("Report Domain: receiver.example", "line one  \r\n\r\nline\ttwo\r\n\r\n\r\n"),
                        "reporter.example", "sel", c, "from:to:subject:tls-report-domain:tls-report-submitter", "");
                assertThat(verifierAt(Instant.now()).verify(signed).header()).as(algorithm + " " + c)
                        .isEqualTo("pass d=reporter.example s=sel");
            }
        }
    }

    /** Relaxed forms survive what relays do to white space and line ends; simple ones do not. */
    @Test
    void relaxedSignaturesSurviveRewrappingAndBareLineFeeds() throws Exception {
        TestSigner signer = new TestSigner("rsa-sha256");
        dns.put("sel._domainkey.reporter.example", List.of(signer.keyRecord()));
        String signed = new String(signer.sign(mail("Report", "body  text\r\n"), "reporter.example", "sel",
                "relaxed/relaxed", "from:subject", ""), StandardCharsets.ISO_8859_1);
        byte[] relayed = signed.replace("Subject: Report", "Subject:   Report ").replace("body  text", "body text")
                .replace("\r\n", "\n").getBytes(StandardCharsets.ISO_8859_1);
        assertThat(verifierAt(Instant.now()).verify(relayed).status()).isEqualTo(DkimResult.Status.PASS);

        String simple = new String(signer.sign(mail("Report", "body  text\r\n"), "reporter.example", "sel",
                "simple/simple", "from:subject", ""), StandardCharsets.ISO_8859_1);
        assertThat(verifierAt(Instant.now()).verify(simple.replace("body  text", "body text")
                .getBytes(StandardCharsets.ISO_8859_1)).reason()).contains("body hash mismatch");
    }

    /** A field added after signing under a signed name, as a forger would add a second Subject, does not verify. */
    @Test
    void anAddedInstanceOfASignedFieldBreaksTheSignatureOnlyWhenTheSignerSignedIt() throws Exception {
        TestSigner signer = new TestSigner("rsa-sha256");
        dns.put("sel._domainkey.reporter.example", List.of(signer.keyRecord()));
        String signed = new String(signer.sign(mail("Report", "x\r\n"), "reporter.example", "sel", "relaxed/relaxed",
                "from:to:subject", ""), StandardCharsets.ISO_8859_1);
        byte[] appended = (signed.replace("\r\n\r\nx", "\r\nSubject: forged\r\n\r\nx")).getBytes(StandardCharsets.ISO_8859_1);
        assertThat(verifierAt(Instant.now()).verify(appended).status()).isEqualTo(DkimResult.Status.FAIL);

        // signing "subject" twice (oversigning) covers the absent second instance: adding one breaks it as well
        String oversigned = new String(signer.sign(mail("Report", "x\r\n"), "reporter.example", "sel",
                "relaxed/relaxed", "from:subject:subject", ""), StandardCharsets.ISO_8859_1);
        assertThat(verifierAt(Instant.now()).verify(oversigned.getBytes(StandardCharsets.ISO_8859_1)).status())
                .isEqualTo(DkimResult.Status.PASS);
        assertThat(verifierAt(Instant.now()).verify(oversigned.replace("\r\n\r\nx", "\r\nSubject: forged\r\n\r\nx")
                .getBytes(StandardCharsets.ISO_8859_1)).status()).isEqualTo(DkimResult.Status.FAIL);
    }

    @Test
    void keyProblemsArePermanentAndDnsFailuresTemporary() throws Exception {
        TestSigner signer = new TestSigner("rsa-sha256");
        byte[] signed = signer.sign(mail("Report", "x\r\n"), "reporter.example", "sel", "relaxed/relaxed",
                "from:subject", "");
        assertThat(verifierAt(Instant.now()).verify(signed).header())
                .isEqualTo("permerror d=reporter.example s=sel (no key record)");
        dns.put("sel._domainkey.reporter.example", List.of("v=DKIM1; k=rsa; p="));
        assertThat(verifierAt(Instant.now()).verify(signed).reason()).isEqualTo("key revoked (empty p=)");
        dns.put("sel._domainkey.reporter.example", List.of("v=DKIM1; k=ed25519; p=" + "A".repeat(43) + "="));
        assertThat(verifierAt(Instant.now()).verify(signed).reason()).isEqualTo("key type k=ed25519 does not match a=rsa-sha256");
        dns.put("sel._domainkey.reporter.example", List.of(signer.keyRecord() + "; t=s"));
        byte[] fromSubdomain = signer.sign(mail("Report", "x\r\n"), "reporter.example", "sel", "relaxed/relaxed",
                "from:subject", "i=@mail.reporter.example; ");
        assertThat(verifierAt(Instant.now()).verify(fromSubdomain).reason())
                .isEqualTo("the key's t=s allows no subdomain in i=, and i= is in mail.reporter.example");
        dns.put("sel._domainkey.reporter.example", List.of(signer.keyRecord()));
        assertThat(verifierAt(Instant.now()).verify(fromSubdomain).status()).as("without t=s")
                .isEqualTo(DkimResult.Status.PASS);
        TestSigner other = new TestSigner("rsa-sha256");
        dns.put("sel._domainkey.reporter.example", List.of(other.keyRecord()));
        assertThat(verifierAt(Instant.now()).verify(signed).status()).as("another key").isEqualTo(DkimResult.Status.FAIL);

        byte[] down = signer.sign(mail("Report", "x\r\n"), "down.example", "sel", "relaxed/relaxed", "from", "");
        dns.put("sel._domainkey.down.example", List.of(signer.keyRecord()));
        DkimResult temp = new DkimVerifier(name -> {
            throw DkimException.temp("DNS: no answer for " + name + " (timed out)", null);
        }, Clock.systemUTC()).verify(down);
        assertThat(temp.header()).isEqualTo("temperror d=down.example s=sel (DNS: no answer for"
                + " sel._domainkey.down.example (timed out))");
    }

    @Test
    void unusableSignaturesArePermanentErrorsAndAMailWithoutOneIsNone() throws Exception {
        assertThat(verifierAt(Instant.now()).verify(mail("Report", "x\r\n").getBytes(StandardCharsets.ISO_8859_1))
                .header()).isEqualTo("none (no DKIM-Signature)");
        Map<String, String> bad = Map.of(
                "v=1; a=rsa-sha1; d=r.example; s=s; h=from; bh=AA==; b=AA==", "rsa-sha1 is not accepted any more (RFC 8301)",
                "v=1; a=rsa-sha256; d=r.example; s=s; h=from; bh=AA==; b=AA==; l=10", "l= tag (RFC 8460 forbids it for reports)",
                "v=1; a=rsa-sha256; d=r.example; s=s; h=subject; bh=AA==; b=AA==", "h= does not sign the From field",
                "v=1; a=rsa-sha256; d=r.example; s=s; h=from; bh=AA==", "no b= tag",
                "v=1; a=rsa-sha256; d=r.example; s=s; h=from; bh=AA==; b=AA==; i=@other.example",
                "i=@other.example is not in d=r.example",
                "v=1; a=rsa-sha256; d=r.example; s=s; s=t; h=from; bh=AA==; b=AA==", "tag s= twice");
        for (Map.Entry<String, String> e : bad.entrySet()) {
            byte[] message = ("DKIM-Signature: " + e.getKey() + "\r\n" + mail("Report", "x\r\n"))
                    .getBytes(StandardCharsets.ISO_8859_1);
            DkimResult result = verifierAt(Instant.now()).verify(message);
            assertThat(result.status()).as(e.getKey()).isEqualTo(DkimResult.Status.PERMERROR);
            assertThat(result.reason()).as(e.getKey()).isEqualTo(e.getValue());
            assertThat(result.domain()).isEqualTo("r.example");
        }
    }

    /** Header lines without a colon are no fields: a signed name cannot pick one up, nor break the verifier. */
    @Test
    void malformedHeaderLinesAreNoFields() throws Exception {
        TestSigner signer = new TestSigner("rsa-sha256");
        dns.put("sel._domainkey.reporter.example", List.of(signer.keyRecord()));
        String signed = new String(signer.sign(mail("Report", "x\r\n"), "reporter.example", "sel", "relaxed/relaxed",
                "from:subject:reply-to", ""), StandardCharsets.ISO_8859_1);
        byte[] withJunk = signed.replace("\r\nTo:", "\r\nReply-To\r\nTo:").getBytes(StandardCharsets.ISO_8859_1);
        assertThat(verifierAt(Instant.now()).verify(withJunk).status()).isEqualTo(DkimResult.Status.PASS);
        byte[] noHeaderEnd = "DKIM-Signature: v=1; a=rsa-sha256; d=r.example; s=s; h=from; bh=AA==; b=AA==\r\nFrom"
                .getBytes(StandardCharsets.ISO_8859_1);
        assertThat(verifierAt(Instant.now()).verify(noHeaderEnd).header())
                .isEqualTo("fail d=r.example s=s (body hash mismatch: the body was changed after signing)");
    }

    @Test
    void aPassingSignatureAmongSeveralWins() throws Exception {
        TestSigner signer = new TestSigner("ed25519-sha256");
        dns.put("sel._domainkey.reporter.example", List.of(signer.keyRecord()));
        byte[] signed = signer.sign(mail("Report", "x\r\n"), "reporter.example", "sel", "relaxed/relaxed", "from", "");
        byte[] withBrokenFirst = ("DKIM-Signature: v=1; a=rsa-sha256; d=third.example; s=s; h=from; bh=AA==; b=AA==\r\n"
                + new String(signed, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1);
        // the broken one is below the good one, so it is the second field
        assertThat(verifierAt(Instant.now()).verify(withBrokenFirst).header()).isEqualTo("pass d=reporter.example s=sel");
    }
}
