package io.tlsrpt.processor.topology;

import static io.tlsrpt.processor.topology.ReportFixtures.failure;
import static io.tlsrpt.processor.topology.ReportFixtures.report;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tlsrpt.processor.detect.SilenceSettings;
import io.tlsrpt.processor.served.ServedDomains;
import io.tlsrpt.schema.Alert;
import io.tlsrpt.schema.FailureStats;
import io.tlsrpt.schema.TlsReport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A provider lists the domains it receives reports for: a report about any other domain (misdirected, or forged to
 * page its on-call about a domain that is not theirs) is dead-lettered as {@code unserved-policy-domain} with its
 * bytes, and never counted nor alerted on.
 */
class ServedDomainsTopologyTest {

    /** A provider's list naming tenants: one exact, one by a wildcard, one domain without. */
    private static final List<String> TENANTS_LIST = List.of("victim.example tenant=victim-corp",
            "*.hosted.example tenant=hosting", "plain.example");
    private static final List<String> TENANTS_DOMAINS = List.of("victim.example", "shop.hosted.example",
            "plain.example");

    private final AtomicReference<ServedDomains> served =
            new AtomicReference<>(ServedDomains.parse("victim.example, *.hosted.example"));
    private final TopologyFixture f = new TopologyFixture(TopologySettings
            .defaults("mock://served-" + UUID.randomUUID()).withServedDomains(served::get));

    @AfterEach
    void close() {
        f.close();
    }

