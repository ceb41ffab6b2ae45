package io.tlsrpt.cli.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsrpt.notify.AlertRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The fold by alert id, and the filter it is shown through. */
class OpenIncidentsTest {

    private static final AlertFilter ALL = new AlertFilter(Set.of(), Set.of(), Set.of(), null, Set.of());

    @Test
    void anIncidentIsOpenWithItsLatestEventUntilResolvedMostSevereThenNewestFirst() throws Exception {
        OpenIncidents incidents = new OpenIncidents();
        incidents.apply(event(0, "a", "firing", "warning", "a.example", "2026-11-20T10:00:00Z"));
        incidents.apply(event(1, "b", "firing", "critical", "b.example", "2026-11-20T11:00:00Z"));
        incidents.apply(event(2, "c", "firing", "warning", "c.example", "2026-11-20T12:00:00Z"));
        incidents.apply(event(3, "a", "firing", "critical", "a.example", "2026-11-20T13:00:00Z"));   // escalated
        incidents.apply(event(4, "d", "firing", "info", "d.example", "2026-11-20T14:00:00Z"));
        incidents.apply(event(5, "d", "resolved", "info", "d.example", "2026-11-21T09:00:00Z"));

        assertThat(incidents.size()).isEqualTo(3);
        assertThat(incidents.open(ALL)).extracting(AlertEvent::offset).containsExactly(3L, 1L, 2L);
        // judged by the latest event: a escalated to critical, d resolved
        assertThat(incidents.open(new AlertFilter(Set.of(), Set.of(), Set.of("warning"), null, Set.of())))
            .extracting(AlertEvent::offset).containsExactly(2L);
        assertThat(incidents.open(new AlertFilter(Set.of(), Set.of(), Set.of("info"), null, Set.of()))).isEmpty();
    }

    @Test
    void aDomainMatchesItselfAndItsSubdomainsCaseAndTrailingDotAside() throws Exception {
        AlertFilter filter = new AlertFilter(Set.of("Example.COM."), Set.of(), Set.of(), null, Set.of());
        assertThat(filter.matches(alert("example.com", "critical", "2026-11-20T10:00:00Z"))).isTrue();
        assertThat(filter.matches(alert("mail.example.com", "critical", "2026-11-20T10:00:00Z"))).isTrue();
        assertThat(filter.matches(alert("notexample.com", "critical", "2026-11-20T10:00:00Z"))).isFalse();
        assertThat(filter.matches(alert("example.com.au", "critical", "2026-11-20T10:00:00Z"))).isFalse();
    }

    @Test
    void kindSeverityAndSinceMatchExactlyAndAnAlertWithoutATimeIsNotKeptBySince() throws Exception {
        Instant since = Instant.parse("2026-11-20T10:00:00Z");
        AlertFilter filter = new AlertFilter(Set.of(), Set.of("Certificate-Expired"), Set.of("CRITICAL"), since,
            Set.of());
        assertThat(filter.matches(alert("x.example", "critical", "2026-11-20T10:00:00Z"))).isTrue();
        assertThat(filter.matches(alert("x.example", "critical", "2026-11-20T09:59:59Z"))).isFalse();
        assertThat(filter.matches(alert("x.example", "warning", "2026-11-20T11:00:00Z"))).isFalse();
        assertThat(filter.matches(alert("x.example", "critical", null))).isFalse();
        assertThat(new AlertFilter(Set.of(), Set.of("failure-spike"), Set.of(), null, Set.of())
            .matches(alert("x.example", "critical", "2026-11-20T11:00:00Z"))).isFalse();
    }

    @Test
    void aTenantMatchesExactlyAndAnAlertWithoutOneMatchesNoTenant() throws Exception {
        AlertFilter acme = new AlertFilter(Set.of(), Set.of(), Set.of(), null, Set.of("acme"));
        String json = json("id", "firing", "critical", "x.example", null);
        assertThat(acme.matches(AlertRecord.parse(json.replace("}", ",\"tenant\":\"acme\"}")
            .getBytes(StandardCharsets.UTF_8)))).isTrue();
        assertThat(acme.matches(AlertRecord.parse(json.replace("}", ",\"tenant\":\"acme-2\"}")
            .getBytes(StandardCharsets.UTF_8)))).isFalse();
        assertThat(acme.matches(alert("x.example", "critical", null))).isFalse();
        assertThat(ALL.matches(alert("x.example", "critical", null))).isTrue();
    }

