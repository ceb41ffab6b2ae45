package io.tlsrpt.processor.topology;

import static io.tlsrpt.processor.topology.ReportFixtures.report;
import static org.assertj.core.api.Assertions.assertThat;

import io.tlsrpt.processor.detect.PolicyEnforcement;
import io.tlsrpt.schema.Alert;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A domain whose senders stop applying its MTA-STS policy (it was withdrawn, or set to testing) loses its protection
 * against a STARTTLS downgrade while every session still succeeds: the whole topology, with TopologyTestDriver.
 */
class PolicyEnforcementScenariosTest {

    private static final String[] REPORTERS = {"Google Inc.", "Microsoft Corporation", "Yahoo"};
    private final TopologyFixture f = new TopologyFixture();

    @AfterEach
    void close() {
        f.close();
    }

    private void enforcedWeek(String domain) {
        for (int day = 1; day <= 7; day++) {
            for (String reporter : REPORTERS) {
                f.send(report(reporter, reporter.charAt(0) + "-" + domain + "-" + day, day).policy(domain, 1000), day);
            }
        }
    }

    @Test
    void aWithdrawnMtaStsPolicyFiresOnceAndResolvesWhenEnforcementIsBack() {
        enforcedWeek("withdrawn.example");
        assertThat(f.allAlerts()).isEmpty();

        for (String reporter : REPORTERS) {
            f.send(report(reporter, reporter.charAt(0) + "-gone", 8).noPolicyFound("withdrawn.example", 1000), 8);
        }
        List<Alert> alerts = f.allAlerts();
        assertThat(alerts).as("fired on the first report, updated when the count doubled").hasSize(2)
                .extracting(Alert::getAlertId).containsOnly(alerts.get(0).getAlertId());
        Alert firing = alerts.get(0);
        assertThat(firing.getStatus()).isEqualTo("firing");
        assertThat(firing.getKind()).isEqualTo("tls-policy-not-enforced");
        assertThat(firing.getSeverity()).isEqualTo("warning");
        assertThat(firing.getResultType()).isEqualTo(PolicyEnforcement.NOT_ENFORCED);
        assertThat(firing.getFailedSessions()).isEqualTo(1000);
        assertThat(firing.getTotalSessions()).isEqualTo(1000);
        assertThat(firing.getJudgedReporter()).isNull();
        assertThat(firing.getSummary())
                .startsWith("tls-policy-not-enforced on withdrawn.example: 1000 of 1000 sessions were delivered under"
                        + " no enforced policy")
                .contains("seen by 1 reporter(s);").doesNotContain("sending IP")
                .contains("MTA-STS policy in enforce mode");
        assertThat(alerts.get(1).getFailedSessions()).isEqualTo(2000);
        assertThat(f.stats.readKeyValuesToMap().keySet()).as("the statistics are of failures only")
                .noneMatch(k -> k.contains(PolicyEnforcement.NOT_ENFORCED));

        // day 9: the policy is back; a full day of enforced sessions resolves it
        for (String reporter : REPORTERS) {
            f.send(report(reporter, reporter.charAt(0) + "-back", 9).policy("withdrawn.example", 1000), 9);
        }
        assertThat(f.allAlerts()).singleElement().satisfies(a -> {
            assertThat(a.getStatus()).isEqualTo("resolved");
            assertThat(a.getAlertId()).isEqualTo(firing.getAlertId());
            assertThat(a.getSummary()).contains("0 of 2000 sessions were delivered under no enforced policy");
        });
    }

    @Test
    void mtaStsSetToTestingModeFires() {
        enforcedWeek("testing.example");
        f.send(report("Google Inc.", "g-testing", 8).stsPolicy("testing", "testing.example", 1000), 8);
        assertThat(f.allAlerts()).singleElement().satisfies(a -> {
            assertThat(a.getKind()).isEqualTo("tls-policy-not-enforced");
            assertThat(a.getFailedSessions()).isEqualTo(1000);
        });
    }

