package io.tlsrpt.processor.topology;

import static io.tlsrpt.processor.topology.ReportFixtures.day;
import static io.tlsrpt.processor.topology.ReportFixtures.report;
import static org.assertj.core.api.Assertions.assertThat;

import io.tlsrpt.processor.detect.AlertKind;
import io.tlsrpt.processor.detect.ReporterCadence;
import io.tlsrpt.processor.detect.SilenceSettings;
import io.tlsrpt.schema.Alert;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/**
 * Reporters that stop sending reports about a domain ({@link SilenceStage}), through the whole topology. The
 * fixture's wall clock starts at {@link TopologyFixture#NOW} (2026-12-01 12:00, day 30 of {@link ReportFixtures});
 * the check runs when the test advances it by the check interval.
 */
class ReporterSilenceTest {

    private static final Duration CHECK = SilenceSettings.defaults().checkInterval();

    private static TopologySettings settings(SilenceSettings silence) {
        return TopologySettings.defaults("mock://silence-" + UUID.randomUUID()).withSilence(silence);
    }

    /** A healthy daily report of {@code organisation} about {@code domain}, arriving six hours after its day. */
    private static void daily(TopologyFixture f, String organisation, String domain, int from, int to) {
        for (int d = from; d <= to; d++) {
            f.send(report(organisation, organisation + "-" + domain + "-" + d, d).policy(domain, 1000), d);
        }
    }

    /** {@code before} reports daily until day 25 about each domain, then {@code after} from day 26 to 29. */
    private static void changeOver(TopologyFixture f, String before, String after, String... domains) {
        for (String domain : domains) {
            daily(f, before, domain, 19, 25);
            daily(f, after, domain, 26, 29);
        }
    }

    /** A silence fires when two checks in a row find it: the wall clock advanced by the interval twice. */
    private static void twoChecks(TopologyFixture f) {
        f.driver.advanceWallClockTime(CHECK);
        f.driver.advanceWallClockTime(CHECK);
    }

    /**
     * What GET /v1/incidents lists of the stops: kept beside the store by the silence stage ({@link OpenStops}), the
     * same as a read of the whole store finds.
     */
    private static List<StoppedReporters.Stopped> openStops(TopologyFixture f) {
        List<StoppedReporters.Stopped> kept = f.openStops.of(0).orElseThrow();
        assertThat(kept).as("kept beside the store, as the store has them").containsExactlyInAnyOrderElementsOf(
                new StoppedReporters(f.settings.windowSize()).read(f.driver.getKeyValueStore(StoppedReporters.STORE)));
        return kept;
    }

    private static List<Alert> stopped(List<Alert> alerts) {
        return alerts.stream().filter(a -> a.getKind().equals(AlertKind.REPORTS_STOPPED.code())).toList();
    }