    /** The alerts of every domain a shared MX host fails for, by the host or the domain of its hosts. */
    @Test
    void anMxHostMatchesTheAlertsWhoseFailuresWereAtItOrBelowIt() throws Exception {
        String json = json("shared", "firing", "critical", "customer.example", null);
        AlertRecord atShared = AlertRecord.parse(json.replace("}",
            ",\"top_receiving_mx\":[\"mx2.customer.example\",\"MX1.Provider.Example\"]}").getBytes(StandardCharsets.UTF_8));
        AlertRecord atOwn = AlertRecord.parse(json.replace("\"shared\"", "\"own\"").replace("}", ",\"top_receiving_mx\":[\"mx.customer.example\"]}")
            .getBytes(StandardCharsets.UTF_8));
        AlertFilter host = new AlertFilter(Set.of(), Set.of(), Set.of(), null, Set.of(),
            Set.of("mx1.provider.example."));
        AlertFilter provider = new AlertFilter(Set.of(), Set.of(), Set.of(), null, Set.of(), Set.of("provider.example"));
        assertThat(host.matches(atShared)).isTrue();
        assertThat(provider.matches(atShared)).isTrue();
        assertThat(provider.matches(atOwn)).isFalse();
        assertThat(provider.matches(alert("customer.example", "critical", null))).as("no MX host named").isFalse();
        assertThat(new AlertFilter(Set.of(), Set.of(), Set.of(), null, Set.of(), Set.of("other-provider.example"))
            .matches(atShared)).isFalse();
        // the resolution of an incident that matched names no MX host: it matches too, another incident's not
        String resolved = json("shared", "resolved", "critical", "customer.example", null);
        assertThat(provider.matches(AlertRecord.parse(resolved.getBytes(StandardCharsets.UTF_8)))).isTrue();
        assertThat(host.matches(AlertRecord.parse(resolved.replace("\"shared\"", "\"other\"")
            .getBytes(StandardCharsets.UTF_8)))).isFalse();
    }

    /** "Is it over at that host since this morning?": the incident fired before the morning, its resolution after. */
    @Test
    void theResolutionSinceATimeOfAnIncidentThatFiredAtTheHostBeforeItMatches() throws Exception {
        AlertFilter sinceMorning = new AlertFilter(Set.of(), Set.of(), Set.of(), Instant.parse("2026-11-21T06:00:00Z"),
            Set.of(), Set.of("mx1.provider.example"));
        AlertRecord fired = AlertRecord.parse(json("shared", "firing", "critical", "customer.example",
            "2026-11-20T10:00:00Z").replace("}", ",\"top_receiving_mx\":[\"mx1.provider.example\"]}")
            .getBytes(StandardCharsets.UTF_8));
        AlertRecord resolved = AlertRecord.parse(json("shared", "resolved", "critical", "customer.example",
            "2026-11-21T09:00:00Z").getBytes(StandardCharsets.UTF_8));

        assertThat(sinceMorning.matches(fired)).as("before --since").isFalse();
        assertThat(sinceMorning.matches(resolved)).as("its resolution names no host, but the incident was at it")
            .isTrue();
    }

    private static AlertEvent event(long offset, String id, String status, String severity, String domain,
                                    String detectedAt) throws Exception {
        String json = json(id, status, severity, domain, detectedAt);
        return new AlertEvent(0, offset, 0L, AlertRecord.parse(json.getBytes(StandardCharsets.UTF_8)), json);
    }

    private static AlertRecord alert(String domain, String severity, String detectedAt) throws Exception {
        return AlertRecord.parse(json("id", "firing", severity, domain, detectedAt).getBytes(StandardCharsets.UTF_8));
    }

    private static String json(String id, String status, String severity, String domain, String detectedAt) {
        return "{\"alert_id\":\"" + id + "\",\"status\":\"" + status + "\",\"kind\":\"certificate-expired\","
            + "\"severity\":\"" + severity + "\",\"policy_domain\":\"" + domain + "\","
            + "\"result_type\":\"certificate-expired\""
            + (detectedAt == null ? "" : ",\"detected_at\":\"" + detectedAt + "\"") + "}";
    }
}
