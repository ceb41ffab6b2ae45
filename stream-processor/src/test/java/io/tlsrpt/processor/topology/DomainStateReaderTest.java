package io.tlsrpt.processor.topology;

import static io.tlsrpt.processor.topology.ReportFixtures.failure;
import static io.tlsrpt.processor.topology.ReportFixtures.report;
import static org.assertj.core.api.Assertions.assertThat;

import io.tlsrpt.processor.detect.Incident;
import io.tlsrpt.processor.topology.DomainStateReader.DomainState;
import io.tlsrpt.schema.Alert;
import io.tlsrpt.schema.DomainStats;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A domain's state read from the topology's own stores (what {@code GET /v1/domains/{domain}} answers): the same
 * figures as the last {@code tlsrpt.domain-stats} record of each window, and the incident behind the alerts.
 */
class DomainStateReaderTest {

    private final TopologyFixture f = new TopologyFixture();
    private final DomainStateReader reader = new DomainStateReader(f.settings.windowSize(),
            Clock.fixed(TopologyFixture.NOW, ZoneOffset.UTC));

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void everyKeptWindowOfTheDomainAsItsLastStatisticsSayAndItsIncident() {
        for (int day = 1; day <= 7; day++) {
            f.send(report("Google Inc.", "g-" + day, day).policy("shop.example", 1000,
                    failure("validation-failure", 1, "192.0.2.9", null)), day);
            f.send(report("Google Inc.", "sub-" + day, day).policy("mail.shop.example", 50), day);
            f.send(report("Google Inc.", "o-" + day, day).policy("other.example", 300), day);
        }
        f.send(report("Google Inc.", "g-8", 8).policy("shop.example", 600,
                failure("certificate-expired", 400, "192.0.2.1", "mx1.shop.example")), 8);
        List<Alert> alerts = f.allAlerts();
        assertThat(alerts).extracting(Alert::getKind).containsExactly("certificate-expired");

        DomainState state = read("shop.example");

        Map<Object, DomainStats> lastOfEachWindow = new LinkedHashMap<>();
        for (KeyValue<String, DomainStats> r : f.domainStats.readKeyValuesToList()) {
            if (r.key.equals("shop.example")) {
                lastOfEachWindow.put(r.value.getWindowStart(), r.value);
            }
        }
        assertThat(state.policyDomain()).isEqualTo("shop.example");
        assertThat(state.windows()).as("days 1 to 8, oldest first, as the topic's last record of each says")
                .hasSize(8).containsExactlyElementsOf(lastOfEachWindow.values());
        DomainStats day8 = state.windows().get(7);
        assertThat(day8.getWindowStart()).isEqualTo(ReportFixtures.day(8));
        assertThat(day8.getFailedSessions()).isEqualTo(400);
        assertThat(day8.getTotalSessions()).isEqualTo(1000);

        assertThat(state.incidents()).hasSize(1);
        Incident incident = state.incidents().get(0).incident();
        assertThat(state.incidents().get(0).resultType()).isEqualTo("certificate-expired");
        assertThat(incident.alertId()).isEqualTo(alerts.get(0).getAlertId());
        assertThat(incident.open()).isTrue();
        assertThat(incident.firstWindowStart()).isEqualTo(ReportFixtures.day(8).toEpochMilli());
        assertThat(state.incidents().get(0).receivingMx()).as("where its failures were").containsExactly(
                "mx1.shop.example");

        assertThat(read("mail.shop.example").windows()).as("a subdomain is a policy domain of its own").hasSize(7)
                .allSatisfy(w -> assertThat(w.getTotalSessions()).isEqualTo(50));
        assertThat(read("mail.shop.example").incidents()).isEmpty();
        assertThat(read("unknown.example").isEmpty()).isTrue();
    }

    private DomainState read(String domain) {
        WindowStore<String, DomainWindow> windows = f.driver.getWindowStore(DomainStateReader.WINDOW_STORE);
        KeyValueStore<String, Incident> incidents = f.driver.getKeyValueStore(DomainStateReader.INCIDENT_STORE);
        return reader.read(domain, windows, incidents);
    }
}
