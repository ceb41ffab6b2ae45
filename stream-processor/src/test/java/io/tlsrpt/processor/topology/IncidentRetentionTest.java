package io.tlsrpt.processor.topology;

import static io.tlsrpt.processor.topology.ReportFixtures.failure;
import static io.tlsrpt.processor.topology.ReportFixtures.report;
import static org.assertj.core.api.Assertions.assertThat;

import io.tlsrpt.processor.detect.Incident;
import io.tlsrpt.schema.Alert;
import java.time.Instant;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An incident stays in {@code incident-store} as long as the windows it accounts for stay in the window store, counted
 * back from the newest window judged, not from the reports' arrival: a month of reports imported late (an archive,
 * a backlog) keeps its incidents beside its windows ({@code GET /v1/domains}, {@code GET /v1/incidents}), and an
 * incident goes once newer windows have pushed its own out of the retention.
 */
class IncidentRetentionTest {

    private static final String KEY = "shop.example|certificate-expired";

    private final TopologyFixture f = new TopologyFixture();

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void anIncidentIsKeptAsLongAsItsWindowsWhateverTheArrival() {
        // November's first eight days, all arriving on 1 December (three weeks late)
        Instant imported = TopologyFixture.NOW;
        for (int day = 1; day <= 7; day++) {
            f.send(report("Google Inc.", "g-" + day, day).policy("shop.example", 1000,
                    failure("validation-failure", 1, "192.0.2.9", null)).bytes(), imported, "https");
        }
        f.send(report("Google Inc.", "g-8", 8).policy("shop.example", 600,
                failure("certificate-expired", 400, "192.0.2.1", "mx1.shop.example")).bytes(), imported, "https");
        Alert firing = f.onlyAlert();
        assertThat(incidents().get(KEY)).isNotNull();

        // the next day's arrival passes midnight: the sweep runs, 17 days after the incident's window by arrival
        f.send(report("Google Inc.", "o-9", 9).policy("other.example", 300).bytes(),
                Instant.parse("2026-12-02T06:00:00Z"), "https");
        Incident kept = incidents().get(KEY);
        assertThat(kept).as("kept, with its windows").isNotNull();
        assertThat(kept.open()).isTrue();
        assertThat(Instant.ofEpochMilli(kept.lastAnomalousWindowStart())).isEqualTo(ReportFixtures.day(8));

        // reports of 29 November: the incident's window (9 November) is now older than the window store's 17 days;
        // the sweep at the next midnight of arrival forgets it
        f.send(report("Google Inc.", "o-28", 28).policy("other.example", 300).bytes(),
                Instant.parse("2026-12-03T06:00:00Z"), "https");
        f.send(report("Yahoo", "y-28", 28).policy("other.example", 200).bytes(),
                Instant.parse("2026-12-04T06:00:00Z"), "https");
        assertThat(incidents().get(KEY)).as("forgotten with its windows").isNull();
        // still open when forgotten: its page is ended, saying that nothing showed it over
        assertThat(f.allAlerts()).singleElement().satisfies(closed -> {
            assertThat(closed.getStatus()).isEqualTo("resolved");
            assertThat(closed.getAlertId()).isEqualTo(firing.getAlertId());
            assertThat(closed.getKind()).isEqualTo(firing.getKind());
            assertThat(closed.getPolicyDomain()).isEqualTo("shop.example");
            assertThat(closed.getResultType()).isEqualTo("certificate-expired");
            assertThat(closed.getWindowStart()).isEqualTo(ReportFixtures.day(8));
            assertThat(closed.getSummary()).startsWith("Closed without a verdict: certificate-expired on shop.example")
                    .contains("The failures may go on");
        });
    }

    private KeyValueStore<String, Incident> incidents() {
        return f.driver.getKeyValueStore(DomainStateReader.INCIDENT_STORE);
    }
}
