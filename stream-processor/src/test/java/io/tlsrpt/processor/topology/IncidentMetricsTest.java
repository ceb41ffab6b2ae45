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

/** {@code tlsrpt_incidents_open{kind,severity,tenant}}: the incidents firing now, over this instance's tasks. */
class IncidentMetricsTest {

    private static Incident incident(String kind, boolean open) {
        return new Incident("id-" + kind, kind, open, 0, 0, 0, 0, open ? 0 : 1, null, "d.example|t", null);
    }

    private static double gauge(SimpleMeterRegistry registry, AlertKind kind, String tenant) {
        return registry.get(IncidentMetrics.OPEN).tag("kind", kind.code()).tag("severity", kind.severity().code())
                .tag("tenant", tenant).gauge().value();
    }

    private static double gauge(SimpleMeterRegistry registry, AlertKind kind) {
        return gauge(registry, kind, "");
    }

    private static IncidentMetrics.Series series(AlertKind kind, String tenant) {
        return new IncidentMetrics.Series(kind, tenant);
    }

    @Test
    void followsEachTasksStartChangesAndDeparture() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        IncidentMetrics metrics = new IncidentMetrics(registry, true);
        assertThat(gauge(registry, AlertKind.CERTIFICATE_EXPIRED)).as("every series from the start").isZero();
        assertThat(registry.find(IncidentMetrics.OPEN).tag("kind", "reports-stopped").gauge())
                .as("the silence check's own gauge counts those").isNull();

        metrics.started("1_0", Map.of("a.example|certificate-expired", series(AlertKind.CERTIFICATE_EXPIRED, ""),
                "b.example|certificate-expired", series(AlertKind.CERTIFICATE_EXPIRED, "")));
        metrics.started("1_1", Map.of("c.example|certificate-expired", series(AlertKind.CERTIFICATE_EXPIRED, ""),
                "c.example|validation-failure", series(AlertKind.FAILURE_SPIKE, "")));
        assertThat(gauge(registry, AlertKind.CERTIFICATE_EXPIRED)).isEqualTo(3);

        metrics.changed("1_0", "a.example|certificate-expired", incident("certificate-expired", false), null);
        assertThat(gauge(registry, AlertKind.CERTIFICATE_EXPIRED)).as("resolved").isEqualTo(2);
        metrics.changed("1_1", "d.example|starttls-not-supported", incident("starttls-unavailable", true), null);
        metrics.changed("1_1", "d.example|starttls-not-supported", incident("starttls-downgrade-suspected", true),
                null);
        assertThat(gauge(registry, AlertKind.STARTTLS_DOWNGRADE_SUSPECTED)).as("escalated").isEqualTo(1);
        assertThat(gauge(registry, AlertKind.STARTTLS_UNAVAILABLE)).as("no longer under its first kind").isZero();
        metrics.changed("1_1", "e.example|dnssec-invalid", incident("dnssec-broken", true), null);
        metrics.changed("1_1", "c.example|validation-failure", null, null);
        assertThat(gauge(registry, AlertKind.DNSSEC_BROKEN)).as("fired").isEqualTo(1);
        assertThat(gauge(registry, AlertKind.FAILURE_SPIKE)).as("forgotten by the sweep").isZero();
        metrics.changed("1_1", "f.example|x", incident("a-kind-of-a-later-version", true), null);
        metrics.changed("1_1", "g.example|never-counted", null, null);
        assertThat(gauge(registry, AlertKind.FAILURE_SPIKE)).as("a deletion of nothing counted").isZero();

        metrics.closed("1_1");
        assertThat(gauge(registry, AlertKind.CERTIFICATE_EXPIRED)).as("the task left with its incident").isEqualTo(1);
        assertThat(gauge(registry, AlertKind.DNSSEC_BROKEN)).isZero();
    }

    /**
     * A provider's dashboard shows each tenant's incidents: a tenant's series appears with its first incident, and an
     * incident counts under the tenant it fired for until it resolves, whatever the list says meanwhile.
     */
    @Test
    void countsEachTenantsIncidentsApart() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        IncidentMetrics metrics = new IncidentMetrics(registry, true);
        assertThat(registry.find(IncidentMetrics.OPEN).tag("tenant", "acme").gauges()).isEmpty();

        metrics.started("1_0", Map.of("shop.acme.example|certificate-expired",
                series(AlertKind.CERTIFICATE_EXPIRED, "acme")));
        metrics.changed("1_1", "mail.globex.example|certificate-expired", incident("certificate-expired", true),
                "globex");
        metrics.changed("1_1", "plain.example|certificate-expired", incident("certificate-expired", true), null);
        assertThat(gauge(registry, AlertKind.CERTIFICATE_EXPIRED, "acme")).isEqualTo(1);
        assertThat(gauge(registry, AlertKind.CERTIFICATE_EXPIRED, "globex")).isEqualTo(1);
        assertThat(gauge(registry, AlertKind.CERTIFICATE_EXPIRED)).as("no tenant").isEqualTo(1);
        assertThat(metrics.open(AlertKind.CERTIFICATE_EXPIRED)).as("over the tenants").isEqualTo(3);

        // resolved after the domain moved to another tenant: the count it added goes, nothing is taken from the other
        metrics.changed("1_1", "mail.globex.example|certificate-expired", incident("certificate-expired", false),
                null);
        assertThat(gauge(registry, AlertKind.CERTIFICATE_EXPIRED, "globex")).as("series kept, at 0").isZero();
        assertThat(gauge(registry, AlertKind.CERTIFICATE_EXPIRED)).isEqualTo(1);
        assertThat(gauge(registry, AlertKind.CERTIFICATE_EXPIRED, "acme")).isEqualTo(1);
    }

    /** metrics.tenant.label=false: every incident and alert counts under tenant="", one series per kind. */
    @Test
    void withoutTenantLabelsEveryTenantCountsUnderNone() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PipelineMetrics pipeline = new PipelineMetrics(registry, false);
        IncidentMetrics metrics = pipeline.incidents();
        metrics.started("1_0", Map.of("shop.acme.example|certificate-expired",
                series(AlertKind.CERTIFICATE_EXPIRED, "acme")));
        metrics.changed("1_1", "mail.globex.example|certificate-expired", incident("certificate-expired", true),
                "globex");
        assertThat(gauge(registry, AlertKind.CERTIFICATE_EXPIRED)).isEqualTo(2);
        assertThat(registry.find(IncidentMetrics.OPEN).tag("tenant", "acme").gauges()).isEmpty();
        assertThat(registry.find(IncidentMetrics.OPEN).tag("tenant", "globex").gauges()).isEmpty();
        metrics.changed("1_1", "mail.globex.example|certificate-expired", incident("certificate-expired", false),
                null);
        assertThat(gauge(registry, AlertKind.CERTIFICATE_EXPIRED)).isEqualTo(1);

        pipeline.alert("certificate-expired", "critical", "firing", "acme");
        assertThat(registry.find(PipelineMetrics.ALERTS).tag("tenant", "").counter().count()).isEqualTo(1);
        assertThat(registry.find(PipelineMetrics.ALERTS).tag("tenant", "acme").counter()).isNull();
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