    /** A domain that never had MTA-STS, and one where a reporter never applies it, have it in their baseline. */
    @Test
    void sessionsThatWereNeverUnderAnEnforcedPolicyRaiseNothing() {
        for (int day = 1; day <= 10; day++) {
            for (String reporter : REPORTERS) {
                f.send(report(reporter, reporter.charAt(0) + "-plain-" + day, day)
                        .noPolicyFound("plain.example", 900 + day * 10), day);
            }
            f.send(report("Google Inc.", "g-mixed-" + day, day).policy("mixed.example", 1000), day);
            f.send(report("Yahoo", "y-mixed-" + day, day).noPolicyFound("mixed.example", 1000 + day), day);
            f.send(report("Microsoft Corporation", "m-testing-" + day, day)
                    .stsPolicy("testing", "testing-all-along.example", 500 + day), day);
        }
        assertThat(f.allAlerts()).isEmpty();
        assertThat(f.stats.readKeyValuesToMap()).isEmpty();
    }

    /**
     * Yahoo never applies the policy (half the domain's sessions): Google withdrawing it too takes the domain's rate
     * from one half to three quarters, under the rate floor, but Google's own windows go from none to all.
     */
    @Test
    void oneReporterThatStopsApplyingThePolicyIsJudgedOnItsOwnWindows() {
        for (int day = 1; day <= 7; day++) {
            f.send(report("Google Inc.", "g-" + day, day).policy("half.example", 1000), day);
            f.send(report("Yahoo", "y-" + day, day).noPolicyFound("half.example", 2000), day);
        }
        f.send(report("Yahoo", "y-8", 8).noPolicyFound("half.example", 2000), 8);
        f.send(report("Google Inc.", "g-8", 8).noPolicyFound("half.example", 1000), 8);
        assertThat(f.allAlerts()).singleElement().satisfies(a -> {
            assertThat(a.getKind()).isEqualTo("tls-policy-not-enforced");
            assertThat(a.getJudgedReporter()).isEqualTo("Google Inc.");
            assertThat(a.getFailedSessions()).isEqualTo(1000);
            assertThat(a.getSummary()).contains("1000 of the 1000 sessions reported by Google Inc. were delivered under"
                    + " no enforced policy").contains("all reporters: 3000 of 3000");
        });
    }

    /** Microsoft lists a domain's sessions under its sts and its tlsa policy: DANE still enforces them. */
    @Test
    void sessionsAReportListsUnderAnEnforcedPolicyTooAreNotCounted() {
        String tlsa = "3 1 1 " + "AB".repeat(32);
        Map<String, DomainWindow> both = ReportExplode.contributions(report("Microsoft Corporation", "m-1", 8)
                .stsPolicy("testing", "both.example", 1000)
                .policy("tlsa", List.of(tlsa), "both.example", 1000)
                .noPolicyFound("other.example", 300)
                .stsPolicy("none", "other.example", 200).decoded());
        assertThat(both.get("both.example").failures()).doesNotContainKey(PolicyEnforcement.NOT_ENFORCED);
        assertThat(both.get("other.example").failures().get(PolicyEnforcement.NOT_ENFORCED)).satisfies(c -> {
            assertThat(c.failed()).isEqualTo(500);
            assertThat(c.failedBy("Microsoft Corporation")).isEqualTo(500);
        });
        assertThat(both.get("other.example").reports()).isEqualTo(1);
        assertThat(both.get("other.example").totalSessions()).isEqualTo(500);

        Map<String, DomainWindow> stsOnly = ReportExplode.contributions(report("Google Inc.", "g-1", 8)
                .stsPolicy("testing", "both.example", 1000).decoded());
        assertThat(stsOnly.get("both.example").failures().get(PolicyEnforcement.NOT_ENFORCED).failed()).isEqualTo(1000);
    }

    @Test
    void aReportCannotCountItsOwnFailuresAsSessionsWithoutPolicy() {
        enforcedWeek("posing.example");
        f.send(report("Google Inc.", "g-posing", 8).policy("posing.example", 500,
                ReportFixtures.failure(PolicyEnforcement.NOT_ENFORCED, 500, "192.0.2.1", null)), 8);
        assertThat(f.allAlerts()).singleElement().satisfies(a -> {
            assertThat(a.getResultType()).isEqualTo("reported-policy-not-enforced");
            assertThat(a.getKind()).isEqualTo("failure-spike");
        });
    }
}
