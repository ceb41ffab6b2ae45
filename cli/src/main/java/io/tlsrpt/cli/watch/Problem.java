package io.tlsrpt.cli.watch;

import io.tlsrpt.processor.detect.AlertKind;
import java.util.List;

/**
 * One thing wrong with a domain's published policies, as an alert would name it.
 *
 * @param resultType the RFC 8460 result type senders report for it (or the project's pseudo-type)
 * @param finding what was found, one sentence without the kind or the domain
 * @param mxHosts the MX hosts concerned (empty when the whole domain is)
 */
record Problem(AlertKind kind, String resultType, String finding, List<String> mxHosts) {

    Problem {
        mxHosts = List.copyOf(mxHosts);
    }
}
