package io.tlsrpt.cli.check;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tlsrpt.cli.CommandRunner;
import io.tlsrpt.testkafka.ScriptedDnsServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** {@code check-record DOMAIN} against a real dnsmasq on 127.0.0.1. */
class CheckRecordDnsIT {

    /** A record of about 2 KB, which only fits a DNS answer over TCP (no commas: dnsmasq splits strings there). */
    static final String BIG_RECORD = "v=TLSRPTv1; rua=mailto:tlsrpt@big.test"
        + IntStream.range(0, 16).mapToObj(i -> "; ext" + i + "=" + "x".repeat(120)).collect(Collectors.joining());

    static ScriptedDnsServer servfail;
    static ScriptedDnsServer silent;
    static Dnsmasq dns;

    @BeforeAll
    static void startDns() throws Exception {
        servfail = new ScriptedDnsServer(q -> {
            Message r = new Message(q.getHeader().getID());
            r.getHeader().setFlag(Flags.QR);
            r.getHeader().setRcode(Rcode.SERVFAIL);
            r.addRecord(q.getQuestion(), org.xbill.DNS.Section.QUESTION);
            return r;
        });
        silent = new ScriptedDnsServer(q -> null);
        List<String> conf = new ArrayList<>(List.of(
            "local=/test/",
            "server=/fail.test/127.0.0.1#" + servfail.port(),
            "server=/slow.test/127.0.0.1#" + silent.port(),
            "txt-record=_smtp._tls.one.test,\"v=TLSRPTv1; rua=mailto:tlsrpt@one.test\"",
            "txt-record=_smtp._tls.split.test,\"v=TLSRPTv1; rua=mai\",\"lto:tlsrpt@split.test,https://r.split.test/x\"",
            "txt-record=_smtp._tls.two.test,\"v=TLSRPTv1; rua=mailto:a@two.test\"",
            "txt-record=_smtp._tls.two.test,\"v=TLSRPTv1; rua=mailto:b@two.test\"",
            "txt-record=_smtp._tls.beside.test,\"v=spf1 -all\"",
            "txt-record=_smtp._tls.beside.test,\"v=TLSRPTv1; rua=mailto:tlsrpt@beside.test\"",
            "txt-record=_smtp._tls.guide.test,\"v=TLSRPTv1; rua=mailto:a@guide.test,rua=mailto:b@guide.test\"",
            "txt-record=_smtp._tls.upper.test,\"V=TLSRPTv1; rua=mailto:a@upper.test\"",
            "mx-host=_smtp._tls.nodata.test,mx.nodata.test,10",
            "txt-record=probe.test,probe"));
        List<String> chunks = new ArrayList<>();
        for (int i = 0; i < BIG_RECORD.length(); i += 250) {
            chunks.add(BIG_RECORD.substring(i, Math.min(BIG_RECORD.length(), i + 250)));
        }
        dns = Dnsmasq.start(conf, List.of("--txt-record=_smtp._tls.big.test," + String.join(",", chunks)), "probe.test");
    }

    @AfterAll
    static void stopDns() throws Exception {
        if (dns != null) {
            dns.close();
        }
        servfail.close();
        silent.close();
    }

    private static CommandRunner.Run check(String domain, String... more) {
        List<String> args = new ArrayList<>(List.of("check-record", domain, "--resolver", dns.hostPort(), "--json",
            "--tlsrpt-only"));
        args.addAll(List.of(more));
        return CommandRunner.run(args.toArray(String[]::new));
    }

    @Test
    void oneValidRecord() {
        CommandRunner.Run run = check("one.test");

        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode t = run.json().get("tlsrpt");
        assertThat(run.json().get("domain").asText()).isEqualTo("one.test");
        assertThat(t.get("status").asText()).isEqualTo("valid");
        assertThat(t.get("records")).hasSize(1);
        assertThat(texts(t.get("rua"))).containsExactly("mailto:tlsrpt@one.test");
        assertThat(t.get("errors")).isEmpty();
    }

    @Test
    void splitStringsAreConcatenated() {
        CommandRunner.Run run = check("split.test");

        assertThat(run.exit()).isZero();
        JsonNode record = run.json().get("tlsrpt").get("records").get(0);
        assertThat(texts(record.get("strings"))).containsExactly("v=TLSRPTv1; rua=mai",
            "lto:tlsrpt@split.test,https://r.split.test/x");
        assertThat(record.get("text").asText()).isEqualTo("v=TLSRPTv1; rua=mailto:tlsrpt@split.test,https://r.split.test/x");
        assertThat(texts(run.json().get("tlsrpt").get("rua"))).containsExactly("mailto:tlsrpt@split.test",
            "https://r.split.test/x");
    }

    @Test
    void twoRecordsMeanNoTlsRpt() {
        CommandRunner.Run run = check("two.test");

        assertThat(run.exit()).isEqualTo(1);
        JsonNode t = run.json().get("tlsrpt");
        assertThat(t.get("status").asText()).isEqualTo("multiple");
        assertThat(t.get("records")).hasSize(2);
        assertThat(t.get("rua")).isEmpty();
        // DNS does not order the records of an RRset: the merged record lists the URIs in answer order
        assertThat(t.get("errors").toString()).contains("exactly one")
            .containsPattern("v=TLSRPTv1; rua=mailto:(a@two.test,mailto:b|b@two.test,mailto:a)@two.test");
    }

