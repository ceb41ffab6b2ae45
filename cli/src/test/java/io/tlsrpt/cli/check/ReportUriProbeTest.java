package io.tlsrpt.cli.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsrpt.testkafka.ScriptedDnsServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.xbill.DNS.Type;

/**
 * The rua destinations of a TLS-RPT record against a scripted DNS zone and a real HTTPS server (reached through a
 * CONNECT proxy, as the policy fetches are): what takes reports, what does not, and what cannot be told.
 */
class ReportUriProbeTest {

    /** "name type" to records; a name in {@link #NXDOMAIN} does not exist; one in {@link #SERVFAIL} fails. */
    static final Map<String, List<Record>> ZONE = new ConcurrentHashMap<>();
    static final List<String> NXDOMAIN = List.of("gone.test", "gone-endpoint.test");
    static final List<String> SERVFAIL = List.of("broken-dns.test");
    static final AtomicInteger QUERIES = new AtomicInteger();
    static ScriptedDnsServer dns;
    static PolicyHttpsServer https;
    static ConnectProxy proxy;
    static TestPki pki;
    static ReportUriProbe probe;

    @BeforeAll
    static void start() throws Exception {
        dns = new ScriptedDnsServer(ReportUriProbeTest::answer);
        pki = TestPki.create(List.of("tlsrpt.receiver.test"));
        https = new PolicyHttpsServer(pki.serverContext());
        proxy = new ConnectProxy(https.port());
        Name receiver = Name.fromString("receiver.test.");
        ZONE.put("receiver.test MX", List.of(new MXRecord(receiver, DClass.IN, 60, 10,
            Name.fromString("mx.receiver.test."))));
        ZONE.put("nomail.test MX", List.of(new MXRecord(Name.fromString("nomail.test."), DClass.IN, 60, 0, Name.root)));
        ZONE.put("implicit.test A", List.of(address("implicit.test.")));
        ZONE.put("tlsrpt.receiver.test A", List.of(address("tlsrpt.receiver.test.")));
        ZONE.put("misnamed.receiver.test A", List.of(address("misnamed.receiver.test.")));
        String[] hostPort = proxy.hostPort().split(":");
        probe = new ReportUriProbe(DnsClient.at(new InetSocketAddress("127.0.0.1", dns.port()), Duration.ofSeconds(2)),
            TrustFromPem.sslContext(pki.caPem), java.net.ProxySelector.of(new InetSocketAddress(hostPort[0],
                Integer.parseInt(hostPort[1]))), Duration.ofSeconds(3), true);
    }

    @AfterAll
    static void stop() throws Exception {
        proxy.close();
        https.close();
        dns.close();
    }

    private static ARecord address(String name) throws Exception {
        return new ARecord(Name.fromString(name), DClass.IN, 60, java.net.InetAddress.getLoopbackAddress());
    }

    private static Message answer(Message query) {
        QUERIES.incrementAndGet();
        Record q = query.getQuestion();
        Message r = new Message(query.getHeader().getID());
        r.getHeader().setFlag(Flags.QR);
        r.getHeader().setFlag(Flags.RA);
        r.addRecord(q, Section.QUESTION);
        String name = q.getName().toString(true);
        if (SERVFAIL.contains(name)) {
            r.getHeader().setRcode(Rcode.SERVFAIL);
        } else if (NXDOMAIN.contains(name)) {
            r.getHeader().setRcode(Rcode.NXDOMAIN);
        } else {
            ZONE.getOrDefault(name + " " + Type.string(q.getType()), List.of())
                .forEach(a -> r.addRecord(a, Section.ANSWER));
        }
        return r;
    }

    private static ReportUriProbe.Result one(String uri) {
        return probe.fresh().probe(List.of(uri)).get(0);
    }

    @Test
    void aMailDomainTakesMailThroughItsMxOrItsOwnAddress() {
        assertThat(one("mailto:tlsrpt@receiver.test").outcome()).isEqualTo(ReportUriProbe.Outcome.REACHABLE);
        assertThat(one("mailto:tlsrpt@receiver.test").detail()).isEqualTo("receiver.test MX mx.receiver.test");
        assertThat(one("mailto:tls%2Drpt@implicit.test?subject=x").detail()).contains("implicit MX");
    }

    @Test
    void aMailDomainThatTakesNoMailLosesTheReports() {
        assertThat(one("mailto:tlsrpt@nomail.test")).satisfies(r -> {
            assertThat(r.outcome()).isEqualTo(ReportUriProbe.Outcome.UNREACHABLE);
            assertThat(r.detail()).contains("null MX");
        });
        assertThat(one("mailto:tlsrpt@gone.test").detail()).contains("does not exist (NXDOMAIN)");
        assertThat(one("mailto:tlsrpt@nothing.test")).satisfies(r -> {
            assertThat(r.outcome()).isEqualTo(ReportUriProbe.Outcome.UNREACHABLE);
            assertThat(r.detail()).contains("no MX record and no address for nothing.test");
        });
        assertThat(one("mailto:no-domain").outcome()).isEqualTo(ReportUriProbe.Outcome.UNREACHABLE);
    }

