package io.tlsrpt.cli.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tlsrpt.processor.served.ServedDomains;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class WatchMetricsTest {

    private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");

    /** A clock the test moves. */
    private static final class Moving extends Clock {
        Instant now = T0;

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static PolicyPosture posture(String domain, String tlsrpt, String dane) {
        return new PolicyPosture(domain, T0, tlsrpt, List.of(), null, "enforce", "1", null, 86400L,
            List.of("*." + domain), List.of(), null, dane, List.of(), false, null, null);
    }

    @Test
    void aRoundCountsItsChecksAlertsAndOpenIncidents() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Moving clock = new Moving();
        WatchMetrics metrics = new WatchMetrics(registry, Duration.ofMinutes(15), clock);
        WatchStep broken = WatchStep.apply(null, posture("a.example", "missing", "none"));
        WatchStep outage = WatchStep.apply(null, posture("b.example", "dns-error", "none"));
        metrics.checked(broken);
        metrics.checked(outage);
        metrics.checkFailed();
        clock.now = T0.plusSeconds(42);
        metrics.published(List.of(broken, outage), List.of(broken.next(), outage.next()), ServedDomains.ALL, 3,
            Duration.ofSeconds(2));

        String scrape = registry.scrape();
        assertThat(scrape).contains("tlsrpt_watch_rounds_total{outcome=\"published\"} 1.0",
            "tlsrpt_watch_rounds_total{outcome=\"failed\"} 0.0",
            "tlsrpt_watch_checks_total{outcome=\"complete\"} 1.0",
            "tlsrpt_watch_checks_total{outcome=\"lookup-failure\"} 1.0",
            "tlsrpt_watch_checks_total{outcome=\"failed\"} 1.0",
            "tlsrpt_watch_domains 3.0",
            "tlsrpt_watch_interval_seconds 900.0",
            "tlsrpt_watch_last_published_round_timestamp_seconds " + (T0.getEpochSecond() + 42) / 1e9 + "E9",
            "tlsrpt_watch_alerts_total{kind=\"tlsrpt-record-broken\",severity=\"warning\",status=\"firing\","
                + "tenant=\"\"} 1.0",
            "tlsrpt_watch_incidents_open{kind=\"tlsrpt-record-broken\",severity=\"warning\",tenant=\"\"} 1.0",
            "tlsrpt_watch_incidents_open{kind=\"dnssec-broken\",severity=\"critical\",tenant=\"\"} 0.0",
            "tlsrpt_watch_round_duration_seconds_count 1");
        assertThat(scrape).as("only the kinds the watch raises").doesNotContain("kind=\"starttls-downgrade-suspected\"");

        // an alert stamped with its domain's tenant (the domains file's tenant=) counts under it
        WatchStep tenants = WatchStep.apply(null, posture("c.example", "missing", "none"));
        WatchStep stamped = new WatchStep(tenants.next(), tenants.alerts().stream()
            .map(a -> io.tlsrpt.schema.Alert.newBuilder(a).setTenant("acme").build()).toList(), tenants.changes(),
            tenants.unknownParts());
        ServedDomains acme = ServedDomains.of(List.of("c.example tenant=acme"));
        metrics.published(List.of(stamped), List.of(broken.next(), outage.next(), stamped.next()), acme, 3,
            Duration.ofSeconds(2));
        assertThat(registry.scrape()).contains("tlsrpt_watch_alerts_total{kind=\"tlsrpt-record-broken\","
            + "severity=\"warning\",status=\"firing\",tenant=\"acme\"} 1.0",
            "tlsrpt_watch_incidents_open{kind=\"tlsrpt-record-broken\",severity=\"warning\",tenant=\"acme\"} 1.0",
            "tlsrpt_watch_incidents_open{kind=\"tlsrpt-record-broken\",severity=\"warning\",tenant=\"\"} 1.0");

        // the tenant's incident resolved: its series stays, at 0
        metrics.published(List.of(), List.of(broken.next(), outage.next()), acme, 2, Duration.ofSeconds(2));
        assertThat(registry.scrape()).contains(
            "tlsrpt_watch_incidents_open{kind=\"tlsrpt-record-broken\",severity=\"warning\",tenant=\"acme\"} 0.0");
    }

    @Test
    void healthyWhileRoundsArePublishedWithinThreeIntervals() {
        Moving clock = new Moving();
        WatchMetrics metrics = new WatchMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            Duration.ofMinutes(15), clock);

        assertThat(metrics.healthy()).as("starting").isTrue();
        clock.now = T0.plus(Duration.ofMinutes(46));
        assertThat(metrics.healthy()).as("no round for three intervals since the start").isFalse();
        metrics.published(List.of(), List.of(), ServedDomains.ALL, 1, Duration.ofSeconds(1));
        assertThat(metrics.healthy()).isTrue();
        metrics.failed();
        clock.now = clock.now.plus(Duration.ofMinutes(44));
        assertThat(metrics.healthy()).as("failed rounds, but the last published is recent enough").isTrue();
        clock.now = clock.now.plus(Duration.ofMinutes(2));
        assertThat(metrics.healthy()).isFalse();
    }
}
