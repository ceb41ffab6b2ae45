package io.tlsrpt.cli.check;

import java.util.List;

/** A parsed MTA-STS policy file (RFC 8461 section 3.2); fields are null when absent or invalid. */
public record MtaStsPolicy(String version, String mode, Long maxAge, List<String> mx) {

    public MtaStsPolicy {
        mx = List.copyOf(mx);
    }
}