    @Test
    void aLookupThatFailsTellsNothing() {
        assertThat(one("mailto:tlsrpt@broken-dns.test")).satisfies(r -> {
            assertThat(r.outcome()).isEqualTo(ReportUriProbe.Outcome.UNKNOWN);
            assertThat(r.detail()).contains("SERVFAIL");
        });
        assertThat(one("https://broken-dns.test/v1").outcome()).isEqualTo(ReportUriProbe.Outcome.UNKNOWN);
    }

    @Test
    void anHttpsEndpointMustAnswerWithACertificateForItsHost() throws Exception {
        ReportUriProbe.Result up = one("https://tlsrpt.receiver.test/v1/report");
        ReportUriProbe.Result misnamed = one("https://misnamed.receiver.test/v1/report");
        ReportUriProbe.Result gone = one("https://gone-endpoint.test/v1/report");

        assertThat(up.outcome()).as(up.detail()).isEqualTo(ReportUriProbe.Outcome.REACHABLE);
        assertThat(up.detail()).startsWith("HTTPS answered HTTP 404 to HEAD");
        assertThat(misnamed.outcome()).isEqualTo(ReportUriProbe.Outcome.UNREACHABLE);
        assertThat(misnamed.detail()).startsWith("TLS failed:").contains("misnamed.receiver.test");
        assertThat(gone.outcome()).isEqualTo(ReportUriProbe.Outcome.UNREACHABLE);
        assertThat(gone.detail()).contains("NXDOMAIN");
    }

    @Test
    void aRefusedConnectionLosesTheReports() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        ReportUriProbe direct = new ReportUriProbe(DnsClient.at(new InetSocketAddress("127.0.0.1", dns.port()),
            Duration.ofSeconds(2)), TrustFromPem.sslContext(pki.caPem), null, Duration.ofSeconds(3), true);

        ReportUriProbe.Result refused = direct.probe(List.of("https://127.0.0.1:" + closed + "/report")).get(0);

        assertThat(refused.outcome()).as(refused.detail()).isEqualTo(ReportUriProbe.Outcome.UNREACHABLE);
        assertThat(refused.detail()).startsWith("connection refused");
    }

    @Test
    void privateAddressesAreNotConnectedToUnlessAllowed() throws Exception {
        ReportUriProbe guarded = new ReportUriProbe(DnsClient.at(new InetSocketAddress("127.0.0.1", dns.port()),
            Duration.ofSeconds(2)), TrustFromPem.sslContext(pki.caPem), null, Duration.ofSeconds(3), false);
        int connects = proxy.targets().size();

        List<ReportUriProbe.Result> results = guarded.probe(List.of("https://tlsrpt.receiver.test/v1/report",
            "https://10.0.0.7/report", "https://[fd00::7]/report", "https://169.254.169.254/latest"));

        assertThat(results).allSatisfy(r -> {
            assertThat(r.outcome()).as(r.uri()).isEqualTo(ReportUriProbe.Outcome.UNKNOWN);
            assertThat(r.detail()).contains("not connected to (--allow-private-addresses");
        });
        assertThat(results.get(0).detail()).startsWith("127.0.0.1 is a loopback, private or link-local address");
        assertThat(proxy.targets()).as("no connection made").hasSize(connects);
        assertThat(PrivateAddresses.isPrivate(java.net.InetAddress.getByName("100.64.1.1"))).isTrue();
        assertThat(PrivateAddresses.isPrivate(java.net.InetAddress.getByName("192.0.2.1"))).as("documentation "
            + "addresses are not reserved for private use").isFalse();
        assertThat(PrivateAddresses.isPrivate(java.net.InetAddress.getByName("8.8.8.8"))).isFalse();
        assertThat(PrivateAddresses.isPrivate(java.net.InetAddress.getByName("2001:db8::1"))).isFalse();
    }

    @Test
    void eachDestinationIsProbedOncePerRound() {
        ReportUriProbe round = probe.fresh();
        round.probe(List.of("mailto:tlsrpt@receiver.test"));
        int before = QUERIES.get();

        List<ReportUriProbe.Result> again = round.probe(List.of("mailto:tlsrpt@receiver.test",
            "mailto:tlsrpt@receiver.test"));
        probe.fresh().probe(List.of("mailto:tlsrpt@receiver.test"));

        assertThat(again).hasSize(2).allMatch(r -> r.outcome() == ReportUriProbe.Outcome.REACHABLE);
        assertThat(QUERIES.get() - before).as("one MX query, by the next round only").isEqualTo(1);
    }
}
