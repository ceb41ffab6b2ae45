package io.tlsrpt.cli.watch;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * What changed in a domain's published policies between two checks, one line each ("mta_sts.mx: [a] -> [b]"): a
 * new policy id, other mx patterns, a shorter max_age, another rua, TLSA records gone. Not alerts by themselves (many
 * are planned changes); they go into the posture record and the log, where a change before a failure is found.
 */
final class PostureChanges {

    private PostureChanges() {
    }

    static List<String> between(PolicyPosture before, PolicyPosture after) {
        List<String> changes = new ArrayList<>();
        if (before == null) {
            return changes;
        }
        compare(changes, "tlsrpt.status", before, after, PolicyPosture::tlsrpt);
        compare(changes, "tlsrpt.rua", before, after, PolicyPosture::rua);
        compare(changes, "tlsrpt.rua_reach", before, after, p -> p.ruaReach() == null ? null
            : p.ruaReach().stream().map(r -> r.uri() + " " + r.outcome().code()).toList());
        compare(changes, "mta_sts.status", before, after, PolicyPosture::stsStatus);
        compare(changes, "mta_sts.id", before, after, PolicyPosture::stsId);
        compare(changes, "mta_sts.max_age", before, after, PolicyPosture::stsMaxAge);
        compare(changes, "mta_sts.mx", before, after, PolicyPosture::stsMx);
        compare(changes, "mta_sts.mx_not_covered", before, after, PolicyPosture::mxNotCovered);
        compare(changes, "dane.status", before, after, PolicyPosture::dane);
        compare(changes, "dane.tlsa_hosts", before, after, PolicyPosture::tlsaHosts);
        compare(changes, "mx_tls", before, after,
            p -> p.mxTls() == null ? null : p.mxTls().stream().map(MxTls::summary).toList());
        return changes;
    }

    private static void compare(List<String> changes, String name, PolicyPosture before, PolicyPosture after,
                                Function<PolicyPosture, Object> part) {
        Object was = part.apply(before);
        Object is = part.apply(after);
        if (!Objects.equals(was, is)) {
            changes.add(name + ": " + was + " -> " + is);
        }
    }
}
