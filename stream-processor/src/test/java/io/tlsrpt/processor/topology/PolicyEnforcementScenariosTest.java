package io.tlsrpt.processor.topology;

import static io.tlsrpt.processor.topology.ReportFixtures.failure;
import static io.tlsrpt.processor.topology.ReportFixtures.report;
import static org.assertj.core.api.Assertions.assertThat;

import io.tlsrpt.processor.detect.PolicyEnforcement;
import io.tlsrpt.schema.Alert;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.test.TestRecord;
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
        assertThat(alerts).as("fired on the first report, judged on its reporter's own windows").hasSize(1);
        Alert firing = alerts.get(0);
        assertThat(firing.getStatus()).isEqualTo("firing");
        assertThat(firing.getKind()).isEqualTo("tls-policy-not-enforced");
        assertThat(firing.getSeverity()).isEqualTo("warning");
        assertThat(firing.getResultType()).isEqualTo(PolicyEnforcement.NOT_ENFORCED);
        assertThat(firing.getFailedSessions()).isEqualTo(1000);
        assertThat(firing.getTotalSessions()).isEqualTo(1000);
        assertThat(firing.getJudgedReporter()).isEqualTo("Google Inc.");
        assertThat(firing.getSummary())
                .startsWith("tls-policy-not-enforced on withdrawn.example: 1000 of the 1000 sessions reported by"
                        + " Google Inc. were delivered under no enforced policy")
                .contains("all reporters: 1000 of 1000);").doesNotContain("sending IP")
                .contains("MTA-STS policy in enforce mode");
        assertThat(f.stats.readKeyValuesToMap().keySet()).as("the statistics are of failures only")
                .noneMatch(k -> k.contains(PolicyEnforcement.NOT_ENFORCED));

        // day 9: the policy is back; a full day of enforced sessions resolves it
        for (String reporter : REPORTERS) {
            f.send(report(reporter, reporter.charAt(0) + "-back", 9).policy("withdrawn.example", 1000), 9);
        }
        assertThat(f.allAlerts()).singleElement().satisfies(a -> {
            assertThat(a.getStatus()).isEqualTo("resolved");
            assertThat(a.getAlertId()).isEqualTo(firing.getAlertId());
            assertThat(a.getSummary())
                    .contains("0 of 1000 sessions reported by Google Inc. were delivered under no enforced policy");
        });
    }

    @Test
    void anUpdateNamesTheOtherReportersThatStoppedApplyingThePolicyToo() {
        enforcedWeek("everyone.example");
        f.send(report("Google Inc.", "g-gone", 8).noPolicyFound("everyone.example", 1000), 8);
        assertThat(f.allAlerts()).singleElement().extracting(Alert::getJudgedReporter).isEqualTo("Google Inc.");

        // a larger sender's report of the same day: its 3,000 sessions more than double the announced count
        f.send(report("Microsoft Corporation", "m-gone", 8).noPolicyFound("everyone.example", 3000), 8);
        assertThat(f.allAlerts()).singleElement().satisfies(update -> {
            assertThat(update.getStatus()).isEqualTo("firing");
            assertThat(update.getJudgedReporter()).isEqualTo("Microsoft Corporation");
            assertThat(update.getFailedSessions()).isEqualTo(3000);
            assertThat(update.getSummary()).contains("all reporters: 4000 of 4000; also anomalous on their own"
                    + " earlier reports: Google Inc.)");
        });
    }

    @Test
    void mtaStsSetToTestingModeFires() {
        enforcedWeek("testing.example");
        f.send(report("Google Inc.", "g-testing", 8).stsPolicy("testing", "testing.example", 1000), 8);
        assertThat(f.allAlerts()).singleElement().satisfies(a -> {
            assertThat(a.getKind()).isEqualTo("tls-policy-not-enforced");
            assertThat(a.getFailedSessions()).isEqualTo(1000);
            assertThat(a.getJudgedReporter()).isEqualTo("Google Inc.");
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
     * The domain's share of sessions without an enforced policy is its reporters' mix. Microsoft applies the domain's
     * DANE (most of its sessions), Google does not (no MTA-STS): on a day whose window holds Google's report alone,
     * or a backlog read out of order, the domain's share jumps from a fifth to all, with nothing changed. Judged per
     * reporter, nothing fires (seen in ProcessorCrashIT's backlog before it was).
     */
    @Test
    void aDayWhoseWindowHoldsOnlySomeOfTheReportersRaisesNothing() {
        String tlsa = "3 1 1 " + "CD".repeat(32);
        for (int day = 1; day <= 7; day++) {
            f.send(report("Google Inc.", "g-mix-" + day, day).noPolicyFound("mix.example", 200), day);
            f.send(report("Microsoft Corporation", "m-mix-" + day, day)
                    .policy("tlsa", List.of(tlsa), "mix.example", 800), day);
        }
        f.send(report("Google Inc.", "g-mix-8", 8).noPolicyFound("mix.example", 200), 8);
        assertThat(f.allAlerts()).isEmpty();
        f.send(report("Microsoft Corporation", "m-mix-8", 8).policy("tlsa", List.of(tlsa), "mix.example", 800), 8);
        assertThat(f.allAlerts()).isEmpty();
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
        assertThat(both.get("both.example").totalSessions()).as("the same sessions, not twice").isEqualTo(1000);
        assertThat(both.get("both.example").sessionsBy("Microsoft Corporation")).isEqualTo(1000);
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

    /**
     * A domain's sts and tlsa policies in one report are the same sessions (Microsoft validates both): a failure
     * listed under one of them is its share of those sessions, not of twice as many; two policies of one type, and
     * policies of other domains, still add up.
     */
    @Test
    void aDomainsStsAndTlsaPoliciesInOneReportAreTheSameSessions() {
        String tlsa = "3 1 1 " + "AB".repeat(32);
        Map<String, DomainWindow> windows = ReportExplode.contributions(report("Microsoft Corporation", "m-2", 8)
                .stsPolicy("enforce", "dane.example", 1000)
                .policy("tlsa", List.of(tlsa), "dane.example", 900,
                        failure("tlsa-invalid", 100, "192.0.2.1", "mx1.dane.example"))
                .stsPolicy("enforce", "two-versions.example", 300)
                .stsPolicy("enforce", "two-versions.example", 200).decoded());
        DomainWindow dane = windows.get("dane.example");
        assertThat(dane.totalSessions()).isEqualTo(1000);
        assertThat(dane.sessionsBy("Microsoft Corporation")).isEqualTo(1000);
        assertThat(dane.failed("tlsa-invalid")).isEqualTo(100);
        assertThat(dane.failedSessions()).isEqualTo(100);
        assertThat(dane.reports()).isEqualTo(1);
        assertThat(windows.get("two-versions.example").totalSessions()).isEqualTo(500);
    }

    /**
     * Windows an earlier version wrote (window format 2) never counted the sessions under no enforced policy: a domain
     * without MTA-STS looks, in them, as if all its sessions were under one. After the upgrade its windows must not
     * serve as that type's baseline, or every such domain would fire on the first day.
     */
    @Test
    void windowsOfAnEarlierVersionAreNoBaselineForSessionsWithoutAnEnforcedPolicy() {
        String othersTopic = "tlsrpt-ttd-" + AggregateStage.REPARTITION + "-repartition";
        TestInputTopic<String, byte[]> othersIn = f.driver.createInputTopic(othersTopic,
                Serdes.String().serializer(), Serdes.ByteArray().serializer());
        for (int day = 1; day <= 7; day++) {
            for (String reporter : REPORTERS) {
                DomainWindow earlier = new DomainWindow(1, 1000, Set.of(reporter), Map.of(), Map.of(reporter, 1000L));
                RecordHeaders headers = new RecordHeaders();
                headers.add(ReportExplode.RECEIVED_AT, ReportFixtures.day(day + 1).toString()
                        .getBytes(StandardCharsets.UTF_8));
                othersIn.pipeInput(new TestRecord<>("upgraded.example", formatTwo(earlier), headers,
                        ReportFixtures.day(day)));
            }
        }
        for (int day = 8; day <= 12; day++) {
            for (String reporter : REPORTERS) {
                f.send(report(reporter, reporter.charAt(0) + "-up-" + day, day).noPolicyFound("upgraded.example", 1000),
                        day);
            }
        }
        assertThat(f.allAlerts()).isEmpty();

        // the same domain on this version from the start: its windows count, and a withdrawal after them fires
        enforcedWeek("upgraded-later.example");
        f.send(report("Google Inc.", "g-later", 8).noPolicyFound("upgraded-later.example", 1000), 8);
        assertThat(f.allAlerts()).singleElement().extracting(Alert::getKind).isEqualTo("tls-policy-not-enforced");
    }

    /**
     * The bytes an earlier version wrote: format 2 is format 4 without its trailing flags and failed sessions (the
     * window has neither: a zero flag and -1, one byte each).
     */
    private static byte[] formatTwo(DomainWindow window) {
        byte[] four = DomainWindowSerde.write(window);
        assertThat(four[0]).isEqualTo(DomainWindowSerde.FORMAT_4);
        assertThat(four[four.length - 2]).as("not counted").isZero();
        assertThat(four[four.length - 1]).as("failed sessions not counted: zig-zag -1").isEqualTo((byte) 1);
        byte[] two = Arrays.copyOf(four, four.length - 2);
        two[0] = DomainWindowSerde.FORMAT_2;
        return two;
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
