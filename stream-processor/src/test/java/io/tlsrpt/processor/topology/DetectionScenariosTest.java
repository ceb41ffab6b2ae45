package io.tlsrpt.processor.topology;

import static io.tlsrpt.processor.topology.ReportFixtures.failure;
import static io.tlsrpt.processor.topology.ReportFixtures.report;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.processor.detect.DetectorSettings;
import io.tlsrpt.processor.detect.Incident;
import io.tlsrpt.schema.Alert;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** End-to-end detection scenarios through the whole topology with TopologyTestDriver. */
class DetectionScenariosTest {

    private static final String[] REPORTERS = {"Google Inc.", "Microsoft Corporation", "Yahoo"};
    private final TopologyFixture f = new TopologyFixture();

    @AfterEach
    void close() {
        f.close();
    }

    /** A healthy day: each reporter sees ~1000 sessions, with the odd validation failure. */
    private void healthyDay(String domain, int day, Random random) {
        for (String reporter : REPORTERS) {
            long noise = random.nextInt(3);
            ReportFixtures r = report(reporter, reporter.charAt(0) + "-" + domain + "-" + day, day);
            if (noise > 0) {
                r.policy(domain, 900 + random.nextInt(200), failure("validation-failure", noise, "192.0.2.200", null));
            } else {
                r.policy(domain, 900 + random.nextInt(200));
            }
            f.send(r, day);
        }
    }

    @Test
    void starttlsDowngradeOnOneDomainAmongManyHealthyOnes() throws Exception {
        Random random = new Random(42);
        for (int day = 1; day <= 8; day++) {
            for (int d = 0; d < 15; d++) {
                String domain = "healthy" + d + ".example";
                healthyDay(domain, day, random);
            }
            if (day < 8) {
                healthyDay("victim.example", day, random);
            }
        }
        assertThat(f.allAlerts()).as("healthy traffic raises nothing").isEmpty();

        // day 8: on victim.example, three reporters see STARTTLS missing from several sending IPs
        for (int i = 0; i < REPORTERS.length; i++) {
            f.send(report(REPORTERS[i], "attack-" + i, 8).policy("victim.example", 900,
                    failure("starttls-not-supported", 40, "203.0.113." + (10 + i), "mx1.victim.example")), 8);
        }
        List<Alert> alerts = f.allAlerts();
        assertThat(alerts).as("one incident: one firing, at most updates with the same id")
                .isNotEmpty().extracting(Alert::getAlertId).containsOnly(alerts.get(0).getAlertId());
        assertThat(alerts).extracting(Alert::getStatus).containsOnly("firing");
        assertThat(alerts).extracting(Alert::getPolicyDomain).containsOnly("victim.example");
        Alert alert = alerts.get(0);
        assertThat(alert.getKind()).isEqualTo("starttls-downgrade-suspected");
        assertThat(alert.getSeverity()).isEqualTo("critical");
        assertThat(alert.getPolicyDomain()).isEqualTo("victim.example");
        assertThat(alert.getResultType()).isEqualTo("starttls-not-supported");
        assertThat(alert.getFailedSessions()).isGreaterThanOrEqualTo(10);
        assertThat(alert.getBaseline()).isLessThan(1.0);
        assertThat(alert.getScore()).isGreaterThan(6);
        assertThat(alert.getWindowStart()).isEqualTo(ReportFixtures.day(8));

        // the firing came as soon as the rule held (the first report), not when the window closed
        assertThat(alert.getFailedSessions()).isEqualTo(40);
        assertThat(f.stats.readKeyValuesToMap().get("victim.example|starttls-not-supported").getReporters())
                .hasSize(3);

        List<String> json = f.alertsJson.readValuesToList();
        assertThat(json).hasSize(alerts.size());
        JsonNode node = new ObjectMapper().readTree(json.get(0));
        assertThat(node.get("alert_id").asText()).isEqualTo(alert.getAlertId());
        assertThat(node.get("kind").asText()).isEqualTo("starttls-downgrade-suspected");
        assertThat(node.get("window_start").asText()).isEqualTo("2026-11-09T00:00:00Z");
        assertThat(node.get("detected_at").asText()).isEqualTo(TopologyFixture.NOW.toString());
        assertThat(node.has("top_sending_ips")).isTrue();
        assertThat(node.get("judged_reporter").isNull()).as("the domain as a whole fired").isTrue();
        assertThat(alert.getJudgedReporter()).isNull();
        assertThat(f.metrics.total(PipelineMetrics.ALERTS)).isEqualTo(alerts.size());
    }

