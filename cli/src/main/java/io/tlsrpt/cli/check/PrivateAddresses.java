package io.tlsrpt.cli.check;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Addresses the probes do not connect to unless told to: the MX and rua records they follow are published by the
 * watched domains, and a domain that points them at a loopback, private or link-local address would otherwise have
 * the watch open connections inside its own network (to a cloud metadata service, an internal SMTP relay ...).
 * Senders on the Internet cannot reach such an address either, but split-horizon DNS may show the watch private
 * addresses where senders see public ones, so a refused address is unknown, never a finding.
 */
public final class PrivateAddresses {

    /** Why an address was not connected to, for a probe's detail. */
    static String refusal(String address) {
        return address + " is a loopback, private or link-local address: not connected to (--allow-private-addresses "
            + "to probe it)";
    }

    private PrivateAddresses() {
    }

    /** Loopback, unspecified, link-local, private (RFC 1918, RFC 4193), shared (RFC 6598), multicast or reserved. */
    public static boolean isPrivate(InetAddress a) {
        if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
            || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first == 0 || first >= 240                      // "this network", reserved and broadcast
                || first == 100 && second >= 64 && second < 128    // shared address space (carrier-grade NAT)
                || first == 192 && second == 0 && (b[2] & 0xff) == 0
                || first == 198 && (second == 18 || second == 19); // benchmarking
        }
        return a instanceof Inet6Address && (b[0] & 0xfe) == 0xfc;  // unique local fc00::/7
    }
}
