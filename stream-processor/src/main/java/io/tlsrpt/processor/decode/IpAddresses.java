package io.tlsrpt.processor.decode;

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

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