    @Test
    void unrelatedTxtBesideTheRecordIsDiscarded() {
        CommandRunner.Run run = check("beside.test");

        assertThat(run.exit()).isZero();
        JsonNode t = run.json().get("tlsrpt");
        assertThat(t.get("status").asText()).isEqualTo("valid");
        assertThat(t.get("records")).hasSize(2);
        assertThat(t.get("records").findValues("tlsrpt")).extracting(JsonNode::asBoolean).containsExactlyInAnyOrder(true, false);
    }

    @Test
    void repeatedTagFromGuidesIsInvalidWithTheCorrectedRecord() {
        CommandRunner.Run run = CommandRunner.run("check-record", "guide.test", "--resolver", dns.hostPort(), "--tlsrpt-only");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("TLS-RPT (_smtp._tls.guide.test TXT): invalid")
            .contains("[rua-repeated-tag]")
            .contains("Write: v=TLSRPTv1; rua=mailto:a@guide.test,mailto:b@guide.test");
    }

    @Test
    void recordWithWrongCaseVersionIsDiscardedAndExplained() {
        CommandRunner.Run run = check("upper.test");

        assertThat(run.exit()).isEqualTo(1);
        JsonNode t = run.json().get("tlsrpt");
        assertThat(t.get("status").asText()).isEqualTo("missing");
        assertThat(t.get("errors").findValuesAsText("code")).contains("version-case", "missing");
    }

    @Test
    void nxdomainIsMissing() {
        CommandRunner.Run run = check("nowhere.test");

        assertThat(run.exit()).isEqualTo(1);
        JsonNode t = run.json().get("tlsrpt");
        assertThat(t.get("status").asText()).isEqualTo("missing");
        assertThat(t.get("errors").get(0).get("message").asText()).contains("does not exist")
            .contains("_smtp._tls.nowhere.test. IN TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@nowhere.test\"");
    }

    @Test
    void nameWithoutTxtIsMissing() {
        assertThat(DnsClient.at(dns.address(), Duration.ofSeconds(2)).query("_smtp._tls.nodata.test", Type.TXT).outcome())
            .isEqualTo(DnsAnswer.Outcome.NODATA);

        CommandRunner.Run run = check("nodata.test");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.json().get("tlsrpt").get("status").asText()).isEqualTo("missing");
        assertThat(run.json().get("tlsrpt").toString()).contains("has no TXT record");
    }

    @Test
    void servfailIsADnsErrorNotMissing() {
        CommandRunner.Run run = check("fail.test");

        assertThat(run.exit()).isEqualTo(CheckRecordCommand.EXIT_DNS_ERROR);
        JsonNode t = run.json().get("tlsrpt");
        assertThat(t.get("status").asText()).isEqualTo("dns-error");
        assertThat(t.get("errors").get(0).get("code").asText()).isEqualTo("dns-server-failure");
        assertThat(t.get("errors").get(0).get("message").asText()).contains("SERVFAIL").contains("not the same as a missing record");
    }

    @Test
    void refusedIsADnsErrorNotMissing() {
        // dnsmasq refuses names outside the zones it knows: it has no upstream servers
        CommandRunner.Run run = check("example.org");

        assertThat(run.exit()).isEqualTo(CheckRecordCommand.EXIT_DNS_ERROR);
        assertThat(run.json().get("tlsrpt").get("errors").get(0).get("message").asText()).contains("REFUSED");
    }

    @Test
    void timeoutIsReportedAsATimeout() {
        Instant start = Instant.now();
        CommandRunner.Run run = check("slow.test", "--timeout", "1");

        assertThat(run.exit()).isEqualTo(CheckRecordCommand.EXIT_DNS_ERROR);
        JsonNode t = run.json().get("tlsrpt");
        assertThat(t.get("status").asText()).isEqualTo("dns-error");
        assertThat(t.get("errors").get(0).get("code").asText()).isEqualTo("dns-timeout");
        assertThat(t.get("errors").get(0).get("message").asText()).contains("within 1 s");
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void unreachableResolverIsADnsError() throws Exception {
        int closed = Dnsmasq.freeUdpAndTcpPort();
        CommandRunner.Run run = CommandRunner.run("check-record", "one.test", "--resolver", "127.0.0.1:" + closed,
            "--json", "--tlsrpt-only", "--timeout", "1");

        assertThat(run.exit()).isEqualTo(CheckRecordCommand.EXIT_DNS_ERROR);
        assertThat(run.json().get("tlsrpt").get("status").asText()).isEqualTo("dns-error");
    }

    @Test
    void recordLargerThanAUdpAnswerComesOverTcp() {
        CommandRunner.Run run = check("big.test");

        assertThat(run.exit()).as(run.out()).isZero();
        JsonNode t = run.json().get("tlsrpt");
        assertThat(BIG_RECORD).hasSizeGreaterThan(1500);
        assertThat(t.get("records").get(0).get("text").asText()).isEqualTo(BIG_RECORD);
        assertThat(t.get("records").get(0).get("strings").size()).isGreaterThan(6);
        assertThat(texts(t.get("rua"))).containsExactly("mailto:tlsrpt@big.test");
    }

    @Test
    void textOutputSaysWhereReportsGo() {
        CommandRunner.Run run = CommandRunner.run("check-record", "one.test.", "--resolver", dns.hostPort(), "--tlsrpt-only");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("TLS-RPT (_smtp._tls.one.test TXT): valid")
            .contains("rua: mailto:tlsrpt@one.test")
            .contains("reporters send daily TLS reports");
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