    @Test
    void certificateExpiringFiresOnceAndUpdatesKeepTheAlertId() {
        Random random = new Random(7);
        for (int day = 1; day <= 7; day++) {
            healthyDay("shop.example", day, random);
        }
        f.send(report("Google Inc.", "exp-1", 8).policy("shop.example", 700,
                failure("certificate-expired", 300, "192.0.2.1", "mx1.shop.example")), 8);
        f.send(report("Microsoft Corporation", "exp-2", 8).policy("shop.example", 800,
                failure("certificate-expired", 250, "192.0.2.2", "mx1.shop.example")), 8);
        f.send(report("Yahoo", "exp-3", 8).policy("shop.example", 600,
                failure("certificate-expired", 400, "192.0.2.3", "mx1.shop.example")), 8);

        List<Alert> alerts = f.allAlerts();
        assertThat(alerts).extracting(Alert::getStatus).first().isEqualTo("firing");
        assertThat(alerts).extracting(Alert::getKind).containsOnly("certificate-expired");
        assertThat(alerts).extracting(Alert::getSeverity).containsOnly("critical");
        assertThat(alerts).extracting(Alert::getAlertId).containsOnly(alerts.get(0).getAlertId());
        // 300 then 550 (< 2x: no update) then 950 (>= 2 x 300: one update)
        assertThat(alerts).extracting(Alert::getFailedSessions).containsExactly(300L, 950L);
        assertThat(alerts.get(0).getSummary()).contains("renew the MX certificate");
        assertThat(alerts.get(1).getReporters()).containsExactly("Google Inc.", "Microsoft Corporation", "Yahoo");
        assertThat(alerts.get(1).getTopReceivingMx()).containsExactly("mx1.shop.example");
    }

    @Test
    void trafficSurgeWithUnchangedFailureRatioDoesNotAlert() {
        for (int day = 1; day <= 7; day++) {
            f.send(report("Google Inc.", "s" + day, day).policy("surge.example", 9800,
                    failure("sts-policy-fetch-error", 200, "192.0.2.1", null)), day);
        }
        // ten times the traffic, same 2 % failing
        for (int i = 0; i < 10; i++) {
            f.send(report("Google Inc.", "surge-" + i, 8).policy("surge.example", 9800,
                    failure("sts-policy-fetch-error", 200, "192.0.2." + i, null)), 8);
        }
        assertThat(f.allAlerts()).isEmpty();
        assertThat(f.stats.readKeyValuesToMap().get("surge.example|sts-policy-fetch-error").getFailedSessions())
                .isEqualTo(2000);
    }

    @Test
    void chronicallyNoisyDomainDoesNotStorm() {
        Random random = new Random(3);
        for (int day = 1; day <= 21; day++) {
            for (String reporter : REPORTERS) {
                long failed = 30 + random.nextInt(50);   // 3 - 8 % of ~1000, every day
                f.send(report(reporter, "noisy-" + reporter.charAt(0) + day, day).policy("noisy.example", 1000 - failed,
                        failure("starttls-not-supported", failed, "192.0.2." + random.nextInt(20), "mx.noisy.example"),
                        failure("certificate-not-trusted", random.nextInt(15), "192.0.2.50", "mx.noisy.example")),
                        day);
            }
        }
        assertThat(f.allAlerts()).isEmpty();
    }