    @Test
    void aRegularReporterThatStopsFiresOnceAndResolvesWithItsNextReport() {
        try (TopologyFixture f = new TopologyFixture()) {
            daily(f, "Google", "example.com", 19, 25);
            daily(f, "Microsoft", "example.com", 19, 29);
            daily(f, "Microsoft", "example.net", 19, 29);
            assertThat(f.allAlerts()).as("nothing before the check").isEmpty();

            f.driver.advanceWallClockTime(CHECK);
            assertThat(f.allAlerts()).as("a suspicion, confirmed by the next check").isEmpty();
            f.driver.advanceWallClockTime(CHECK);
            List<KeyValue<String, Alert>> fired = f.allAlertRecords();
            assertThat(fired).hasSize(1);
            Alert alert = fired.get(0).value;
            assertThat(fired.get(0).key).isEqualTo("example.com|reports-stopped|Google");
            assertThat(alert.getStatus()).isEqualTo("firing");
            assertThat(alert.getKind()).isEqualTo("reports-stopped");
            assertThat(alert.getSeverity()).isEqualTo("warning");
            assertThat(alert.getPolicyDomain()).isEqualTo("example.com");
            assertThat(alert.getResultType()).isEqualTo("none");
            assertThat(alert.getReporters()).containsExactly("Google");
            assertThat(alert.getWindowStart()).as("its last report's window").isEqualTo(day(25));
            assertThat(alert.getWindowEnd()).isEqualTo(day(26));
            assertThat(alert.getDetectedAt()).isEqualTo(TopologyFixture.NOW.plus(CHECK.multipliedBy(2)));
            assertThat(alert.getSummary()).contains("no TLS-RPT report from Google", "4 window(s) without one",
                    "reports in 7 of the 7 windows before", "_smtp._tls").doesNotContain("domains at once");
            assertThat(f.alertsJson.readValuesToList()).singleElement().asString()
                    .contains("\"kind\":\"reports-stopped\"", "\"policy_domain\":\"example.com\"");
            assertThat(f.metrics.total(PipelineMetrics.ALERTS)).isEqualTo(1);
            // what GET /v1/incidents lists of it, from the cadence store: the alert's id, its last report's window
            assertThat(openStops(f)).containsExactly(
                    new StoppedReporters.Stopped("example.com", "Google", alert.getAlertId(), day(25)));

            SilenceCheckMetrics checks = f.metrics.silence();
            assertThat(checks.checks()).as("one check per wall-clock interval").isEqualTo(2);
            assertThat(checks.watched()).as("Google and Microsoft on example.com, Microsoft on example.net")
                    .isEqualTo(3);
            assertThat(checks.stopped()).isEqualTo(1);

            f.driver.advanceWallClockTime(CHECK);
            assertThat(f.allAlerts()).as("announced once").isEmpty();
            assertThat(checks.stopped()).as("still open").isEqualTo(1);
            assertThat(f.metrics.registry().get(SilenceCheckMetrics.STOPPED).gauge().value()).isEqualTo(1.0);
            assertThat(f.metrics.registry().get(SilenceCheckMetrics.CHECK).timer().count()).isEqualTo(3);

            // a late report of a window before the silence is no sign that the reporter is back
            f.send(report("Google", "late-24", 24).policy("example.com", 1000).bytes(), day(29), "https");
            assertThat(f.allAlerts()).isEmpty();

            // a reporter new to a domain is watched from its first report, in the gauge too
            f.send(report("Yahoo", "y-28", 28).policy("example.net", 300), 28);
            assertThat(checks.watched()).as("Yahoo on example.net, before the next check").isEqualTo(4);

            f.send(report("Google", "back", 29).policy("example.com", 1000), 29);
            assertThat(checks.stopped()).as("resolved by the report, before the next check").isZero();
            assertThat(openStops(f)).as("resolved: not kept").isEmpty();
            assertThat(f.metrics.registry().get(SilenceCheckMetrics.STOPPED).gauge().value()).isZero();
            List<Alert> resolved = f.allAlerts();
            assertThat(resolved).singleElement().satisfies(r -> {
                assertThat(r.getStatus()).isEqualTo("resolved");
                assertThat(r.getAlertId()).isEqualTo(alert.getAlertId());
                assertThat(r.getWindowStart()).isEqualTo(day(29));
                assertThat(r.getSummary()).contains("Google sent a report again");
            });
            KeyValueStore<String, ReporterCadence> store = f.driver.getKeyValueStore(SilenceStage.STORE);
            assertThat(store.get("example.com|Google").alerted()).isFalse();
            assertThat(store.get("example.com|Google").lastWindow()).isEqualTo(day(29).toEpochMilli() / 86_400_000L);
            f.driver.advanceWallClockTime(CHECK);
            assertThat(checks.stopped()).as("resolved, by the check too").isZero();
            assertThat(checks.watched()).as("the check counts what the report counted").isEqualTo(4);
        }
    }

    @Test
    void aReportDatedAheadDoesNotMakeTheOthersLookSilentSooner() {
        try (TopologyFixture f = new TopologyFixture()) {
            // on day 30, Google's last report about example.com is of day 27: two windows missing, not yet three
            daily(f, "Google", "example.com", 19, 27);
            daily(f, "Microsoft", "example.com", 19, 29);
            // a report of day 31 arriving at noon on day 30 (a sender's clock a day ahead, within the tolerance)
            f.send(report("Microsoft", "ahead-31", 31).policy("example.com", 1000).bytes(), TopologyFixture.NOW,
                    "https");
            assertThat(f.deadLetter.isEmpty()).as("accepted").isTrue();

            twoChecks(f);
            assertThat(stopped(f.allAlerts())).as("judged from day 29, the newest that has ended").isEmpty();
            assertThat(f.metrics.silence().stopped()).isZero();
        }
    }

    @Test
    void aReporterThatSendsNowAndThenRaisesNothing() {
        try (TopologyFixture f = new TopologyFixture()) {
            for (int d : new int[] {19, 21, 23, 25}) {
                f.send(report("Sporadic", "s-" + d, d).policy("example.com", 10), d);
            }
            daily(f, "Microsoft", "example.com", 19, 29);
            twoChecks(f);
            assertThat(f.allAlerts()).isEmpty();
        }
    }

