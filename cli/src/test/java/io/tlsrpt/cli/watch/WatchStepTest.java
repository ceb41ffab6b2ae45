package io.tlsrpt.cli.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tlsrpt.processor.detect.AlertKind;
import io.tlsrpt.schema.Alert;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The watch's rules and incident lifecycle, check by check, without DNS or Kafka. */
class WatchStepTest {

    private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");

    /** A healthy domain: valid record, MTA-STS enforce covering its MX, no DANE. */
    private static PolicyPosture healthy(int minute) {
        return new PolicyPosture("example.org", T0.plus(Duration.ofMinutes(minute)), "valid",
            List.of("mailto:tlsrpt@example.org"), null, "enforce", "20261201", null, 604800L,
            List.of("*.example.org"), List.of(), null, "none", List.of(), false, null, null);
    }

    /** The posture with those parts; a new mode comes with a new id, as senders need to see it. */
    private static PolicyPosture with(PolicyPosture p, String tlsrpt, String sts, String stsFailure,
                                      List<String> notCovered, String dane) {
        String id = sts.equals(p.stsStatus()) ? p.stsId() : p.stsId() + "-" + sts;
        return new PolicyPosture(p.domain(), p.checkedAt(), tlsrpt, p.rua(), null, sts, id, stsFailure,
            p.stsMaxAge(), p.stsMx(), notCovered, sts.equals(p.stsStatus()) ? null : "the policy broke", dane,
            dane.equals("none") ? List.of() : List.of("mx.example.org"), false, null, null);
    }

    private static WatchStep check(WatchStep before, PolicyPosture now) {
        return WatchStep.apply(before == null ? null : before.next(), now);
    }

    @Test
    void aHealthyDomainFiresNothingAndKeepsItsPosture() {
        WatchStep first = check(null, healthy(0));
        WatchStep second = check(first, healthy(15));

        assertThat(first.alerts()).isEmpty();
        assertThat(second.alerts()).isEmpty();
        assertThat(second.changes()).isEmpty();
        assertThat(second.next().open()).isEmpty();
        assertThat(second.next().posture().enforced()).isTrue();
    }

