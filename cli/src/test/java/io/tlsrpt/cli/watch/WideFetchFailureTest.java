package io.tlsrpt.cli.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WideFetchFailureTest {

    private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");

    private static PolicyPosture enforced(String domain) {
        return new PolicyPosture(domain, T0, "valid", List.of(), null, "enforce", "1", null, 86400L,
            List.of("*." + domain), List.of(), null, "none", List.of(), false, null, null);
    }

    /** The fetch of the domain's policy got no answer (connection refused, timeout). */
    private static PolicyPosture unanswered(String domain) {
        return new PolicyPosture(domain, T0, "valid", List.of(), null, "fetch-error", "1", "sts-policy-fetch-error",
            null, List.of(), List.of(), "connection refused", "none", List.of(), true, null, null);
    }

    /** The policy server answered 404. */
    private static PolicyPosture notFound(String domain) {
        return new PolicyPosture(domain, T0, "valid", List.of(), null, "fetch-error", "1", "sts-policy-fetch-error",
            null, List.of(), List.of(), "HTTP 404", "none", List.of(), false, null, null);
    }

    private static List<PolicyPosture> of(int unanswered, int enforced, int notFound) {
        List<PolicyPosture> all = new ArrayList<>();
        for (int i = 0; i < unanswered; i++) {
            all.add(unanswered("u" + i + ".example"));
        }
        for (int i = 0; i < enforced; i++) {
            all.add(enforced("e" + i + ".example"));
        }
        for (int i = 0; i < notFound; i++) {
            all.add(notFound("n" + i + ".example"));
        }
        return all;
    }

    @Test
    void mostFetchesUnansweredIsTheWatchersOwnOutage() {
        List<PolicyPosture> judged = WideFetchFailure.unjudged(of(6, 4, 1));

        assertThat(judged).filteredOn(p -> p.domain().startsWith("u")).hasSize(6)
            .allSatisfy(p -> assertThat(p.unknownParts()).containsExactly("mta_sts"));
        assertThat(judged).filteredOn(p -> !p.domain().startsWith("u")).as("answers are judged as they are")
            .allSatisfy(p -> assertThat(p.unknownParts()).isEmpty());
        WatchStep step = WatchStep.apply(WatchStep.apply(null, enforced("u0.example")).next(), judged.get(0));
        assertThat(step.alerts()).as("no page for an outage on the watch's side").isEmpty();
        assertThat(step.next().posture().stsStatus()).as("the last known part kept").isEqualTo("enforce");
    }

    @Test
    void aFewServersDownAreJudged() {
        assertThat(WideFetchFailure.unjudged(of(5, 6, 0))).as("not more than half")
            .allSatisfy(p -> assertThat(p.unknownParts()).isEmpty());
        assertThat(WideFetchFailure.unjudged(of(2, 0, 0))).as("two domains cannot tell")
            .allSatisfy(p -> assertThat(p.unknownParts()).isEmpty());
        assertThat(WideFetchFailure.unjudged(of(2, 0, 5))).as("servers that answer with an error are findings")
            .allSatisfy(p -> assertThat(p.unknownParts()).isEmpty());
    }
}
