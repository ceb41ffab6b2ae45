package io.tlsrpt.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who sent a request: the connecting peer, or, when the peer is one of the trusted proxies, the address they
 * forwarded in {@code X-Forwarded-For}, or in RFC 7239's {@code Forwarded} ({@code for=}) when the proxies write that
 * one: only the header the proxies write is read, since a proxy passes the other through as the client wrote it. The
 * list is read from the right (each proxy appends the address it saw), and the first address that is not a trusted
 * proxy is the client: entries left of it were written by the client itself and prove nothing. From a peer that is
 * not trusted the header is ignored, so a client cannot choose its own address. Addresses are only ever parsed as
 * literals: nothing here resolves a name; an obfuscated or {@code unknown} node stops the walk at the last trusted
 * hop. Shared by the connector's intake (a report's recorded origin, its rate limit per client) and the processor's
 * queries (the wrong tokens allowed per client).
 */
public final class ClientAddresses {

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");
    private static final Pattern IPV4_WITH_PORT = Pattern.compile("(\\d{1,3}(?:\\.\\d{1,3}){3}):\\d{1,5}");
    private static final Pattern BRACKETED = Pattern.compile("\\[([^\\]]+)\\](?::\\d{1,5})?");

    /** An address block: the address with its first {@code bits} bits significant. */
    public record Block(byte[] network, int bits) {
        public boolean contains(InetAddress address) {
            byte[] a = address.getAddress();
            if (a.length != network.length) {
                return false;
            }
            int whole = bits / 8;
            for (int i = 0; i < whole; i++) {
                if (a[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (a[whole] & mask) == (network[whole] & mask);
        }
    }

    /** The header the trusted proxies write the client's address in. */
    public enum Header {
        /** {@code X-Forwarded-For: client, proxy1, ...} (most proxies, Kubernetes ingress controllers). */
        X_FORWARDED_FOR("X-Forwarded-For"),
        /** RFC 7239's {@code Forwarded: for=client;proto=https, for="[2001:db8::1]:4711"}. */
        FORWARDED("Forwarded");

        private final String headerName;

        Header(String headerName) {
            this.headerName = headerName;
        }

        /** The HTTP header's name. */
        public String headerName() {
            return headerName;
        }

        /** {@code x-forwarded-for} or {@code forwarded}, as configured; IllegalArgumentException otherwise. */
        public static Header named(String name) {
            for (Header header : values()) {
                if (header.headerName.equalsIgnoreCase(name.strip())) {
                    return header;
                }
            }
            throw new IllegalArgumentException("'" + name + "' is neither x-forwarded-for nor forwarded");
        }
    }

    private final List<Block> trustedProxies;
    private final Header header;

    /** @param trustedProxies addresses or CIDR blocks ({@code 10.0.0.0/8}, {@code fd00::/8}, {@code 127.0.0.1}) */
    public ClientAddresses(List<String> trustedProxies) {
        this(trustedProxies, Header.X_FORWARDED_FOR);
    }

    /** @param header the header the trusted proxies write (the other is never read) */
    public ClientAddresses(List<String> trustedProxies, Header header) {
        List<Block> blocks = new ArrayList<>(trustedProxies.size());
        for (String proxy : trustedProxies) {
            blocks.add(block(proxy));
        }
        this.trustedProxies = List.copyOf(blocks);
        this.header = header;
    }

    /** The name of the header to pass to {@link #client}. */
    public String headerName() {
        return header.headerName();
    }

    /** The client of a request from {@code peer} with the given values of {@link #headerName()} (null: none). */
    public InetAddress client(InetAddress peer, List<String> forwarded) {
        InetAddress current = peer;
        if (forwarded == null || !trusted(current)) {
            return current;
        }
        List<String> hops = new ArrayList<>();
        for (String value : forwarded) {
            if (header == Header.FORWARDED) {
                hops.addAll(forwardedFor(value));
            } else {
                for (String hop : value.split(",")) {
                    hops.add(hop.trim());
                }
            }
        }
        for (int i = hops.size() - 1; i >= 0; i--) {
            InetAddress hop = literal(stripPort(hops.get(i)));
            if (hop == null) {
                // a proxy we trust wrote something that is not an address: the last trusted hop is all we know
                return current;
            }
            current = hop;
            if (!trusted(current)) {
                return current;
            }
        }
        return current;
    }

    /**
     * The {@code for=} node of each element of a {@code Forwarded} value (RFC 7239 section 4), unquoted, in order; an
     * element without one gives an empty node (no address). Commas and semicolons inside quoted strings do not split.
     */
    static List<String> forwardedFor(String value) {
        List<String> nodes = new ArrayList<>();
        String node = "";
        StringBuilder token = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i <= value.length(); i++) {
            char c = i < value.length() ? value.charAt(i) : ',';
            if (quoted) {
                if (c == '\\' && i + 1 < value.length()) {
                    token.append(value.charAt(++i));
                } else if (c == '"') {
                    quoted = false;
                } else {
                    token.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ';' || c == ',') {
                String pair = token.toString().trim();
                int equals = pair.indexOf('=');
                if (equals > 0 && pair.substring(0, equals).trim().equalsIgnoreCase("for")) {
                    node = pair.substring(equals + 1).trim();
                }
                token.setLength(0);
                if (c == ',') {
                    nodes.add(node);
                    node = "";
                }
            } else {
                token.append(c);
            }
        }
        return nodes;
    }

    /**
     * The key a client is rate-limited by: an IPv4 address, or the /64 an IPv6 address belongs to (one host can use
     * any address of its /64, so a limit per IPv6 address would be no limit).
     */
    public static String rateKey(InetAddress client) {
        if (client instanceof Inet6Address) {
            byte[] a = client.getAddress();
            StringBuilder s = new StringBuilder(24);
            for (int i = 0; i < 8; i += 2) {
                s.append(Integer.toHexString(((a[i] & 0xff) << 8) | (a[i + 1] & 0xff))).append(':');
            }
            return s.append(":/64").toString();
        }
        return client.getHostAddress();
    }

    private boolean trusted(InetAddress address) {
        for (Block block : trustedProxies) {
            if (block.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** An address or a CIDR block; throws IllegalArgumentException with the reason when it is neither. */
    public static Block block(String text) {
        String s = text.trim();
        int slash = s.indexOf('/');
        InetAddress address = literal(slash < 0 ? s : s.substring(0, slash));
        if (address == null) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR block");
        }
        int max = address.getAddress().length * 8;
        int bits = max;
        if (slash >= 0) {
            String prefix = s.substring(slash + 1);
            if (!prefix.matches("\\d{1,3}") || Integer.parseInt(prefix) > max) {
                throw new IllegalArgumentException("'" + text + "' has a prefix length outside 0-" + max);
            }
            bits = Integer.parseInt(prefix);
        }
        return new Block(address.getAddress(), bits);
    }

    /** "1.2.3.4:5678" and "[2001:db8::1]:443" are what some proxies write: the address without the port. */
    private static String stripPort(String hop) {
        Matcher bracketed = BRACKETED.matcher(hop);
        if (bracketed.matches()) {
            return bracketed.group(1);
        }
        Matcher v4 = IPV4_WITH_PORT.matcher(hop);
        return v4.matches() ? v4.group(1) : hop;
    }

    /** An IPv4 or IPv6 literal, or null; never a name lookup. IPv4-mapped IPv6 addresses come back as IPv4. */
    public static InetAddress literal(String text) {
        Matcher v4 = IPV4.matcher(text);
        try {
            if (v4.matches()) {
                byte[] b = new byte[4];
                for (int i = 0; i < 4; i++) {
                    int octet = Integer.parseInt(v4.group(i + 1));
                    if (octet > 255) {
                        return null;
                    }
                    b[i] = (byte) octet;
                }
                return Inet4Address.getByAddress(b);
            }
            // with a colon and only these characters the JDK parses a literal and never looks a name up
            if (text.indexOf(':') >= 0 && IPV6_CHARS.matcher(text).matches()) {
                return InetAddress.getByName(text);
            }
        } catch (UnknownHostException e) {
            return null;
        }
        return null;
    }
}
