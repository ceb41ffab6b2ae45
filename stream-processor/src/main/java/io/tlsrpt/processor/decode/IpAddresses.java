package io.tlsrpt.processor.decode;

import java.util.ArrayList;
import java.util.List;

/** IPv4/IPv6 literal checks without {@code InetAddress}, which would resolve names over DNS. */
final class IpAddresses {

    private IpAddresses() {
    }

    static boolean isLiteral(String s) {
        return s.indexOf(':') >= 0 ? isIpv6(s) : isIpv4(s, 0, s.length());
    }

    static boolean isIpv4(String s, int from, int to) {
        int groups = 0;
        int digits = 0;
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                value = value * 10 + (c - '0');
                if (++digits > 3 || value > 255) {
                    return false;
                }
            } else if (c == '.') {
                if (digits == 0 || ++groups > 3) {
                    return false;
                }
                digits = 0;
                value = 0;
            } else {
                return false;
            }
        }
        return groups == 3 && digits > 0;
    }

    static boolean isIpv6(String s) {
        int end = s.indexOf('%');  // zone id
        if (end < 0) {
            end = s.length();
        } else if (end == s.length() - 1) {
            return false;
        }
        if (end < 2) {
            return false;
        }
        int groups = 0;
        boolean compressed = false;
        int i = 0;
        if (s.startsWith("::")) {
            compressed = true;
            i = 2;
            if (end == 2) {
                return true;
            }
        } else if (s.charAt(0) == ':') {
            return false;
        }
        while (i < end) {
            int groupStart = i;
            int hex = 0;
            while (i < end && isHex(s.charAt(i))) {
                i++;
                hex++;
            }
            if (i < end && s.charAt(i) == '.') {
                // embedded IPv4 in the last 32 bits
                if (!isIpv4(s, groupStart, end)) {
                    return false;
                }
                groups += 2;
                i = end;
                break;
            }
            if (hex == 0 || hex > 4) {
                return false;
            }
            groups++;
            if (i == end) {
                break;
            }
            if (s.charAt(i) != ':') {
                return false;
            }
            i++;
            if (i < end && s.charAt(i) == ':') {
                if (compressed) {
                    return false;
                }
                compressed = true;
                i++;
                if (i == end) {
                    break;
                }
            } else if (i == end) {
                return false;
            }
        }
        return compressed ? groups < 8 : groups == 8;
    }

    /**
     * One spelling of an address, so that a sending MTA or receiving IP is counted once however a reporter writes it:
     * IPv6 in RFC 5952's form (lower case, no leading zeros, the longest run of two or more zero groups as "::"), an
     * IPv4-mapped IPv6 address as its IPv4 address, IPv4 without leading zeros. Anything else (not a literal, a zone
     * id) is returned as it is.
     */
    static String canonical(String s) {
        if (s.indexOf(':') < 0) {
            return isIpv4(s, 0, s.length()) && hasLeadingZero(s) ? ipv4(s, 0, s.length()) : s;
        }
        if (s.indexOf('%') >= 0 || !isIpv6(s)) {
            return s;
        }
        int[] groups = ipv6Groups(s);
        boolean mapped = groups[5] == 0xffff;
        for (int i = 0; i < 5 && mapped; i++) {
            mapped = groups[i] == 0;
        }
        if (mapped) {
            return (groups[6] >> 8) + "." + (groups[6] & 0xff) + "." + (groups[7] >> 8) + "." + (groups[7] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;   // a single zero group is not compressed (RFC 5952 section 4.2.2)
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && groups[i] == 0) {
                i++;
            }
            if (i - start > bestLength) {
                bestStart = start;
                bestLength = i - start;
            }
        }
        StringBuilder out = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }

    /** Whether a group of a dotted quad starts with a 0 that is not the whole group (nearly no address does). */
    private static boolean hasLeadingZero(String s) {
        for (int i = 0; i < s.length() - 1; i++) {
            if (s.charAt(i) == '0' && (i == 0 || s.charAt(i - 1) == '.') && s.charAt(i + 1) != '.') {
                return true;
            }
        }
        return false;
    }

    /** The dotted quad of a valid IPv4 literal, without leading zeros. */
    private static String ipv4(String s, int from, int to) {
        StringBuilder out = new StringBuilder(15);
        for (String part : s.substring(from, to).split("\\.")) {
            if (out.length() > 0) {
                out.append('.');
            }
            out.append(Integer.parseInt(part));
        }
        return out.toString();
    }

    /** The eight 16-bit groups of a valid IPv6 literal without a zone id. */
    private static int[] ipv6Groups(String s) {
        int[] groups = new int[8];
        int gap = s.indexOf("::");
        List<Integer> head = groupsOf(gap < 0 ? s : s.substring(0, gap));
        List<Integer> tail = gap < 0 ? List.of() : groupsOf(s.substring(gap + 2));
        for (int i = 0; i < head.size(); i++) {
            groups[i] = head.get(i);
        }
        for (int i = 0; i < tail.size(); i++) {
            groups[8 - tail.size() + i] = tail.get(i);
        }
        return groups;
    }

    private static List<Integer> groupsOf(String part) {
        List<Integer> groups = new ArrayList<>(8);
        if (part.isEmpty()) {
            return groups;
        }
        for (String group : part.split(":")) {
            if (group.indexOf('.') >= 0) {
                String[] quad = group.split("\\.");
                groups.add(Integer.parseInt(quad[0]) << 8 | Integer.parseInt(quad[1]));
                groups.add(Integer.parseInt(quad[2]) << 8 | Integer.parseInt(quad[3]));
            } else {
                groups.add(Integer.parseInt(group, 16));
            }
        }
        return groups;
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
