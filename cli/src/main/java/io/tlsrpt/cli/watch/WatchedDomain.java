package io.tlsrpt.cli.watch;

import io.tlsrpt.processor.detect.AlertKind;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the watch keeps about one domain between checks (and across restarts, in the posture topic): its last known
 * posture and its open incidents.
 *
 * @param wasEnforced whether the domain's last judged posture had an enforced policy: a check whose enforcement is
 *                    unknown (DNS failures, a fetch not judged) or explained by a broken policy (which has its own alert) leaves it as
 *                    it was, so that a policy withdrawn after a breakage is still seen as a withdrawal
 * @param lastPolicy the last MTA-STS policy read (kept while a fetch fails or the record is gone: senders keep their
 *                   cached copy), null before one was read
 */
record WatchedDomain(PolicyPosture posture, boolean wasEnforced, Map<AlertKind, OpenIncident> open,
                     LastPolicy lastPolicy) {

    /** An MTA-STS policy as read, under the id of its _mta-sts record then. */
    record LastPolicy(String id, String mode, List<String> mx, long maxAge) {
        LastPolicy {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(mode, "mode");
            mx = List.copyOf(mx);
        }

        /** The policy this check read, or null when it read none (or its record had no id). */
        static LastPolicy of(PolicyPosture p) {
            return p.stsPolicyRead() && p.stsId() != null
                ? new LastPolicy(p.stsId(), p.stsStatus(), p.stsMx(), p.stsMaxAge()) : null;
        }
    }

    WatchedDomain(PolicyPosture posture, boolean wasEnforced, Map<AlertKind, OpenIncident> open) {
        this(posture, wasEnforced, open, LastPolicy.of(posture));
    }

    /**
     * An incident firing now: the id its alerts share, since when, under which result type, and the MX hosts its last
     * alert named (null when resumed from a posture record written before they were kept: then not compared).
     */
    record OpenIncident(String alertId, Instant since, String resultType, List<String> mxHosts) {
        OpenIncident {
            Objects.requireNonNull(alertId, "alertId");
            Objects.requireNonNull(since, "since");
            Objects.requireNonNull(resultType, "resultType");
            mxHosts = mxHosts == null ? null : List.copyOf(mxHosts);
        }

        /** Whether an alert for {@code problem} says something this incident's last alert did not. */
        boolean differsFrom(Problem problem) {
            return !resultType.equals(problem.resultType())
                || mxHosts != null
                && !new java.util.TreeSet<>(mxHosts).equals(new java.util.TreeSet<>(problem.mxHosts()));
        }

        OpenIncident updatedBy(Problem problem) {
            return new OpenIncident(alertId, since, problem.resultType(), problem.mxHosts());
        }
    }

    WatchedDomain {
        Objects.requireNonNull(posture, "posture");
        open = java.util.Collections.unmodifiableMap(new TreeMap<>(open));
    }

    String domain() {
        return posture.domain();
    }
}
