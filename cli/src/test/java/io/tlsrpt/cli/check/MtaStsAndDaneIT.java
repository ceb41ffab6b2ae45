package io.tlsrpt.cli.check;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tlsrpt.cli.CommandRunner;
import io.tlsrpt.testkafka.ScriptedDnsServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * The MTA-STS and DANE parts of {@code check-record DOMAIN}: DNS from a real dnsmasq, the policy from a real HTTPS
 * server with a test CA, reached through a CONNECT proxy so that TLS is verified for {@code mta-sts.<domain>}.
 */
class MtaStsAndDaneIT {

    private static final String GOOD_POLICY = "version: STSv1\r\nmode: enforce\r\nmx: *.good.test\r\nmax_age: 604800\r\n";
    private static final List<String> POLICY_HOSTS = List.of("mta-sts.good.test", "mta-sts.partial.test",
        "mta-sts.testing.test", "mta-sts.broken.test", "mta-sts.toolong.test", "mta-sts.notfound.test",
        "mta-sts.redirect.test", "mta-sts.html.test", "mta-sts.secure.test");

    static TestPki pki;
    static PolicyHttpsServer https;
    static ConnectProxy proxy;
    static ScriptedDnsServer signedZone;
    static Dnsmasq dns;

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.create(POLICY_HOSTS);
        https = new PolicyHttpsServer(pki.serverContext());
        proxy = new ConnectProxy(https.port());
        https.serve("mta-sts.good.test", PolicyHttpsServer.Reply.policy(GOOD_POLICY));
        https.serve("mta-sts.partial.test", PolicyHttpsServer.Reply.policy(
            "version: STSv1\nmode: enforce\nmx: mx.partial.test\nmax_age: 86400\n"));
        https.serve("mta-sts.testing.test", PolicyHttpsServer.Reply.policy(
            "version: STSv1\nmode: testing\nmx: mx.testing.test\nmax_age: 3600\n"));
        https.serve("mta-sts.broken.test", PolicyHttpsServer.Reply.policy("version: STSv1\nmode: Enforce\nmx: mx.broken.test\n"));
        https.serve("mta-sts.toolong.test", PolicyHttpsServer.Reply.policy(
            "version: STSv1\nmode: enforce\nmx: mx.toolong.test\nmax_age: 99999999\n"));
        https.serve("mta-sts.redirect.test", new PolicyHttpsServer.Reply(301, null, "",
            "https://www.redirect.test/.well-known/mta-sts.txt"));
        https.serve("mta-sts.html.test", new PolicyHttpsServer.Reply(200, "text/html", "<html>" + GOOD_POLICY + "</html>", null));
        https.serve("mta-sts.secure.test", PolicyHttpsServer.Reply.policy(
            "version: STSv1\nmode: enforce\nmx: mx.secure.test\nmax_age: 604800\n"));