    @Test
    void incidentThatClearsIsResolvedWithTheSameAlertId() {
        Random random = new Random(11);
        for (int day = 1; day <= 7; day++) {
            healthyDay("dane.example", day, random);
        }
        f.send(report("Google Inc.", "tlsa-1", 8).policy("dane.example", 800,
                failure("tlsa-invalid", 200, "192.0.2.1", "mx1.dane.example")), 8);
        List<Alert> firing = f.allAlerts();
        assertThat(firing).hasSize(1);
        assertThat(firing.get(0).getKind()).isEqualTo("dane-tlsa-mismatch");

        // day 9 begins: one small report without failures is not yet evidence of recovery
        f.send(report("Yahoo", "ok-1", 9).policy("dane.example", 100), 9);
        assertThat(f.allAlerts()).isEmpty();
        // more of day 9, still without failures: resolved
        f.send(report("Google Inc.", "ok-2", 9).policy("dane.example", 900), 9);
        List<Alert> resolved = f.allAlerts();
        assertThat(resolved).hasSize(1);
        assertThat(resolved.get(0).getStatus()).isEqualTo("resolved");
        assertThat(resolved.get(0).getAlertId()).isEqualTo(firing.get(0).getAlertId());
        assertThat(resolved.get(0).getWindowStart()).isEqualTo(ReportFixtures.day(9));
        assertThat(resolved.get(0).getFailedSessions()).isZero();

        // a late report for day 8 (inside grace) with more of the same does not re-open it
        f.send(report("Microsoft Corporation", "tlsa-late", 8).policy("dane.example", 500,
                failure("tlsa-invalid", 300, "192.0.2.9", "mx1.dane.example")).bytes(),
                ReportFixtures.day(10), "imap");
        assertThat(f.allAlerts()).isEmpty();
        assertThat(f.metrics.total(PipelineMetrics.ALERTS)).isEqualTo(2);
    }

