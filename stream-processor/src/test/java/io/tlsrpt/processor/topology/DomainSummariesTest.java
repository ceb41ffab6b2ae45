package io.tlsrpt.processor.topology;

import static io.tlsrpt.processor.topology.ReportFixtures.failure;
import static io.tlsrpt.processor.topology.ReportFixtures.report;
import static org.assertj.core.api.Assertions.assertThat;

import io.tlsrpt.processor.topology.DomainSummaries.Summary;
import io.tlsrpt.schema.DomainStats;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each domain summed over the windows the topology's window store keeps (what {@code GET /v1/domains} lists): the
 * sums of the last {@code tlsrpt.domain-stats} record of each of its windows.
 */
class DomainSummariesTest {

    private final TopologyFixture f = new TopologyFixture();

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void eachDomainIsTheSumOfItsWindowsAsTheStatisticsTopicSaysThem() {
        for (int day = 1; day <= 6; day++) {
            f.send(report("Google Inc.", "g-" + day, day).policy("shop.example", 1000,
                    failure("validation-failure", day, "192.0.2.9", null)), day);
            f.send(report("Yahoo", "y-" + day, day).policy("shop.example", 200), day);
            if (day == 5) {
                // a reporter the domain's earlier windows did not have: the summary's reporters are their union
                f.send(report("Microsoft Corporation", "m-" + day, day).policy("shop.example", 100), day);
            }
            if (day % 2 == 0) {
                f.send(report("Google Inc.", "o-" + day, day).policy("other.example", 300,
                        failure("certificate-expired", 30, "192.0.2.1", "mx1.other.example")), day);
            }
        }
        Map<String, Map<Instant, DomainStats>> lastOfEachWindow = new HashMap<>();
        for (KeyValue<String, DomainStats> r : f.domainStats.readKeyValuesToList()) {
            lastOfEachWindow.computeIfAbsent(r.key, k -> new HashMap<>()).put(r.value.getWindowStart(), r.value);
        }
        WindowStore<String, DomainWindow> store = f.driver.getWindowStore(DomainStateReader.WINDOW_STORE);

        Map<String, Summary> all = DomainSummaries.read(store, Instant.EPOCH, domain -> true);
        assertThat(all).containsOnlyKeys("shop.example", "other.example");
        for (Summary s : all.values()) {
            Map<Instant, DomainStats> windows = lastOfEachWindow.get(s.policyDomain());
            assertThat(s.days()).isEqualTo(windows.size());
            assertThat(s.totalSessions()).isEqualTo(windows.values().stream().mapToLong(DomainStats::getTotalSessions)
                    .sum());
            assertThat(s.failedSessions()).isEqualTo(windows.values().stream()
                    .mapToLong(DomainStats::getFailedSessions).sum());
            assertThat(s.sessionsWithoutEnforcedPolicy()).isEqualTo(windows.values().stream()
                    .mapToLong(DomainStats::getSessionsWithoutEnforcedPolicy).sum());
            assertThat(s.reports()).isEqualTo(windows.values().stream().mapToLong(DomainStats::getReports).sum());
            Set<String> reporters = new TreeSet<>();
            windows.values().forEach(w -> reporters.addAll(w.getReporters()));
            assertThat(s.reporters()).containsExactlyElementsOf(reporters);
            assertThat(s.firstWindowStart()).isEqualTo(windows.keySet().stream().min(Instant::compareTo).orElseThrow());
            assertThat(s.lastWindowStart()).isEqualTo(windows.keySet().stream().max(Instant::compareTo).orElseThrow());
        }
        Summary shop = all.get("shop.example");
        assertThat(shop.failedSessions()).isEqualTo(21);
        assertThat(shop.reporters()).containsExactly("Google Inc.", "Microsoft Corporation", "Yahoo");
        assertThat(shop.failedShare()).isEqualTo(21.0 / shop.totalSessions());
        assertThat(all.get("other.example").failedShare()).isEqualTo(90.0 / all.get("other.example").totalSessions());

        Map<String, Summary> fromDay5 = DomainSummaries.read(store, ReportFixtures.day(5),
                domain -> domain.startsWith("shop."));
        assertThat(fromDay5).containsOnlyKeys("shop.example");
        assertThat(fromDay5.get("shop.example").days()).isEqualTo(2);
        assertThat(fromDay5.get("shop.example").failedSessions()).isEqualTo(11);
    }
}
