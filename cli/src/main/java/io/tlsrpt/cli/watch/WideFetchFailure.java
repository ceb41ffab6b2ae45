package io.tlsrpt.cli.watch;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When most policy fetches of a round fail for want of an answer, the watch's own network (an egress firewall, a
 * proxy, its DNS for the policy hosts) is more likely broken than every one of those domains' policy servers at
 * once: those fetches are then not judged (the MTA-STS part is unknown for the round, as for a DNS failure), so that
 * an outage on the watch's side pages no one for thousands of domains. Two domains or fewer cannot tell the two
 * apart and are judged as they are.
 */
final class WideFetchFailure {

    private static final Logger LOG = LoggerFactory.getLogger(WideFetchFailure.class);

    /** At least this many failed fetches in a round before the rule applies. */
    static final int MIN_FAILED = 3;

    private WideFetchFailure() {
    }

    /**
     * @param postures this round's checks
     * @return the same, with the MTA-STS part of each unanswered fetch made unknown when more than half of the
     *     domains that publish an _mta-sts record (and at least {@link #MIN_FAILED}) got no answer
     */
    static List<PolicyPosture> unjudged(List<PolicyPosture> postures) {
        long publishing = postures.stream().filter(PolicyPosture::publishesMtaSts).count();
        long unanswered = postures.stream().filter(PolicyPosture::policyUnanswered).count();
        if (unanswered < MIN_FAILED || unanswered * 2 <= publishing) {
            return postures;
        }
        LOG.warn("{} of the {} policy fetches of this round got no answer at all: the watch's own network or proxy is "
            + "more likely broken than every one of those servers; their MTA-STS part is not judged this round",
            unanswered, publishing);
        return postures.stream().map(p -> p.policyUnanswered() ? p.withStsUnjudged() : p).toList();
    }
}