        signedZone = new ScriptedDnsServer(MtaStsAndDaneIT::signedZoneAnswer);
        List<String> conf = new ArrayList<>(List.of("local=/test/", "proxy-dnssec",
            "server=/secure.test/127.0.0.1#" + signedZone.port(), "txt-record=probe.test,probe"));
        for (String d : List.of("good", "partial", "testing", "broken", "toolong", "notfound", "redirect", "html",
            "wrongname", "badid", "nosts")) {
            conf.add("txt-record=_smtp._tls." + d + ".test,\"v=TLSRPTv1; rua=mailto:tlsrpt@" + d + ".test\"");
            if (!d.equals("nosts")) {
                conf.add("txt-record=_mta-sts." + d + ".test,\"v=STSv1; id=" + (d.equals("badid") ? "2024-01-01" : "20240101") + "\"");
            }
            if (!d.equals("partial")) {
                conf.add("mx-host=" + d + ".test,mx." + d + ".test,10");
            }
        }
        conf.add("mx-host=partial.test,mx.partial.test,10");
        conf.add("mx-host=partial.test,backup.elsewhere.test,20");
        conf.add("mx-host=good.test,mx2.good.test,20");
        // TLSA 3 1 1 for mx.good.test, served without DNSSEC
        conf.add("dns-rr=_25._tcp.mx.good.test,52,030101" + "ab".repeat(32));
        dns = Dnsmasq.start(conf, List.of(), "probe.test");
    }

    /** secure.test as a validating resolver would return it: every answer with the AD bit. */
    private static Message signedZoneAnswer(Message query) {
        Record q = query.getQuestion();
        Message r = new Message(query.getHeader().getID());
        r.getHeader().setFlag(Flags.QR);
        r.getHeader().setFlag(Flags.RA);
        r.getHeader().setFlag(Flags.AD);
        r.addRecord(q, Section.QUESTION);
        try {
            Name name = q.getName();
            String n = name.toString(true);
            if (n.equals("secure.test") && q.getType() == Type.MX) {
                r.addRecord(new MXRecord(name, DClass.IN, 300, 10, Name.fromString("mx.secure.test.")), Section.ANSWER);
            } else if (n.equals("_25._tcp.mx.secure.test") && q.getType() == Type.TLSA) {
                r.addRecord(new TLSARecord(name, DClass.IN, 300, 3, 1, 1, new byte[32]), Section.ANSWER);
            } else if (n.equals("_smtp._tls.secure.test") && q.getType() == Type.TXT) {
                r.addRecord(new TXTRecord(name, DClass.IN, 300, "v=TLSRPTv1; rua=https://r.secure.test/tlsrpt"), Section.ANSWER);
            } else if (n.equals("_mta-sts.secure.test") && q.getType() == Type.TXT) {
                r.addRecord(new TXTRecord(name, DClass.IN, 300, "v=STSv1; id=1"), Section.ANSWER);
            } else if (n.equals("mx.secure.test") && q.getType() == Type.A) {
                r.addRecord(new ARecord(name, DClass.IN, 300, java.net.InetAddress.getByName("192.0.2.25")), Section.ANSWER);
            } else if (!n.equals("secure.test") && !n.equals("mx.secure.test")) {
                r.getHeader().setRcode(Rcode.NXDOMAIN);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return r;
    }

    @AfterAll
    static void stop() throws Exception {
        if (dns != null) {
            dns.close();
        }
        signedZone.close();
        proxy.close();
        https.close();
    }

    private static JsonNode check(String domain, int expectedExit, boolean testCa) {
        List<String> args = new ArrayList<>(List.of("check-record", domain, "--resolver", dns.hostPort(), "--json",
            "--timeout", "5", "--https-proxy", proxy.hostPort()));
        if (testCa) {
            args.addAll(List.of("--policy-ca", pki.caPem.toString()));
        }
        CommandRunner.Run run = CommandRunner.run(args.toArray(String[]::new));
        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(expectedExit);
        return run.json();
    }

    @Test
    void enforcedPolicyCoveringEveryMx() {
        JsonNode json = check("good.test", 0, true);
        JsonNode sts = json.get("mta_sts");

        assertThat(sts.get("status").asText()).isEqualTo("enforce");
        assertThat(sts.get("id").asText()).isEqualTo("20240101");
        assertThat(sts.get("policy").get("mode").asText()).isEqualTo("enforce");
        assertThat(sts.get("policy").get("max_age").asLong()).isEqualTo(604800);
        assertThat(sts.get("policy").get("mx").get(0).asText()).isEqualTo("*.good.test");
        assertThat(sts.get("mx_hosts").findValuesAsText("host")).containsExactly("mx.good.test", "mx2.good.test");
        assertThat(sts.get("mx_hosts").findValues("covered")).extracting(JsonNode::asBoolean).containsOnly(true);
        assertThat(sts.get("errors")).isEmpty();
        assertThat(sts.get("meaning").asText()).contains("policy-type sts");
        assertThat(proxy.targets()).contains("mta-sts.good.test:443");
    }

    @Test
    void danePostureWithoutDnssecIsUnauthenticated() {
        JsonNode dane = check("good.test", 0, true).get("dane");

        assertThat(dane.get("status").asText()).isEqualTo("unauthenticated");
        JsonNode mx = dane.get("mx_hosts").get(0);
        assertThat(mx.get("host").asText()).isEqualTo("mx.good.test");
        assertThat(mx.get("tlsa").get(0).asText()).startsWith("3 1 1 ");
        assertThat(mx.get("authenticated").asBoolean()).isFalse();
        assertThat(dane.get("mx_hosts").get(1).get("tlsa")).isEmpty();
        assertThat(dane.get("warnings").findValuesAsText("code")).contains("tlsa-unauthenticated");
        assertThat(dane.get("meaning").asText()).contains("AD bit");
    }

    @Test
    void daneVouchedForByTheResolverIsAuthenticated() {
        JsonNode json = check("secure.test", 0, true);
        JsonNode dane = json.get("dane");

        assertThat(dane.get("status").asText()).isEqualTo("authenticated");
        assertThat(dane.get("mx_authenticated").asBoolean()).isTrue();
        assertThat(dane.get("mx_hosts").get(0).get("authenticated").asBoolean()).isTrue();
        assertThat(dane.get("meaning").asText()).contains("policy-type tlsa").contains("not verified here");
        assertThat(json.get("mta_sts").get("status").asText()).isEqualTo("enforce");
    }

    @Test
    void noTlsaMeansNoDane() {
        JsonNode dane = check("partial.test", 0, true).get("dane");

        assertThat(dane.get("status").asText()).isEqualTo("none");
    }

    @Test
    void mxNotCoveredByAnEnforcedPolicyIsAnError() {
        JsonNode sts = check("partial.test", 0, true).get("mta_sts");

        assertThat(sts.get("status").asText()).isEqualTo("enforce");
        assertThat(sts.get("mx_hosts").toString()).contains("\"host\":\"backup.elsewhere.test\",\"covered\":false");
        assertThat(sts.get("errors").findValuesAsText("code")).containsExactly("sts-mx-not-covered");
        assertThat(sts.get("errors").get(0).get("message").asText()).contains("mx: backup.elsewhere.test")
            .contains("will not deliver");
    }

    @Test
    void testingModeWarns() {
        JsonNode sts = check("testing.test", 0, true).get("mta_sts");

        assertThat(sts.get("status").asText()).isEqualTo("testing");
        assertThat(sts.get("warnings").findValuesAsText("code")).contains("sts-testing", "sts-policy-max-age-short");
    }

    @Test
    void brokenPolicyIsInvalid() {
        JsonNode sts = check("broken.test", 0, true).get("mta_sts");

        assertThat(sts.get("status").asText()).isEqualTo("invalid");
        assertThat(sts.get("errors").findValuesAsText("code")).contains("sts-policy-mode", "sts-policy-no-max-age");
        assertThat(sts.get("meaning").asText()).contains("sts-policy-invalid");
    }

    @Test
    void maxAgeAboveTheLimitIsInvalid() {
        JsonNode sts = check("toolong.test", 0, true).get("mta_sts");

        assertThat(sts.get("status").asText()).isEqualTo("invalid");
        assertThat(sts.get("errors").get(0).get("message").asText()).contains("31557600");
    }

    @Test
    void missingPolicyFileIsAFetchError() {
        JsonNode sts = check("notfound.test", 0, true).get("mta_sts");

        assertThat(sts.get("status").asText()).isEqualTo("fetch-error");
        assertThat(sts.get("errors").get(0).get("message").asText()).contains("HTTP 404");
        assertThat(sts.get("meaning").asText()).contains("sts-policy-fetch-error");
    }

    @Test
    void redirectsAreNotFollowed() {
        JsonNode sts = check("redirect.test", 0, true).get("mta_sts");

        assertThat(sts.get("status").asText()).isEqualTo("fetch-error");
        assertThat(sts.get("errors").get(0).get("message").asText()).contains("HTTP 301").contains("redirect");
    }

    @Test
    void policyMustBeTextPlain() {
        JsonNode sts = check("html.test", 0, true).get("mta_sts");

        assertThat(sts.get("status").asText()).isEqualTo("invalid");
        assertThat(sts.get("errors").toString()).contains("text/plain");
    }

    @Test
    void certificateFromAnUntrustedCaIsAWebPkiFailure() {
        // without --policy-ca the JDK's public CAs are trusted, not the test CA
        JsonNode sts = check("good.test", 0, false).get("mta_sts");

        assertThat(sts.get("status").asText()).isEqualTo("fetch-error");
        assertThat(sts.get("errors").get(0).get("message").asText()).contains("TLS failed");
        assertThat(sts.get("meaning").asText()).contains("sts-webpki-invalid");
    }

    @Test
    void certificateForAnotherNameIsAWebPkiFailure() {
        JsonNode sts = check("wrongname.test", 0, true).get("mta_sts");

        assertThat(sts.get("status").asText()).isEqualTo("fetch-error");
        assertThat(sts.get("meaning").asText()).contains("sts-webpki-invalid");
    }

    @Test
    void invalidTxtIdMeansNoPolicy() {
        JsonNode sts = check("badid.test", 0, true).get("mta_sts");

        assertThat(sts.get("status").asText()).isEqualTo("invalid");
        assertThat(sts.get("errors").findValuesAsText("code")).containsExactly("sts-txt-id");
    }

    @Test
    void noStsRecordIsMissing() {
        JsonNode json = check("nosts.test", 0, true);

        assertThat(json.get("mta_sts").get("status").asText()).isEqualTo("missing");
        assertThat(json.get("mta_sts").get("meaning").asText()).contains("no-policy-found");
        assertThat(json.get("tlsrpt").get("status").asText()).isEqualTo("valid");
    }

    @Test
    void textOutputDescribesAllThreeParts() {
        CommandRunner.Run run = CommandRunner.run("check-record", "good.test", "--resolver", dns.hostPort(),
            "--https-proxy", proxy.hostPort(), "--policy-ca", pki.caPem.toString());

        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("TLS-RPT (_smtp._tls.good.test TXT): valid")
            .contains("MTA-STS: enforce")
            .contains("MX mx.good.test: covered by mx: *.good.test")
            .contains("DANE: unauthenticated")
            .contains("TLSA 3 1 1 ");
    }
}
