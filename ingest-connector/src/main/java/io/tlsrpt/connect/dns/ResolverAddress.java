package io.tlsrpt.connect.dns;

import java.net.InetSocketAddress;

/**
 * Parses a DNS server (or proxy) given as HOST[:PORT]: {@code 127.0.0.1:5353}, {@code [::1]:53}, {@code ns.example};
 * the connector's {@code dkim.dns.server}, the cli's {@code --resolver}, {@code --dkim-dns-server} and
 * {@code --https-proxy}.
 */
public final class ResolverAddress {

    private ResolverAddress() {
    }

    public static InetSocketAddress parse(String text) {
        String host = text;
        int port = 53;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + text + "': missing ']' after the IPv6 address");
            }
            host = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("'" + text + "': expected [IPv6]:PORT");
                }
                port = port(text, rest.substring(1));
            }
        } else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
            host = text.substring(0, text.indexOf(':'));
            port = port(text, text.substring(text.indexOf(':') + 1));
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "': no host; write HOST or HOST:PORT, e.g. 127.0.0.1:53");
        }
        return new InetSocketAddress(host, port);
    }

    private static int port(String text, String port) {
        try {
            int p = Integer.parseInt(port);
            if (p >= 1 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below with the whole option value
        }
        throw new IllegalArgumentException("'" + text + "': the port must be a number from 1 to 65535");
    }
}
