package io.tlsrpt.net;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientAddressesTest {

    private static InetAddress ip(String literal) {
        InetAddress a = ClientAddresses.literal(literal);
        assertThat(a).as(literal).isNotNull();
        return a;
    }

    private final ClientAddresses behindTwoProxies = new ClientAddresses(List.of("10.0.0.0/8", "fd00::/8", "192.0.2.1"));

    @Test
    void withoutTrustedProxiesThePeerIsTheClientWhateverTheHeaderSays() {
        ClientAddresses direct = new ClientAddresses(List.of());

        assertThat(direct.client(ip("198.51.100.7"), List.of("203.0.113.1"))).isEqualTo(ip("198.51.100.7"));
        assertThat(direct.client(ip("198.51.100.7"), null)).isEqualTo(ip("198.51.100.7"));
    }

    @Test
    void theRightmostAddressThatIsNotATrustedProxyIsTheClient() {
        // the client wrote 1.1.1.1 itself; 203.0.113.5 connected to the outer proxy 192.0.2.1, which told 10.1.1.1
        List<String> header = List.of("1.1.1.1, 203.0.113.5", "192.0.2.1");

        assertThat(behindTwoProxies.client(ip("10.1.1.1"), header)).isEqualTo(ip("203.0.113.5"));
        assertThat(behindTwoProxies.client(ip("fd12::1"), List.of("2001:db8::7"))).isEqualTo(ip("2001:db8::7"));
        assertThat(behindTwoProxies.client(ip("10.1.1.1"), List.of("[2001:db8::7]:443"))).isEqualTo(ip("2001:db8::7"));
        assertThat(behindTwoProxies.client(ip("10.1.1.1"), List.of("203.0.113.5:61000"))).isEqualTo(ip("203.0.113.5"));
    }

    /** RFC 7239: the for= node of each element, quoted IPv6 with a port, other parameters and quoted commas. */
    @Test
    void theForwardedHeadersForNodesAreReadWhenTheProxiesWriteIt() {
        ClientAddresses rfc7239 = new ClientAddresses(List.of("10.0.0.0/8", "192.0.2.1"),
                ClientAddresses.Header.FORWARDED);
        assertThat(rfc7239.headerName()).isEqualTo("Forwarded");
        assertThat(behindTwoProxies.headerName()).isEqualTo("X-Forwarded-For");

        List<String> header = List.of("for=1.1.1.1, for=203.0.113.5;proto=https;by=\"[2001:db8::1]\"",
                "For=\"192.0.2.1:8443\";host=\"a,b;c\"");
        assertThat(rfc7239.client(ip("10.1.1.1"), header)).isEqualTo(ip("203.0.113.5"));
        assertThat(rfc7239.client(ip("10.1.1.1"), List.of("for=\"[2001:db8:cafe::17]:4711\"")))
                .isEqualTo(ip("2001:db8:cafe::17"));
        // an obfuscated or unknown node, or an element without for=: the last trusted hop is all that is known
        assertThat(rfc7239.client(ip("10.1.1.1"), List.of("for=203.0.113.5, for=_hidden"))).isEqualTo(ip("10.1.1.1"));
        assertThat(rfc7239.client(ip("10.1.1.1"), List.of("for=unknown"))).isEqualTo(ip("10.1.1.1"));
        assertThat(rfc7239.client(ip("10.1.1.1"), List.of("for=203.0.113.5, proto=https;for=192.0.2.1")))
                .isEqualTo(ip("203.0.113.5"));
        assertThat(rfc7239.client(ip("10.1.1.1"), List.of("proto=https"))).isEqualTo(ip("10.1.1.1"));
        // from a peer that is not trusted, nothing it says counts
        assertThat(rfc7239.client(ip("198.51.100.7"), List.of("for=203.0.113.5"))).isEqualTo(ip("198.51.100.7"));

        assertThat(ClientAddresses.forwardedFor("for=\"a\\\"b\", for=c")).containsExactly("a\"b", "c");
        assertThat(ClientAddresses.Header.named(" FORWARDED ")).isEqualTo(ClientAddresses.Header.FORWARDED);
        assertThatThrownBy(() -> ClientAddresses.Header.named("x-real-ip"))
                .hasMessageContaining("neither x-forwarded-for nor forwarded");
    }

    @Test
    void aTrustedPeerWithoutAUsableHeaderIsTheClient() {
        assertThat(behindTwoProxies.client(ip("10.1.1.1"), null)).isEqualTo(ip("10.1.1.1"));
        // only trusted hops: the last of them
        assertThat(behindTwoProxies.client(ip("10.1.1.1"), List.of("10.2.2.2"))).isEqualTo(ip("10.2.2.2"));
        // a name or garbage is never looked up: the last trusted hop is all that is known
        assertThat(behindTwoProxies.client(ip("10.1.1.1"), List.of("203.0.113.5, unknown"))).isEqualTo(ip("10.1.1.1"));
        assertThat(behindTwoProxies.client(ip("10.1.1.1"), List.of("example.com"))).isEqualTo(ip("10.1.1.1"));
        assertThat(behindTwoProxies.client(ip("10.1.1.1"), List.of("999.1.1.1"))).isEqualTo(ip("10.1.1.1"));
    }

    @Test
    void anIpv6ClientIsLimitedByItsSlash64() {
        assertThat(ClientAddresses.rateKey(ip("2001:db8:1:2::10"))).isEqualTo(ClientAddresses.rateKey(ip("2001:db8:1:2:ffff::1")))
                .isEqualTo("2001:db8:1:2::/64");
        assertThat(ClientAddresses.rateKey(ip("2001:db8:1:3::10"))).isNotEqualTo(ClientAddresses.rateKey(ip("2001:db8:1:2::10")));
        assertThat(ClientAddresses.rateKey(ip("198.51.100.7"))).isEqualTo("198.51.100.7");
    }

    @Test
    void blocksAreParsedStrictly() {
        ClientAddresses.Block block = ClientAddresses.block("172.16.0.0/12");
        assertThat(block.contains(ip("172.31.255.255"))).isTrue();
        assertThat(block.contains(ip("172.32.0.0"))).isFalse();
        assertThat(block.contains(ip("2001:db8::1"))).isFalse();
        assertThat(ClientAddresses.block("0.0.0.0/0").contains(ip("8.8.8.8"))).isTrue();
        assertThat(ClientAddresses.block("::1").contains(ip("::1"))).isTrue();

        assertThatThrownBy(() -> ClientAddresses.block("proxy.example")).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> ClientAddresses.block("10.0.0.0/33")).hasMessageContaining("0-32");
        assertThatThrownBy(() -> ClientAddresses.block("fd00::/129")).hasMessageContaining("0-128");
        assertThatThrownBy(() -> ClientAddresses.block("10.0.0.0/")).hasMessageContaining("prefix length");
    }
}