    @Test
    void anArchiveOrABacklogIsNotJudged() {
        try (TopologyFixture f = new TopologyFixture()) {
            // the newest window ended four days before the wall clock: a backlog, not live reports
            daily(f, "Google", "example.com", 15, 21);
            daily(f, "Microsoft", "example.com", 15, 25);
            twoChecks(f);
            assertThat(f.allAlerts()).isEmpty();

            // once the reports are current, the same silence counts
            daily(f, "Microsoft", "example.com", 26, 29);
            twoChecks(f);
            assertThat(stopped(f.allAlerts())).singleElement()
                    .satisfies(a -> assertThat(a.getReporters()).containsExactly("Google"));
        }
    }

    @Test
    void aReporterSilentForTheForgetWindowsIsNoLongerWatchedAndItsAlertResolves() {
        SilenceSettings quick = new SilenceSettings(3, 7, 5, CHECK, 5);
        try (TopologyFixture f = new TopologyFixture(settings(quick))) {
            daily(f, "Google", "example.com", 19, 25);
            daily(f, "Microsoft", "example.com", 19, 29);
            twoChecks(f);
            Alert fired = stopped(f.allAlerts()).get(0);

            // day 30's report arrives the next morning; the check after it counts five windows without Google
            daily(f, "Microsoft", "example.com", 30, 30);
            f.driver.advanceWallClockTime(Duration.ofDays(1));
            assertThat(f.allAlerts()).singleElement().satisfies(a -> {
                assertThat(a.getStatus()).isEqualTo("resolved");
                assertThat(a.getAlertId()).isEqualTo(fired.getAlertId());
                assertThat(a.getSummary()).contains("no longer watched");
            });
            KeyValueStore<String, ReporterCadence> store = f.driver.getKeyValueStore(SilenceStage.STORE);
            assertThat(store.get("example.com|Google")).isNull();
            assertThat(store.get("example.com|Microsoft")).isNotNull();
            assertThat(f.metrics.silence().watched()).as("Google forgotten").isEqualTo(1);
            assertThat(f.metrics.silence().stopped()).isZero();
            assertThat(openStops(f)).as("forgotten: its open stop gone with it").isEmpty();
        }
    }

    /**
     * RFC 8460 names a reporter only by its organisation: "Google Inc." becoming "Google LLC" stops the old name on
     * every domain and starts the new one there. Where the new name began in its place, on at least
     * silence.rename.min.domains (3) domains, that is a rename: no alert, the old name forgotten; a domain where the old
     * name stopped and no successor began still gets its alert.
     */
    @Test
    void aReporterThatRenamedItselfOnSeveralDomainsRaisesNoAlertWhereItsNewNameBegan() {
        try (TopologyFixture f = new TopologyFixture()) {
            changeOver(f, "Google Inc.", "Google LLC", "a.example", "b.example", "c.example");
            daily(f, "Google Inc.", "d.example", 19, 25);
            daily(f, "Microsoft", "d.example", 19, 29);
            twoChecks(f);

            assertThat(stopped(f.allAlerts())).as("only where no successor began").singleElement().satisfies(a -> {
                assertThat(a.getPolicyDomain()).isEqualTo("d.example");
                assertThat(a.getReporters()).containsExactly("Google Inc.");
            });
            KeyValueStore<String, ReporterCadence> store = f.driver.getKeyValueStore(SilenceStage.STORE);
            for (String domain : List.of("a.example", "b.example", "c.example")) {
                assertThat(store.get(domain + "|Google Inc.")).as("the old name on %s forgotten", domain).isNull();
                assertThat(store.get(domain + "|Google LLC")).isNotNull();
            }
            assertThat(store.get("d.example|Google Inc.").alerted()).isTrue();
            SilenceCheckMetrics checks = f.metrics.silence();
            assertThat(checks.renamed()).isEqualTo(3);
            assertThat(f.metrics.registry().get(SilenceCheckMetrics.RENAMED).counter().count()).isEqualTo(3.0);
            assertThat(checks.watched()).as("Google LLC on three domains, Google Inc. and Microsoft on d.example")
                    .isEqualTo(5);
            assertThat(checks.stopped()).isEqualTo(1);
            assertThat(openStops(f)).extracting(StoppedReporters.Stopped::policyDomain).as("a rename is no stop")
                    .containsExactly("d.example");

            f.driver.advanceWallClockTime(CHECK);
            assertThat(f.allAlerts()).as("nothing more at the next check").isEmpty();
        }
    }