    @Test
    void anUnreachablePolicyFiresOnceAndResolvesUnderTheSameId() {
        WatchStep ok = check(null, healthy(0));
        WatchStep broken = check(ok, with(healthy(15), "valid", "fetch-error", "sts-policy-fetch-error", List.of(),
            "none"));
        WatchStep still = check(broken, with(healthy(30), "valid", "fetch-error", "sts-policy-fetch-error", List.of(),
            "none"));
        WatchStep mended = check(still, healthy(45));

        Alert firing = single(broken);
        assertThat(firing.getStatus()).isEqualTo("firing");
        assertThat(firing.getKind()).isEqualTo("mta-sts-policy-unreachable");
        assertThat(firing.getSeverity()).isEqualTo("warning");
        assertThat(firing.getResultType()).isEqualTo("sts-policy-fetch-error");
        assertThat(firing.getReporters()).containsExactly(WatchStep.REPORTER);
        assertThat(firing.getWindowStart()).isEqualTo(T0.plus(Duration.ofMinutes(15)));
        assertThat(firing.getSummary()).startsWith("mta-sts-policy-unreachable on example.org (found by tlsrpt watch)")
            .contains("the policy broke").contains(AlertKind.MTA_STS_POLICY_UNREACHABLE.action());
        assertThat(broken.next().posture().enforced()).as("fetch-error is no enforced policy").isFalse();
        assertThat(broken.next().wasEnforced()).as("the breakage explains it: not a withdrawal").isTrue();

        assertThat(still.alerts()).as("the same incident: nothing new").isEmpty();
        assertThat(mended.alerts()).extracting(Alert::getStatus, Alert::getKind)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("resolved", "mta-sts-policy-unreachable"));
        assertThat(mended.alerts().get(0).getAlertId()).isEqualTo(firing.getAlertId());
        assertThat(mended.alerts().get(0).getWindowStart()).isEqualTo(firing.getWindowStart());
        assertThat(mended.alerts().get(0).getWindowEnd()).isEqualTo(T0.plus(Duration.ofMinutes(45)));
        assertThat(mended.next().open()).isEmpty();
    }

    @Test
    void aWithdrawnPolicyIsNotEnforcedUntilItIsBack() {
        WatchStep ok = check(null, healthy(0));
        WatchStep testing = check(ok, with(healthy(15), "valid", "testing", null, List.of(), "none"));
        WatchStep stillTesting = check(testing, with(healthy(30), "valid", "testing", null, List.of(), "none"));
        WatchStep enforced = check(stillTesting, healthy(45));

        assertThat(single(testing).getKind()).isEqualTo("tls-policy-not-enforced");
        assertThat(single(testing).getResultType()).isEqualTo("policy-not-enforced");
        assertThat(testing.changes()).contains("mta_sts.status: enforce -> testing");
        assertThat(stillTesting.alerts()).as("stays firing although the last posture was not enforced").isEmpty();
        assertThat(stillTesting.next().open()).containsKey(AlertKind.TLS_POLICY_NOT_ENFORCED);
        assertThat(single(enforced).getStatus()).isEqualTo("resolved");
    }

    @Test
    void aPolicyWithdrawnAfterItBrokeIsStillAWithdrawal() {
        WatchStep ok = check(null, healthy(0));
        WatchStep broken = check(ok, with(healthy(15), "valid", "invalid", "sts-policy-invalid", List.of(), "none"));
        WatchStep withdrawn = check(broken, with(healthy(30), "valid", "none", null, List.of(), "none"));

        assertThat(single(broken).getKind()).isEqualTo("mta-sts-policy-invalid");
        assertThat(withdrawn.alerts()).extracting(Alert::getStatus, Alert::getKind).containsExactly(
            org.assertj.core.groups.Tuple.tuple("resolved", "mta-sts-policy-invalid"),
            org.assertj.core.groups.Tuple.tuple("firing", "tls-policy-not-enforced"));
    }

    @Test
    void aDomainFirstSeenWithoutAPolicyIsNotAnIncident() {
        WatchStep first = check(null, with(healthy(0), "valid", "missing", null, List.of(), "none"));

        assertThat(first.alerts()).isEmpty();
        assertThat(first.next().posture().enforced()).isFalse();
    }

    @Test
    void aMissingRecordAndAnUncoveredMxFireTogether() {
        WatchStep ok = check(null, healthy(0));
        WatchStep both = check(ok, with(healthy(15), "missing", "enforce", null, List.of("mx9.other.example"),
            "none"));

        assertThat(both.alerts()).extracting(Alert::getKind)
            .containsExactlyInAnyOrder("tlsrpt-record-broken", "mta-sts-mx-not-covered");
        Alert uncovered = both.alerts().stream().filter(a -> a.getKind().equals("mta-sts-mx-not-covered"))
            .findFirst().orElseThrow();
        assertThat(uncovered.getSeverity()).isEqualTo("critical");
        assertThat(uncovered.getResultType()).isEqualTo("validation-failure");
        assertThat(uncovered.getTopReceivingMx()).containsExactly("mx9.other.example");
        Alert record = both.alerts().stream().filter(a -> a.getKind().equals("tlsrpt-record-broken")).findFirst()
            .orElseThrow();
        assertThat(record.getResultType()).isEqualTo("tlsrpt-record-missing");
        assertThat(both.changes()).contains("tlsrpt.status: valid -> missing",
            "mta_sts.mx_not_covered: [] -> [mx9.other.example]");
    }

    @Test
    void anUncoveredMxInTestingModeIsNotAnIncident() {
        WatchStep testing = check(null, with(healthy(0), "valid", "testing", null, List.of("mx9.other.example"),
            "none"));

        assertThat(testing.alerts()).isEmpty();
    }

    @Test
    void aCertificateProblemOfThePolicyServerIsItsOwnKind() {
        WatchStep first = check(null, with(healthy(0), "valid", "fetch-error", "sts-webpki-invalid", List.of(),
            "none"));
        WatchStep invalid = check(first, with(healthy(15), "valid", "invalid", "sts-policy-invalid", List.of(),
            "none"));

        assertThat(single(first).getKind()).isEqualTo("mta-sts-certificate-invalid");
        assertThat(invalid.alerts()).extracting(Alert::getStatus, Alert::getKind).containsExactly(
            org.assertj.core.groups.Tuple.tuple("resolved", "mta-sts-certificate-invalid"),
            org.assertj.core.groups.Tuple.tuple("firing", "mta-sts-policy-invalid"));
    }

    @Test
    void lostDnssecOnTlsaRecordsIsBrokenDnssecAndNotEnforcedWithoutMtaSts() {
        PolicyPosture daneOnly = with(healthy(0), "valid", "missing", null, List.of(), "authenticated");
        WatchStep ok = check(null, daneOnly);
        WatchStep lost = check(ok, with(healthy(15), "valid", "missing", null, List.of(), "unauthenticated"));

        assertThat(ok.next().posture().enforced()).isTrue();
        assertThat(lost.alerts()).as("the broken DNSSEC explains the lost enforcement: one page")
            .extracting(Alert::getKind).containsExactly("dnssec-broken");
        Alert dnssec = lost.alerts().stream().filter(a -> a.getKind().equals("dnssec-broken")).findFirst()
            .orElseThrow();
        assertThat(dnssec.getSeverity()).isEqualTo("critical");
        assertThat(dnssec.getTopReceivingMx()).containsExactly("mx.example.org");
    }

    @Test
    void aDnsFailureNeitherFiresNorResolvesAndKeepsTheLastKnownPart() {
        WatchStep ok = check(null, healthy(0));
        WatchStep broken = check(ok, with(healthy(15), "missing", "fetch-error", "sts-policy-fetch-error", List.of(),
            "none"));
        WatchStep outage = check(broken, with(healthy(30), "dns-error", "dns-error", null, List.of(), "dns-error"));
        WatchStep outageFromHealthy = check(ok, with(healthy(30), "dns-error", "dns-error", null, List.of(),
            "dns-error"));

        assertThat(broken.alerts()).extracting(Alert::getKind)
            .containsExactlyInAnyOrder("tlsrpt-record-broken", "mta-sts-policy-unreachable");
        assertThat(outage.alerts()).as("nothing resolves on a resolver outage").isEmpty();
        assertThat(outage.next().open()).isEqualTo(broken.next().open());
        assertThat(outage.unknownParts()).containsExactly("tlsrpt", "mta_sts", "dane");
        assertThat(outage.next().posture().tlsrpt()).as("the last known part").isEqualTo("missing");
        assertThat(outage.changes()).isEmpty();
        assertThat(outageFromHealthy.alerts()).as("nothing fires on a resolver outage").isEmpty();
        assertThat(outageFromHealthy.next().posture().enforced()).isTrue();
    }

    @Test
    void anMxLookupThatFailsLeavesTheCoverageUnknownNotMended() {
        WatchStep ok = check(null, healthy(0));
        WatchStep uncovered = check(ok, with(healthy(15), "valid", "enforce", null, List.of("mx9.other.example"),
            "none"));
        // the MX question unanswered: no MX hosts to judge, and DANE (which needs them) unknown too
        WatchStep mxUnknown = check(uncovered, with(healthy(30), "valid", "enforce", null, null, "dns-error"));
        WatchStep mended = check(mxUnknown, healthy(45));

        assertThat(single(uncovered).getKind()).isEqualTo("mta-sts-mx-not-covered");
        assertThat(mxUnknown.alerts()).as("not resolved by a lookup that failed").isEmpty();
        assertThat(mxUnknown.unknownParts()).containsExactly("mx", "dane");
        assertThat(mxUnknown.next().posture().mxNotCovered()).as("the last known coverage")
            .containsExactly("mx9.other.example");
        assertThat(PostureJson.read(PostureJson.write(mxUnknown))).isEqualTo(mxUnknown.next());
        assertThat(single(mended).getStatus()).isEqualTo("resolved");
    }

    @Test
    void aDomainThatLeavesTheListResolvesItsIncidents() {
        WatchStep broken = check(check(null, healthy(0)), with(healthy(15), "missing", "enforce", null, List.of(),
            "none"));
        WatchStep gone = WatchStep.forget(broken.next(), T0.plus(Duration.ofMinutes(30)));

        assertThat(gone.next()).isNull();
        assertThat(single(gone).getStatus()).isEqualTo("resolved");
        assertThat(single(gone).getSummary()).contains("no longer watched");
        assertThat(single(gone).getAlertId()).isEqualTo(single(broken).getAlertId());
    }

    @Test
    void aPolicyChangeIsListedNotAlerted() {
        WatchStep ok = check(null, healthy(0));
        PolicyPosture h = healthy(15);
        PolicyPosture changed = new PolicyPosture(h.domain(), h.checkedAt(), h.tlsrpt(), h.rua(), null, "enforce",
            "20261202", null, 86400L, List.of("*.example.org", "mx.backup.example"), List.of(), null, "none",
            List.of(), false, null, null);

        WatchStep step = check(ok, changed);

        assertThat(step.alerts()).isEmpty();
        assertThat(step.changes()).containsExactly("mta_sts.id: 20261201 -> 20261202",
            "mta_sts.max_age: 604800 -> 86400", "mta_sts.mx: [*.example.org] -> [*.example.org, mx.backup.example]");
    }

    /** The policy file edited without a new id in _mta-sts: senders keep the cached policy. */
    private static PolicyPosture edited(int minute, String id, String mode, List<String> mx) {
        PolicyPosture h = healthy(minute);
        return new PolicyPosture(h.domain(), h.checkedAt(), h.tlsrpt(), h.rua(), null, mode, id, null, h.stsMaxAge(),
            mx, List.of(), null, "none", List.of(), false, null, null);
    }

    @Test
    void aPolicyEditedWithoutANewIdFiresUntilTheIdChanges() {
        List<String> moved = List.of("*.example.org", "mx.new-provider.example");
        WatchStep ok = check(null, healthy(0));
        WatchStep edited = check(ok, edited(15, "20261201", "enforce", moved));
        WatchStep still = check(edited, edited(30, "20261201", "enforce", moved));
        WatchStep fetchFailed = check(still, with(healthy(45), "valid", "fetch-error", "sts-policy-fetch-error",
            List.of(), "none"));
        WatchStep newId = check(still, edited(45, "20261202", "enforce", moved));

        Alert fired = single(edited);
        assertThat(fired.getKind()).isEqualTo("mta-sts-id-unchanged");
        assertThat(fired.getSeverity()).isEqualTo("warning");
        assertThat(fired.getSummary()).contains("its MTA-STS policy changed (mx [*.example.org] -> "
            + "[*.example.org, mx.new-provider.example]) while the id of _mta-sts.example.org stayed 20261201",
            "up to its max_age (604800 s)", "change the id in the _mta-sts TXT record");
        assertThat(still.alerts()).as("open until the id changes, said once").isEmpty();
        assertThat(fetchFailed.alerts()).extracting(Alert::getKind).as("a policy not read tells nothing of the id")
            .containsExactly("mta-sts-policy-unreachable");
        assertThat(fetchFailed.next().open()).containsKey(AlertKind.MTA_STS_ID_UNCHANGED);
        Alert resolved = single(newId);
        assertThat(resolved.getStatus()).isEqualTo("resolved");
        assertThat(resolved.getAlertId()).isEqualTo(fired.getAlertId());
        assertThat(resolved.getSummary()).contains("the id of _mta-sts.example.org is now 20261202");
    }

    @Test
    void anEditSeenOnlyAfterAFailedFetchIsComparedWithTheLastPolicyRead() {
        PolicyPosture h = healthy(15);
        PolicyPosture unreachable = new PolicyPosture(h.domain(), h.checkedAt(), h.tlsrpt(), h.rua(), null,
            "fetch-error", "20261201", "sts-policy-fetch-error", null, List.of(), List.of(), "HTTP 503", "none",
            List.of(), false, null, null);
        WatchStep failed = check(check(null, healthy(0)), unreachable);
        WatchStep edited = check(failed, edited(30, "20261201", "testing", List.of("*.example.org")));

        assertThat(failed.next().lastPolicy()).as("kept through the failed fetch")
            .isEqualTo(new WatchedDomain.LastPolicy("20261201", "enforce", List.of("*.example.org"), 604800L));
        assertThat(edited.alerts()).extracting(Alert::getKind).contains("mta-sts-id-unchanged");
        assertThat(edited.alerts().stream().filter(a -> a.getKind().equals("mta-sts-id-unchanged")).findFirst()
            .orElseThrow().getSummary()).contains("(mode enforce -> testing)");
        String json = PostureJson.write(edited);
        assertThat(json).contains("\"last_policy\":{\"id\":\"20261201\",\"mode\":\"testing\"");
        assertThat(PostureJson.read(json)).isEqualTo(edited.next());
        assertThat(PostureJson.read(json.replaceAll(",\"last_policy\":\\{[^}]*}", "")).lastPolicy())
            .as("a record of the version before: its posture's policy").isEqualTo(edited.next().lastPolicy());
    }

    @Test
    void aModeChangedWithoutANewIdIsAlsoStale() {
        WatchStep testing = check(null, edited(0, "1", "testing", List.of("*.example.org")));
        WatchStep enforce = check(testing, edited(15, "1", "enforce", List.of("*.example.org")));
        WatchStep reordered = check(check(null, edited(0, "1", "enforce", List.of("a.example.org", "b.example.org"))),
            edited(15, "1", "enforce", List.of("b.example.org", "a.example.org")));

        assertThat(single(enforce).getSummary()).contains("(mode testing -> enforce)");
        assertThat(reordered.alerts()).as("the same mx lines in another order are the same policy").isEmpty();
    }

    /** The healthy posture with the rua destinations probed as given. */
    private static PolicyPosture reaching(int minute, io.tlsrpt.cli.check.ReportUriProbe.Result... reach) {
        PolicyPosture h = healthy(minute);
        return new PolicyPosture(h.domain(), h.checkedAt(), h.tlsrpt(), h.rua(), null, h.stsStatus(), h.stsId(), null,
            h.stsMaxAge(), h.stsMx(), List.of(), null, "none", List.of(), false, null, List.of(reach));
    }

    private static io.tlsrpt.cli.check.ReportUriProbe.Result reach(String outcome, String detail) {
        return new io.tlsrpt.cli.check.ReportUriProbe.Result("mailto:tlsrpt@example.org",
            io.tlsrpt.cli.check.ReportUriProbe.Outcome.of(outcome), detail);
    }

    @Test
    void aRuaDestinationThatTakesNoReportsFiresAndAnUnknownOneChangesNothing() {
        WatchStep ok = check(null, reaching(0, reach("reachable", "example.org MX mx.example.org")));
        WatchStep dead = check(ok, reaching(15, reach("unreachable", "example.org publishes a null MX (MX 0 .)")));
        WatchStep dnsDown = check(dead, reaching(30, reach("unknown", "the MX lookup of example.org failed")));
        WatchStep off = check(dnsDown, healthy(45));
        WatchStep mended = check(off, reaching(60, reach("reachable", "example.org MX mx.example.org")));

        assertThat(ok.alerts()).isEmpty();
        Alert fired = single(dead);
        assertThat(fired.getKind()).isEqualTo("tlsrpt-rua-unreachable");
        assertThat(fired.getSeverity()).isEqualTo("warning");
        assertThat(fired.getSummary()).contains("no rua destination of its _smtp._tls record takes reports: "
            + "mailto:tlsrpt@example.org: example.org publishes a null MX", "every sender's reports are lost");
        assertThat(dead.changes()).contains("tlsrpt.rua_reach: [mailto:tlsrpt@example.org reachable] -> "
            + "[mailto:tlsrpt@example.org unreachable]");
        assertThat(dnsDown.alerts()).as("a failed lookup tells nothing").isEmpty();
        assertThat(dnsDown.unknownParts()).containsExactly("rua_reach");
        assertThat(off.alerts()).as("the check switched off resolves nothing").isEmpty();
        assertThat(single(mended).getStatus()).isEqualTo("resolved");
        assertThat(single(mended).getAlertId()).isEqualTo(fired.getAlertId());
        assertThat(PostureJson.read(PostureJson.write(dead))).isEqualTo(dead.next());
    }

    @Test
    void thePostureRecordResumesTheSameIncidents() {
        WatchStep broken = check(check(null, healthy(0)), with(healthy(15), "missing", "testing", null, List.of(),
            "none"));

        String json = PostureJson.write(broken);
        WatchedDomain resumed = PostureJson.read(json);

        assertThat(resumed).isEqualTo(broken.next());
        assertThat(json).contains("\"policy_domain\":\"example.org\"", "\"enforced\":false",
            "\"kind\":\"tls-policy-not-enforced\"", "\"changes\":[\"tlsrpt.status: valid -> missing\"");
        WatchStep mended = WatchStep.apply(resumed, healthy(30));
        assertThat(mended.alerts()).extracting(Alert::getAlertId)
            .containsExactlyInAnyOrderElementsOf(broken.alerts().stream().map(Alert::getAlertId).toList());
        assertThatThrownBy(() -> PostureJson.read("{\"policy_domain\":\"x\"}"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a posture record");
    }

    private static Alert single(WatchStep step) {
        assertThat(step.alerts()).hasSize(1);
        return step.alerts().get(0);
    }
}
