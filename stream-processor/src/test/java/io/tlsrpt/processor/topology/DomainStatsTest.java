package io.tlsrpt.processor.topology;

import static io.tlsrpt.processor.topology.ReportFixtures.failure;
import static io.tlsrpt.processor.topology.ReportFixtures.report;
import static org.assertj.core.api.Assertions.assertThat;

import io.tlsrpt.schema.CountedValue;
import io.tlsrpt.schema.DomainStats;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.kstream.internals.TimeWindow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code tlsrpt.domain-stats}: one record per update of a (domain, window), for every domain with reports, failing
 * or not; the whole topology, with TopologyTestDriver.
 */
class DomainStatsTest {

    private final TopologyFixture f = new TopologyFixture();

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void aDomainWhoseSessionsAllSucceedHasItsStatisticsToo() {
        f.send(report("Google Inc.", "g-1", 3).policy("healthy.example", 1000), 3);
        f.send(report("Microsoft Corporation", "m-1", 3).policy("healthy.example", 500), 3);

        List<KeyValue<String, DomainStats>> records = f.domainStats.readKeyValuesToList();
        assertThat(records).as("one per update of the window").hasSize(2);
        assertThat(records).extracting(r -> r.key).containsOnly("healthy.example");
        DomainStats latest = records.get(1).value;
        assertThat(latest.getPolicyDomain()).isEqualTo("healthy.example");
        assertThat(latest.getWindowStart()).isEqualTo(ReportFixtures.day(3));
        assertThat(latest.getWindowEnd()).isEqualTo(ReportFixtures.day(4));
        assertThat(latest.getTotalSessions()).isEqualTo(1500);
        assertThat(latest.getFailedSessions()).isZero();
        assertThat(latest.getSessionsWithoutEnforcedPolicy()).isZero();
        assertThat(latest.getReports()).isEqualTo(2);
        assertThat(latest.getReporters()).containsExactly("Google Inc.", "Microsoft Corporation");
        assertThat(latest.getFailingResultTypes()).isEmpty();
        assertThat(latest.getUpdatedAt()).isEqualTo(TopologyFixture.NOW);
        assertThat(f.stats.readKeyValuesToList()).as("no failure statistics for it").isEmpty();
    }

    @Test
    void failuresAreCountedBySummaryAndListedByTypeMostFirst() {
        f.send(report("Google Inc.", "g-1", 3).policy("failing.example", 900,
                failure("certificate-expired", 40, "192.0.2.1", "mx1.failing.example"),
                failure("starttls-not-supported", 60, "192.0.2.2", "mx1.failing.example")), 3);

        DomainStats stats = f.domainStats.readValue();
        assertThat(stats.getTotalSessions()).isEqualTo(1000);
        assertThat(stats.getFailedSessions()).isEqualTo(100);
        assertThat(stats.getFailingResultTypes()).containsExactly(new CountedValue("starttls-not-supported", 60L),
                new CountedValue("certificate-expired", 40L));
        assertThat(f.stats.readKeyValuesToMap()).containsOnlyKeys("failing.example|certificate-expired",
                "failing.example|starttls-not-supported");
    }

    @Test
    void overlappingFailureTypesDoNotInflateTheFailedSessions() {
        // one failed session reported under two result types: the summary says 1, the details 2
        String json = """
                {"organization-name":"Overlap Inc.","date-range":{"start-datetime":"%s","end-datetime":"%s"},
                 "contact-info":"tlsrpt@overlap.example","report-id":"overlap-1",
                 "policies":[{"policy":{"policy-type":"sts","policy-string":["version: STSv1","mode: enforce",
                   "mx: mx1.overlap.example","max_age: 86400"],"policy-domain":"overlap.example",
                   "mx-host":["mx1.overlap.example"]},
                  "summary":{"total-successful-session-count":99,"total-failure-session-count":1},
                  "failure-details":[{"result-type":"certificate-expired","failed-session-count":1},
                                     {"result-type":"certificate-host-mismatch","failed-session-count":1}]}]}
                """.formatted(ReportFixtures.day(3), ReportFixtures.day(4).minusSeconds(1));
        f.send(json.getBytes(StandardCharsets.UTF_8), ReportFixtures.day(4).plusSeconds(3600), "https");

        DomainStats stats = f.domainStats.readValue();
        assertThat(stats.getTotalSessions()).isEqualTo(100);
        assertThat(stats.getFailedSessions()).isEqualTo(1);
        assertThat(stats.getFailingResultTypes()).extracting(CountedValue::getCount).containsExactly(1L, 1L);
    }

    @Test
    void sessionsUnderNoEnforcedPolicyAreCountedAndNotListedAsAFailure() {
        f.send(report("Google Inc.", "g-1", 3).noPolicyFound("plain.example", 300), 3);
        f.send(report("Yahoo", "y-1", 3).stsPolicy("testing", "plain.example", 200), 3);
        // listed under an enforced policy of the domain in the same report too (Microsoft: sts and tlsa): covered
        f.send(report("Microsoft Corporation", "m-1", 3).noPolicyFound("plain.example", 100)
                .policy("tlsa", List.of("3 1 1 0123456789abcdef"), "plain.example", 100), 3);

        List<DomainStats> stats = f.domainStats.readValuesToList();
        DomainStats latest = stats.get(stats.size() - 1);
        assertThat(latest.getTotalSessions()).isEqualTo(700);
        assertThat(latest.getSessionsWithoutEnforcedPolicy()).isEqualTo(500);
        assertThat(latest.getFailedSessions()).isZero();
        assertThat(latest.getFailingResultTypes()).isEmpty();
    }

    @Test
    void aWindowAnEarlierVersionBeganHasNeitherCountNorAGuessOfIt() {
        DomainWindow earlier = new DomainWindow(1, 1000, Set.of("Google Inc."), Map.of(),
                Map.of("Google Inc.", 1000L));
        Windowed<String> key = new Windowed<>("old.example", new TimeWindow(0, 86_400_000L));
        DomainStats stats = DomainStatistics.of(key, earlier, null, Clock.systemUTC()).get(0).value;
        assertThat(stats.getFailedSessions()).isNull();
        assertThat(stats.getSessionsWithoutEnforcedPolicy()).isNull();
        assertThat(stats.getTotalSessions()).isEqualTo(1000);
        assertThat(DomainStatistics.of(key, null, null, Clock.systemUTC())).isEmpty();
    }
}