    @Test
    void anUnrelatedNewcomerOrARenameOnTooFewDomainsHidesNoStop() {
        try (TopologyFixture f = new TopologyFixture()) {
            changeOver(f, "Google Inc.", "Yahoo Inc.", "a.example", "b.example", "c.example");
            changeOver(f, "Contoso Ltd", "Contoso Mail", "x.example", "y.example");
            twoChecks(f);
            List<Alert> alerts = stopped(f.allAlerts());
            assertThat(alerts).extracting(a -> a.getPolicyDomain() + " " + a.getReporters().get(0))
                    .containsExactlyInAnyOrder("a.example Google Inc.", "b.example Google Inc.",
                            "c.example Google Inc.", "x.example Contoso Ltd", "y.example Contoso Ltd");
            assertThat(f.metrics.silence().renamed()).isZero();
            // a reporter stopped on three domains at once: the summary points at the intake first
            assertThat(alerts).filteredOn(a -> a.getReporters().contains("Google Inc.")).allSatisfy(a ->
                    assertThat(a.getSummary()).contains("Google Inc. stopped on 3 domains at once",
                            "no longer reach the intake"));
            assertThat(alerts).filteredOn(a -> a.getReporters().contains("Contoso Ltd")).allSatisfy(a ->
                    assertThat(a.getSummary()).as("two domains").doesNotContain("domains at once"));
        }
    }

    @Test
    void theWideStopThresholdIsASetting() {
        SilenceSettings two = new SilenceSettings(3, 7, 5, CHECK, 30, SilenceSettings.DEFAULT_RENAME_MIN_DOMAINS, 2);
        try (TopologyFixture f = new TopologyFixture(settings(two))) {
            changeOver(f, "Contoso Ltd", "Contoso Mail", "x.example", "y.example");
            twoChecks(f);
            assertThat(stopped(f.allAlerts())).hasSize(2).allSatisfy(a ->
                    assertThat(a.getSummary()).contains("Contoso Ltd stopped on 2 domains at once"));
        }
        SilenceSettings off = new SilenceSettings(3, 7, 5, CHECK, 30, SilenceSettings.DEFAULT_RENAME_MIN_DOMAINS, 0);
        try (TopologyFixture f = new TopologyFixture(settings(off))) {
            changeOver(f, "Google Inc.", "Yahoo Inc.", "a.example", "b.example", "c.example");
            twoChecks(f);
            assertThat(stopped(f.allAlerts())).hasSize(3).allSatisfy(a ->
                    assertThat(a.getSummary()).doesNotContain("domains at once"));
        }
    }

    @Test
    void zeroRenameMinDomainsAnnouncesEveryStop() {
        SilenceSettings noRenames = new SilenceSettings(3, 7, 5, CHECK, 30, 0);
        try (TopologyFixture f = new TopologyFixture(settings(noRenames))) {
            changeOver(f, "Google Inc.", "Google LLC", "a.example", "b.example", "c.example");
            twoChecks(f);
            assertThat(stopped(f.allAlerts())).hasSize(3);
        }
    }

    @Test
    void zeroAfterWindowsTurnsTheCheckOffAndKeepsNothing() {
        try (TopologyFixture f = new TopologyFixture(settings(new SilenceSettings(0, 7, 5, CHECK, 30)))) {
            daily(f, "Google", "example.com", 19, 25);
            daily(f, "Microsoft", "example.com", 19, 29);
            f.driver.advanceWallClockTime(CHECK.multipliedBy(3));
            assertThat(f.allAlerts()).isEmpty();
            KeyValueStore<String, ReporterCadence> store = f.driver.getKeyValueStore(SilenceStage.STORE);
            assertThat(store.approximateNumEntries()).isZero();
        }
    }

    @Test
    void everyDomainOfAMultiDomainReportHasItsCadence() {
        try (TopologyFixture f = new TopologyFixture()) {
            for (int d = 19; d <= 25; d++) {
                f.send(report("Google", "g-" + d, d).policy("example.com", 10).policy("example.org", 10), d);
            }
            daily(f, "Microsoft", "example.org", 19, 29);
            twoChecks(f);
            // judged against the newest window with reports (Microsoft's), not per domain: Google stopped reporting
            // on both domains
            assertThat(stopped(f.allAlerts())).extracting(Alert::getPolicyDomain)
                    .containsExactlyInAnyOrder("example.com", "example.org");
        }
    }
}