    private static String header(Headers headers, String name) {
        return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private void healthyWeek(String domain) {
        for (int d = 1; d <= 7; d++) {
            f.send(report("Google Inc.", domain + "-h" + d, d).policy(domain, 1000), d);
        }
    }

    private void downgradeOnDay8(String domain) {
        f.send(report("Google Inc.", domain + "-attack", 8).policy(domain, 1000,
                failure("starttls-not-supported", 400, "203.0.113.9", "mx." + domain)), 8);
    }

    @Test
    void aDowngradeOnAnUnservedDomainIsDeadLetteredAndNeverPages() {
        healthyWeek("victim.example");
        healthyWeek("someone-else.example");
        downgradeOnDay8("someone-else.example");
        downgradeOnDay8("victim.example");

        assertThat(f.allAlerts()).extracting(Alert::getPolicyDomain).containsExactly("victim.example");
        assertThat(f.stats.readValuesToList()).extracting(FailureStats::getPolicyDomain)
                .containsOnly("victim.example");
        assertThat(f.reports.readValuesToList()).extracting(TlsReport::getReportId)
                .noneMatch(id -> id.startsWith("someone-else"));

        List<TestRecord<String, byte[]>> dead = f.deadLetter.readRecordsToList();
        assertThat(dead).hasSize(8).allSatisfy(r -> {
            assertThat(header(r.headers(), DeadLetters.REASON)).isEqualTo("unserved-policy-domain");
            assertThat(header(r.headers(), DeadLetters.MESSAGE)).contains("of Google Inc. is about someone-else.example,"
                    + " which this installation does not serve (served.domains and served.domains.file: 1 domain(s)"
                    + " and 1 wildcard(s))");
        });
        byte[] attack = report("Google Inc.", "someone-else.example-attack", 8).policy("someone-else.example", 1000,
                failure("starttls-not-supported", 400, "203.0.113.9", "mx.someone-else.example")).bytes();
        assertThat(dead.get(7).value()).as("the original bytes, to replay").isEqualTo(attack);
        assertThat(f.metrics.snapshot().rejected()).isEqualTo(8);
    }

    @Test
    void aWildcardServesTheNamesBelowIt() {
        f.send(report("Microsoft", "w1", 3).policy("shop.hosted.example", 500,
                failure("certificate-expired", 20, null, null)), 3);
        f.send(report("Microsoft", "w2", 3).policy("hosted.example", 500), 3);

        assertThat(f.reports.readValuesToList()).extracting(TlsReport::getReportId).containsExactly("w1");
        assertThat(f.deadLetter.readRecordsToList()).extracting(r -> header(r.headers(), DeadLetters.MESSAGE))
                .singleElement().asString().contains("report w2 of Microsoft is about hosted.example,");
    }

    /** Reports name one policy domain (RFC 8460); one that names several counts when one of them is served. */
    @Test
    void aReportNamingAServedDomainAmongOthersCounts() {
        f.send(report("Postfix", "multi", 3).policy("other.example", 100).policy("victim.example", 200), 3);
        assertThat(f.deadLetter.readRecordsToList()).isEmpty();
        assertThat(f.reports.readValuesToList()).extracting(TlsReport::getReportId).containsExactly("multi");
    }

    /**
     * A report naming a served domain passes, but the unserved domains it names beside it count nowhere: a report
     * forged to name someone else's domain next to ours neither pages us about it nor grows our state with it. The
     * report itself stays whole in the reports topic.
     */
    @Test
    void theUnservedDomainsOfAPassingReportGetNoStatisticsNorAlerts() {
        healthyWeek("victim.example");
        healthyWeek("someone-else.example");
        f.send(report("Postfix", "forged-beside", 8).policy("victim.example", 1000)
                .policy("someone-else.example", 1000, failure("starttls-not-supported", 900, "203.0.113.9",
                        "mx.someone-else.example")), 8);

        assertThat(f.allAlerts()).as("no page about someone else's domain").isEmpty();
        assertThat(f.stats.readValuesToList()).extracting(FailureStats::getPolicyDomain)
                .doesNotContain("someone-else.example");
        assertThat(f.reports.readValuesToList()).filteredOn(r -> r.getReportId().equals("forged-beside"))
                .singleElement().satisfies(r -> assertThat(r.getPolicies()).hasSize(2));
        assertThat(f.metrics.unservedContributions()).isEqualTo(1);
        assertThat(f.metrics.registry().get(PipelineMetrics.UNSERVED_CONTRIBUTIONS).counter().count()).isEqualTo(1.0);
    }

    /** The list is read for every record: a domain added to it (the processor re-reads its file) counts from then. */
    @Test
    void aDomainAddedToTheListCountsFromItsNextReport() {
        f.send(report("Google Inc.", "before", 3).policy("new-customer.example", 1000), 3);
        served.set(ServedDomains.parse("victim.example, new-customer.example"));
        f.send(report("Google Inc.", "after", 4).policy("new-customer.example", 1000), 4);

        assertThat(f.deadLetter.readRecordsToList()).extracting(r -> header(r.headers(), DeadLetters.MESSAGE))
                .singleElement().asString().contains("report before of Google Inc.");
        assertThat(f.reports.readValuesToList()).extracting(TlsReport::getReportId).containsExactly("after");
    }

    /**
     * A customer offboarded (its domain taken off the list) while an incident of it is open: the incident ends, saying
     * why, at the detector's next sweep (stream time passing a window), instead of firing on with no report to end
     * it; its reporters are no longer watched, so that their silence raises nothing, and an open reports-stopped
     * alert about it ends too.
     */
    @Test
    void aDomainTakenOffTheListEndsItsIncidentsAndIsNoLongerWatched() {
        Duration check = SilenceSettings.defaults().checkInterval();
        for (int d = 19; d <= 28; d++) {
            f.send(report("Google Inc.", "g-" + d, d).policy("victim.example", 1000), d);
            if (d <= 25) {
                f.send(report("Microsoft", "m-" + d, d).policy("victim.example", 1000), d);
            }
        }
        f.send(report("Google Inc.", "g-29", 29).policy("victim.example", 600,
                failure("starttls-not-supported", 400, "203.0.113.9", "mx.victim.example")), 29);
        Alert firing = f.onlyAlert();
        assertThat(firing.getStatus()).isEqualTo("firing");
        f.driver.advanceWallClockTime(check);
        f.driver.advanceWallClockTime(check);
        Alert stopped = f.onlyAlert();
        assertThat(stopped.getKind()).isEqualTo("reports-stopped");
        assertThat(stopped.getStatus()).isEqualTo("firing");

        served.set(ServedDomains.parse("*.hosted.example"));
        f.driver.advanceWallClockTime(check);
        assertThat(f.allAlerts()).as("one check off the list: not yet (a list read half-written)").isEmpty();
        f.driver.advanceWallClockTime(check);
        assertThat(f.allAlerts()).singleElement().satisfies(a -> {
            assertThat(a.getKind()).isEqualTo("reports-stopped");
            assertThat(a.getStatus()).isEqualTo("resolved");
            assertThat(a.getAlertId()).isEqualTo(stopped.getAlertId());
            assertThat(a.getSummary()).contains("no longer served");
        });
        // the detector's sweeps, as stream time passes the next windows: the second one off the list ends it
        f.send(report("Google Inc.", "shop-29", 29).policy("shop.hosted.example", 1000), 29);
        f.send(report("Google Inc.", "shop-30", 30).policy("shop.hosted.example", 1000), 30);
        assertThat(f.allAlerts()).as("one sweep off the list: not yet").isEmpty();
        f.send(report("Google Inc.", "shop-31", 31).policy("shop.hosted.example", 1000), 31);
        assertThat(f.allAlerts()).singleElement().satisfies(a -> {
            assertThat(a.getAlertId()).isEqualTo(firing.getAlertId());
            assertThat(a.getStatus()).isEqualTo("resolved");
            assertThat(a.getSummary()).startsWith("Closed without a verdict").contains("no longer served");
        });
        f.driver.advanceWallClockTime(check);
        f.driver.advanceWallClockTime(check);
        assertThat(f.allAlerts()).as("its reporters no longer watched").isEmpty();
    }

    /**
     * A provider names each domain's tenant in its list: the alerts about it carry the tenant, on both topics, as the
     * list names it when the alert leaves (a domain moved to another tenant while an incident is open resolves there).
     */
    @Test
    void theAlertsOfADomainCarryTheTenantItsEntryNames() {
        served.set(ServedDomains.of(TENANTS_LIST));
        for (String domain : TENANTS_DOMAINS) {
            healthyWeek(domain);
            downgradeOnDay8(domain);
        }

        List<Alert> fired = f.alerts.readValuesToList();
        assertThat(fired).extracting(a -> a.getPolicyDomain() + "=" + a.getTenant()).containsExactlyInAnyOrder(
                "victim.example=victim-corp", "shop.hosted.example=hosting", "plain.example=null");
        assertThat(f.alertsJson.readValuesToList()).hasSize(3)
                .anySatisfy(json -> assertThat(json).contains("\"policy_domain\":\"victim.example\"")
                        .contains("\"tenant\":\"victim-corp\""))
                .anySatisfy(json -> assertThat(json).contains("\"policy_domain\":\"plain.example\"")
                        .contains("\"tenant\":null"));

        served.set(ServedDomains.of(List.of("victim.example tenant=new-owner", "*.hosted.example", "plain.example")));
        f.send(report("Google Inc.", "victim-mended", 9).policy("victim.example", 1000), 9);
        assertThat(f.alerts.readValuesToList()).filteredOn(a -> a.getStatus().toString().equals("resolved"))
                .singleElement().satisfies(a -> assertThat(a.getTenant()).isEqualTo("new-owner"));
    }

    /**
     * A provider's dashboard counts each tenant's alerts and open incidents ({@code tlsrpt_alerts_total} and
     * {@code tlsrpt_incidents_open} with a {@code tenant} label, empty for a domain without one); the sums over tenants
     * stay what they were.
     */
    @Test
    void theAlertsAndOpenIncidentsAreCountedByTenant() {
        served.set(ServedDomains.of(TENANTS_LIST));
        for (String domain : TENANTS_DOMAINS) {
            healthyWeek(domain);
            downgradeOnDay8(domain);
        }
        MeterRegistry registry = f.metrics.registry();
        for (String tenant : List.of("victim-corp", "hosting", "")) {
            assertThat(registry.get(PipelineMetrics.ALERTS).tag("tenant", tenant).tag("status", "firing").counter()
                    .count()).as("firing alerts of tenant '%s'", tenant).isEqualTo(1);
            assertThat(registry.get(IncidentMetrics.OPEN).tag("tenant", tenant).gauges().stream()
                    .mapToDouble(Gauge::value).sum()).as("open incidents of tenant '%s'", tenant).isEqualTo(1.0);
        }
        assertThat(f.metrics.total(PipelineMetrics.ALERTS)).isEqualTo(3);

        f.send(report("Google Inc.", "victim-mended", 9).policy("victim.example", 1000), 9);
        assertThat(registry.get(PipelineMetrics.ALERTS).tag("tenant", "victim-corp").tag("status", "resolved")
                .counter().count()).isEqualTo(1);
        assertThat(registry.get(IncidentMetrics.OPEN).tag("tenant", "victim-corp").gauges())
                .extracting(Gauge::value).containsOnly(0.0);
    }

    /**
     * The statistics of a domain carry its tenant as the list names it when the record is written, on both topics: a
     * provider's SIEM or billing takes its tenants' records without a list of its own.
     */
    @Test
    void theStatisticsOfADomainCarryItsTenant() {
        served.set(ServedDomains.of(TENANTS_LIST));
        for (String domain : TENANTS_DOMAINS) {
            downgradeOnDay8(domain);
        }

        assertThat(f.domainStats.readValuesToList()).extracting(s -> s.getPolicyDomain() + "=" + s.getTenant())
                .containsExactlyInAnyOrder("victim.example=victim-corp", "shop.hosted.example=hosting",
                        "plain.example=null");
        assertThat(f.stats.readValuesToList()).extracting(s -> s.getPolicyDomain() + "=" + s.getTenant())
                .containsExactlyInAnyOrder("victim.example=victim-corp", "shop.hosted.example=hosting",
                        "plain.example=null");

        served.set(ServedDomains.of(List.of("victim.example tenant=new-owner", "*.hosted.example", "plain.example")));
        f.send(report("Google Inc.", "victim-later", 8).policy("victim.example", 500), 8);
        assertThat(f.domainStats.readValuesToList()).singleElement()
                .satisfies(s -> assertThat(s.getTenant()).isEqualTo("new-owner"));
    }

    @Test
    void withoutAListEveryDomainIsServed() {
        try (TopologyFixture all = new TopologyFixture()) {
            all.send(report("Google Inc.", "any", 3).policy("anything.example", 1000), 3);
            assertThat(all.deadLetter.readRecordsToList()).isEmpty();
            assertThat(all.reports.readValuesToList()).hasSize(1);
        }
    }
}