    @Test
    void lastingIncidentIsNotAbsorbedIntoItsOwnBaseline() {
        Random random = new Random(5);
        for (int day = 1; day <= 7; day++) {
            healthyDay("broken.example", day, random);
        }
        for (int day = 8; day <= 14; day++) {
            f.send(report("Google Inc.", "dnssec-" + day, day).policy("broken.example", 700,
                    failure("dnssec-invalid", 300, "192.0.2.1", null)), day);
        }
        List<Alert> alerts = f.allAlerts();
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).getKind()).isEqualTo("dnssec-broken");
        assertThat(alerts.get(0).getStatus()).isEqualTo("firing");
    }

    /**
     * A forged report that inflates the domain's sessions for the day (5,000,000 successful ones, sent first) keeps
     * the domain-wide rate of Google's 400 STARTTLS failures under the rate floor; Google's own windows, against its
     * own clean week, still fire the downgrade.
     */
    @Test
    void aForgedVolumeDoesNotHideADowngradeThatOneReporterSees() {
        forgedVolumeOnTheDayOfADowngrade(f);

        List<Alert> alerts = f.allAlerts();
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.getKind()).isEqualTo("starttls-downgrade-suspected");
            assertThat(a.getSeverity()).isEqualTo("critical");
            assertThat(a.getFailedSessions()).as("Google's").isEqualTo(400);
            assertThat(a.getTotalSessions()).isEqualTo(1000);
            assertThat(a.getSummary()).contains("400 of the 1000 sessions reported by Google Inc. failed")
                    .contains("all reporters: 400 of 5001000");
            assertThat(a.getJudgedReporter()).isEqualTo("Google Inc.");
        });
        assertThat(f.alertsJson.readValuesToList()).singleElement().asString()
                .contains("\"judged_reporter\":\"Google Inc.\"");

        // the domain-wide rule alone (detector.per.reporter=false) is blinded by the forged volume
        TopologySettings d = TopologySettings.defaults("mock://domain-only-" + java.util.UUID.randomUUID());
        DetectorSettings x = d.detector();
        DetectorSettings domainOnly = new DetectorSettings(x.baselineWindows(), x.minBaselineWindows(),
                x.minFailedSessions(), x.maxTailProbability(), x.rateFloorMultiple(), x.priorSessions(),
                x.priorFailureRate(), x.downgradeBaselineRate(), x.resolveTrafficFraction(), x.updateGrowthFactor(),
                false);
        try (TopologyFixture without = new TopologyFixture(new TopologySettings(d.topics(), d.registryUrl(),
                d.windowSize(), d.grace(), d.maxPartitionDrift(), d.maxReportAhead(), d.dedupRetention(), d.topN(),
                domainOnly))) {
            forgedVolumeOnTheDayOfADowngrade(without);
            assertThat(without.allAlerts()).isEmpty();
        }
    }

    /**
     * A window keeps the sessions of its 200 largest reporters. Some 220 forged reports under distinct names, each
     * far larger than Google's, must not push Google out of the window on the day it sees a downgrade: reporters with
     * failures are kept first, so Google is still judged on its own.
     */
    @Test
    void aForgedCrowdOfLargerReportersDoesNotPushOutTheOneThatSeesTheDowngrade() {
        Random random = new Random(41);
        for (int day = 1; day <= 7; day++) {
            healthyDay("victim.example", day, random);
        }
        for (int i = 0; i < 220; i++) {
            f.send(report(String.format("Forger %03d", i), "crowd-" + i, 8).policy("victim.example", 100_000), 8);
        }
        f.send(report("Google Inc.", "attack", 8).policy("victim.example", 600,
                failure("starttls-not-supported", 400, "203.0.113.9", "mx1.victim.example")), 8);

        assertThat(f.allAlerts()).isNotEmpty().allSatisfy(a -> {
            assertThat(a.getKind()).isEqualTo("starttls-downgrade-suspected");
            assertThat(a.getJudgedReporter()).isEqualTo("Google Inc.");
            assertThat(a.getFailedSessions()).isEqualTo(400);
            assertThat(a.getTotalSessions()).isEqualTo(1000);
        });
    }

    /**
     * Report-ids are predictable (Google's are the day and the domain). A healthy forgery sent first under the id of
     * Google's report of the day of a downgrade must not make the real report a duplicate.
     */
    @Test
    void aForgerySentFirstUnderGooglesReportIdDoesNotKeepItsDowngradeOut() {
        Random random = new Random(31);
        for (int day = 1; day <= 7; day++) {
            healthyDay("victim.example", day, random);
        }
        String googlesId = "2026-11-09T00:00:00Z_victim.example";
        f.send(report("Google Inc.", googlesId, 8).policy("victim.example", 1000), 8);
        f.send(report("Google Inc.", googlesId, 8).policy("victim.example", 600,
                failure("starttls-not-supported", 400, "203.0.113.9", "mx1.victim.example")), 8);

        assertThat(f.allAlerts()).singleElement().satisfies(a -> {
            assertThat(a.getKind()).isEqualTo("starttls-downgrade-suspected");
            assertThat(a.getFailedSessions()).isEqualTo(400);
        });
        assertThat(f.metrics.total(PipelineMetrics.CONFLICTING_REPORTS)).isEqualTo(1);
    }

    /**
     * An incident Google's own sessions fired (the domain as a whole diluted by a larger sender) ends when Google's
     * own sessions are clean again, not when the larger sender's or another reporter's clean report comes first
     * (it used to: the other's sessions outweighed half of Google's, and Google's failing report of that day was
     * then taken as already handled).
     */
    @Test
    void anIncidentOfOneReportersSessionsEndsOnItsOwnCleanReportNotAnothers() {
        forgedVolumeOnTheDayOfADowngrade(f);
        Alert firing = f.onlyAlert();
        assertThat(firing.getJudgedReporter()).isEqualTo("Google Inc.");

        f.send(report("Forger", "volume-9", 9).policy("victim.example", 5_000_000), 9);
        f.send(report("Microsoft Corporation", "M-9", 9).policy("victim.example", 1000), 9);
        assertThat(f.allAlerts()).as("Google has not reported day 9 yet").isEmpty();
        f.send(report("Google Inc.", "G-9", 9).policy("victim.example", 600,
                failure("starttls-not-supported", 400, "203.0.113.9", "mx1.victim.example")), 9);
        assertThat(f.allAlerts()).as("still failing for Google: the same incident, nothing new").isEmpty();

        f.send(report("Google Inc.", "G-10", 10).policy("victim.example", 1000), 10);
        assertThat(f.allAlerts()).singleElement().satisfies(a -> {
            assertThat(a.getStatus()).isEqualTo("resolved");
            assertThat(a.getAlertId()).isEqualTo(firing.getAlertId());
            assertThat(a.getSummary()).contains("0 of 1000 sessions reported by Google Inc.");
        });
    }

    /**
     * A fix that leaves a few stale failures (2 of 100,000 sessions) on a domain with a clean history ends the
     * incident: the failure rate fell far under the incident's own, even though the baseline rate, near zero, is not
     * reached.
     */
    @Test
    void anIncidentWhoseFailureRateFellFarUnderItsOwnResolvesDespiteAFewStaleFailures() {
        // a large domain with a clean week: a baseline rate near zero (the prior's, over 700,000 sessions)
        for (int day = 1; day <= 7; day++) {
            f.send(report("Google Inc.", "clean-" + day, day).policy("stale.example", 100_000), day);
        }
        f.send(report("Google Inc.", "expired-8", 8).policy("stale.example", 99_600,
                failure("certificate-expired", 400, "192.0.2.1", "mx1.stale.example")), 8);
        Alert firing = f.onlyAlert();
        f.send(report("Google Inc.", "fixed-9", 9).policy("stale.example", 99_998,
                failure("certificate-expired", 2, "192.0.2.1", "mx1.stale.example")), 9);
        assertThat(f.allAlerts()).singleElement().satisfies(a -> {
            assertThat(a.getStatus()).isEqualTo("resolved");
            assertThat(a.getAlertId()).isEqualTo(firing.getAlertId());
            assertThat(a.getFailedSessions()).isEqualTo(2);
        });
    }

    /**
     * An expired certificate left for more than a month: one incident, open all along, resolved on the first clean
     * day. From about two weeks on, the baseline before the incident has left the window store and the rule can no
     * longer judge a day anomalous; the failures going on at the incident's rate keep it open (it used to be "Closed
     * without a verdict" by the sweep while the failures went on).
     */
    @Test
    void anOutageOfAMonthStaysOneOpenIncidentUntilItIsFixed() {
        Random random = new Random(23);
        for (int day = 1; day <= 7; day++) {
            healthyDay("neglected.example", day, random);
        }
        for (int day = 8; day <= 45; day++) {
            f.send(report("Google Inc.", "expired-" + day, day).policy("neglected.example", 600,
                    failure("certificate-expired", 400, "192.0.2.1", "mx1.neglected.example")), day);
        }
        List<Alert> during = f.allAlerts();
        assertThat(during).as("one firing, nothing after it while the failures go on").singleElement()
                .extracting(Alert::getStatus).isEqualTo("firing");
        Alert firing = during.get(0);
        f.send(report("Google Inc.", "fixed-46", 46).policy("neglected.example", 1000), 46);
        assertThat(f.allAlerts()).singleElement().satisfies(a -> {
            assertThat(a.getStatus()).isEqualTo("resolved");
            assertThat(a.getAlertId()).isEqualTo(firing.getAlertId());
            assertThat(a.getSummary()).startsWith("Resolved:");
        });
    }

    /**
     * A small domain whose every session fails: a day with fewer failed sessions than the rule's minimum (9 of 9)
     * is not a recovery; the incident stays open through it and ends on a clean day, with one alert_id throughout
     * (it used to resolve, fire again under a new id, and then fall silent as the failures entered the baseline).
     */
    @Test
    void aSmallDomainStaysInOneIncidentThroughADayOfTooFewFailuresToFireOn() {
        for (int day = 1; day <= 7; day++) {
            f.send(report("Google Inc.", "small-" + day, day).policy("small.example", 12), day);
        }
        f.send(report("Google Inc.", "small-8", 8).policy("small.example", 0,
                failure("certificate-expired", 12, "192.0.2.1", "mx.small.example")), 8);
        Alert firing = f.onlyAlert();
        assertThat(firing.getStatus()).isEqualTo("firing");
        f.send(report("Google Inc.", "small-9", 9).policy("small.example", 0,
                failure("certificate-expired", 9, "192.0.2.1", "mx.small.example")), 9);
        f.send(report("Google Inc.", "small-10", 10).policy("small.example", 0,
                failure("certificate-expired", 12, "192.0.2.1", "mx.small.example")), 10);
        assertThat(f.allAlerts()).as("one incident, still open").isEmpty();
        f.send(report("Google Inc.", "small-11", 11).policy("small.example", 12), 11);
        assertThat(f.allAlerts()).singleElement().satisfies(a -> {
            assertThat(a.getStatus()).isEqualTo("resolved");
            assertThat(a.getAlertId()).isEqualTo(firing.getAlertId());
        });
    }

    private static void forgedVolumeOnTheDayOfADowngrade(TopologyFixture fixture) {
        Random random = new Random(21);
        for (int day = 1; day <= 7; day++) {
            for (String reporter : REPORTERS) {
                fixture.send(report(reporter, reporter.charAt(0) + "-" + day, day).policy("victim.example",
                        900 + random.nextInt(200)), day);
            }
        }
        fixture.send(report("Forger", "volume", 8).policy("victim.example", 5_000_000), 8);
        fixture.send(report("Google Inc.", "attack", 8).policy("victim.example", 600,
                failure("starttls-not-supported", 400, "203.0.113.9", "mx1.victim.example")), 8);
    }

    /**
     * Three result types share the kind certificate-invalid. Two incidents of them at once on one domain keep two
     * keys, so a compacted alert topic keeps the latest record of each (under one key, the later incident's
     * resolution would compact the other's firing away, and a notifier rebuilding from the topic would forget it).
     */
    @Test
    void concurrentIncidentsOfOneKindOnOneDomainKeepTheirOwnKeys() {
        Random random = new Random(11);
        for (int day = 1; day <= 7; day++) {
            healthyDay("shop.example", day, random);
        }
        f.send(report("Google Inc.", "mismatch-8", 8).policy("shop.example", 1000,
                failure("certificate-host-mismatch", 200, "192.0.2.1", "mx1.shop.example")), 8);
        f.send(report("Google Inc.", "mismatch-9", 9).policy("shop.example", 1000,
                failure("certificate-host-mismatch", 200, "192.0.2.1", "mx1.shop.example")), 9);
        f.send(report("Microsoft Corporation", "untrusted-9", 9).policy("shop.example", 1000,
                failure("certificate-not-trusted", 150, "198.51.100.7", "mx2.shop.example")), 9);
        healthyDay("shop.example", 10, random);

        List<org.apache.kafka.streams.KeyValue<String, Alert>> records = f.allAlertRecords();
        assertThat(records).extracting(r -> r.value.getKind()).containsOnly("certificate-invalid");
        assertThat(records).extracting(r -> r.value.getStatus() + " " + r.key).containsExactly(
                "firing shop.example|certificate-host-mismatch",
                "firing shop.example|certificate-not-trusted",
                "resolved shop.example|certificate-host-mismatch",
                "resolved shop.example|certificate-not-trusted");
        assertThat(records.stream().map(r -> r.value.getAlertId()).distinct()).hasSize(2);
        records.forEach(r -> assertThat(r.key).isEqualTo(r.value.getPolicyDomain() + "|" + r.value.getResultType()));
    }

    @Test
    void anIncidentStoredBeforeResolvedWindowStartExistedStillReads() {
        String stored = "{\"alertId\":\"abc\",\"kind\":\"certificate-expired\",\"open\":false,\"firstWindowStart\":8,"
                + "\"lastAnomalousWindowStart\":9,\"lastAnomalousTotal\":1000,\"announcedFailed\":20}";
        Incident incident = JsonSerde.of(Incident.class).deserializer()
                .deserialize("incident-store-changelog", stored.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(incident.resolvedWindowStart()).isZero();
        assertThat(incident.handledUpTo()).as("as before: up to the last anomalous window").isEqualTo(9);
        assertThat(incident.keyedFor("shop.example").alertKey())
                .as("its alerts' key as that version gave it: the kind, which could not change then")
                .isEqualTo("shop.example|certificate-expired");
        assertThat(incident.receivingMx()).as("read from its window instead").isNull();
        assertThat(incident.keyedFor("shop.example").receivingMx()).isNull();
    }
}
