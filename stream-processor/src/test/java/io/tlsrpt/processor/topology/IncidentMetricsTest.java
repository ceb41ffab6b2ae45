package io.tlsrpt.processor.topology;

import static io.tlsrpt.processor.topology.ReportFixtures.failure;
import static io.tlsrpt.processor.topology.ReportFixtures.report;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tlsrpt.processor.detect.AlertKind;
import io.tlsrpt.processor.detect.Incident;
import io.tlsrpt.schema.Alert;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code tlsrpt_incidents_open{kind,severity}}: the incidents firing now, by kind, over this instance's tasks. */
class IncidentMetricsTest {

    private static Incident incident(String kind, boolean open) {
        return new Incident("id-" + kind, kind, open, 0, 0, 0, 0, open ? 0 : 1, null, "d.example|t");
    }

    private static double gauge(SimpleMeterRegistry registry, AlertKind kind) {
        return registry.get(IncidentMetrics.OPEN).tag("kind", kind.code()).tag("severity", kind.severity().code())
                .gauge().value();
    }

    @Test
    void followsEachTasksStartChangesAndDeparture() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        IncidentMetrics metrics = new IncidentMetrics(registry);
        assertThat(gauge(registry, AlertKind.CERTIFICATE_EXPIRED)).as("every series from the start").isZero();
        assertThat(registry.find(IncidentMetrics.OPEN).tag("kind", "reports-stopped").gauge())
                .as("the silence check's own gauge counts those").isNull();

        metrics.started("1_0", Map.of(AlertKind.CERTIFICATE_EXPIRED, 2L));
        metrics.started("1_1", Map.of(AlertKind.CERTIFICATE_EXPIRED, 1L, AlertKind.FAILURE_SPIKE, 1L));
        assertThat(gauge(registry, AlertKind.CERTIFICATE_EXPIRED)).isEqualTo(3);

        metrics.changed("1_0", incident("certificate-expired", true), incident("certificate-expired", false));
        assertThat(gauge(registry, AlertKind.CERTIFICATE_EXPIRED)).as("resolved").isEqualTo(2);
        metrics.changed("1_1", incident("starttls-unavailable", true), incident("starttls-downgrade-suspected", true));
        assertThat(gauge(registry, AlertKind.STARTTLS_DOWNGRADE_SUSPECTED)).as("escalated").isEqualTo(1);
        assertThat(gauge(registry, AlertKind.STARTTLS_UNAVAILABLE)).as("never below 0").isZero();
        metrics.changed("1_1", null, incident("dnssec-broken", true));
        metrics.changed("1_1", incident("failure-spike", true), null);
        assertThat(gauge(registry, AlertKind.DNSSEC_BROKEN)).as("fired").isEqualTo(1);
        assertThat(gauge(registry, AlertKind.FAILURE_SPIKE)).as("forgotten by the sweep").isZero();
        metrics.changed("1_1", null, incident("a-kind-of-a-later-version", true));

        metrics.closed("1_1");
        assertThat(gauge(registry, AlertKind.CERTIFICATE_EXPIRED)).as("the task left with its incident").isEqualTo(1);
        assertThat(gauge(registry, AlertKind.DNSSEC_BROKEN)).isZero();
    }

    @Test
    void theTopologyCountsAnIncidentWhileItFires() {
        try (TopologyFixture f = new TopologyFixture()) {
            for (int day = 1; day <= 7; day++) {
                f.send(report("Google Inc.", "g-" + day, day).policy("shop.example", 1000), day);
            }
            f.send(report("Google Inc.", "g-8", 8).policy("shop.example", 600,
                    failure("certificate-expired", 400, "192.0.2.1", "mx1.shop.example")), 8);
            assertThat(f.allAlerts()).extracting(Alert::getStatus).containsExactly("firing");
            assertThat(f.metrics.incidents().open(AlertKind.CERTIFICATE_EXPIRED)).isEqualTo(1);

            f.send(report("Google Inc.", "g-9", 9).policy("shop.example", 1000), 9);
            assertThat(f.allAlerts()).extracting(Alert::getStatus).containsExactly("resolved");
            assertThat(f.metrics.incidents().open(AlertKind.CERTIFICATE_EXPIRED)).isZero();
        }
    }
}
