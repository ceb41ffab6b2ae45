package io.tlsrpt.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertMapperTest {

    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");
    private final AlertMapper mapper = new AlertMapper(Map.of("team", "mail"));

    @Test
    void firingAlertCarriesTheIdentityLabelsAndNoEnd() throws Exception {
        AlertRecord record = AlertJson.firing("a-1").parsed();

        PostableAlert alert = mapper.map(record, record.detectedAt(), NOW);

        assertThat(alert.labels()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "alertname", "starttls-downgrade-suspected",
                "severity", "critical",
                "policy_domain", "example.org",
                "result_type", "starttls-not-supported",
                "source", "tlsrpt",
                "alert_id", "a-1",
                "receiving_mx", "mx1.example.org",
                "team", "mail"));
        assertThat(alert.startsAt()).isEqualTo(Instant.parse("2026-11-27T09:30:00Z"));
        assertThat(alert.endsAt()).isNull();
        assertThat(alert.firing()).isTrue();
    }

    /** A shared MX host failing for many domains groups them in Alertmanager: the label is the same for each. */
    @Test
    void theMxHostsFailedAtAreOneLabelInOneOrder() throws Exception {
        assertThat(mapper.labels(AlertJson.firing("m-1").withList("top_receiving_mx", "mx2.provider.example",
                "MX1.provider.example", "mx2.provider.example").parsed())).containsEntry("receiving_mx",
                "mx1.provider.example,mx2.provider.example");
        assertThat(mapper.labels(AlertJson.firing("m-2").with("policy_domain", "customer.example")
                .withList("top_receiving_mx", "mx1.provider.example", "mx2.provider.example").parsed()))
                .containsEntry("receiving_mx", "mx1.provider.example,mx2.provider.example");
        assertThat(mapper.labels(AlertJson.firing("m-3").withList("top_receiving_mx").parsed()))
                .as("no MX host named: no label").doesNotContainKey("receiving_mx");
    }

    @Test
    void descriptionNamesWindowCountsBaselineReportersIpsMxAndWhatToCheck() throws Exception {
        PostableAlert alert = mapper.map(AlertJson.firing("a-1").parsed(), NOW, NOW);

        String description = alert.annotations().get("description");
        assertThat(description)
                .contains("2026-11-27T00:00:00Z to 2026-11-28T00:00:00Z")
                .contains("120 of 4000 sessions to example.org failed with starttls-not-supported (3%)")
                .contains("baseline 0.5 expected failures, score 41.25")
                .contains("Reporters: google.com, microsoft.com")
                .contains("Top sending IPs: 203.0.113.7, 198.51.100.20")
                .contains("Top receiving MX: mx1.example.org")
                .contains("Check first: STARTTLS may be stripped");
        assertThat(alert.annotations()).containsEntry("summary",
                        "STARTTLS downgrade suspected on example.org: 120 of 4000 sessions without STARTTLS")
                .containsEntry("failed_sessions", "120")
                .containsEntry("total_sessions", "4000")
                .containsEntry("window_start", "2026-11-27T00:00:00Z")
                .doesNotContainKey("judged_reporter")
                .as("no link without domain.url").doesNotContainKey("domain_url");
    }

    @Test
    void theDomainLinkWhenConfigured() throws Exception {
        AlertMapper linking = new AlertMapper(Map.of(), "https://tlsrpt.example.net/v1/domains/{policy_domain}?days=17");
        PostableAlert alert = linking.map(AlertJson.firing("a-1").parsed(), NOW, NOW);
        assertThat(alert.annotations()).containsEntry("domain_url",
                "https://tlsrpt.example.net/v1/domains/example.org?days=17");
    }

    /** A provider's link per customer: the tenant in the link, and no link for a domain without a tenant. */
    @Test
    void theDomainLinkCanNameTheTenant() throws Exception {
        AlertMapper linking = new AlertMapper(Map.of(), "https://portal.example.net/{tenant}/tls/{policy_domain}");
        assertThat(linking.map(AlertJson.firing("a-1").with("tenant", "acme").parsed(), NOW, NOW).annotations())
                .containsEntry("domain_url", "https://portal.example.net/acme/tls/example.org");
        assertThat(linking.map(AlertJson.firing("a-2").parsed(), NOW, NOW).annotations())
                .as("no tenant, no link into a tenant's pages").doesNotContainKey("domain_url");
    }

    /** The counted sessions of a policy no longer enforced did not fail: the description and first check say so. */
    @Test
    void aPolicyNoLongerEnforcedIsDescribedAsSuchNotAsFailures() throws Exception {
        AlertRecord record = AlertJson.firing("p-1").with("kind", "tls-policy-not-enforced").with("severity", "warning")
                .with("result_type", "policy-not-enforced").with("summary", "").withList("top_sending_ips").parsed();
        PostableAlert alert = mapper.map(record, NOW, NOW);

        assertThat(alert.labels()).containsEntry("alertname", "tls-policy-not-enforced")
                .containsEntry("result_type", "policy-not-enforced");
        assertThat(alert.annotations().get("summary")).isEqualTo("tls-policy-not-enforced on example.org: 120 of 4000"
                + " sessions were delivered under no enforced policy");
        assertThat(alert.annotations().get("description"))
                .contains("120 of 4000 sessions to example.org were delivered under no enforced policy (3%)")
                .doesNotContain("failed with");
        assertThat(alert.annotations().get("first_check")).contains("_mta-sts.example.org")
                .contains("https://mta-sts.example.org/.well-known/mta-sts.txt still says mode: enforce");
    }

    /** Fired by one reporter's own failures: the counts are that reporter's, and the description says so. */
    @Test
    void anAlertJudgedOnOneReporterNamesItInTheDescriptionAndAnAnnotation() throws Exception {
        PostableAlert alert = mapper.map(AlertJson.firing("a-2").with("judged_reporter", "google.com").parsed(),
                NOW, NOW);
        assertThat(alert.annotations().get("description"))
                .contains("120 of 4000 sessions to example.org reported by google.com failed with starttls-not-supported");
        assertThat(alert.annotations()).containsEntry("judged_reporter", "google.com");
    }

    /** The domain's tenant is a label to route on; it replaces a static tenant label, which stays for the others. */
    @Test
    void theTenantOfTheDomainIsALabel() throws Exception {
        AlertMapper withStaticTenant = new AlertMapper(Map.of("tenant", "provider-ops", "cluster", "eu1"));
        assertThat(withStaticTenant.map(AlertJson.firing("t-1").with("tenant", "acme").parsed(), NOW, NOW).labels())
                .containsEntry("tenant", "acme").containsEntry("cluster", "eu1");
        assertThat(withStaticTenant.map(AlertJson.firing("t-2").parsed(), NOW, NOW).labels())
                .as("a domain the list gives no tenant").containsEntry("tenant", "provider-ops");
        assertThat(mapper.map(AlertJson.firing("t-3").parsed(), NOW, NOW).labels()).doesNotContainKey("tenant");
    }

    @Test
    void resolvedAlertEndsAtItsDetectionButNeverInTheFuture() throws Exception {
        AlertRecord resolved = AlertJson.resolved("a-1").detectedAt(Instant.parse("2026-11-27T09:45:00Z")).parsed();
        PostableAlert ended = mapper.map(resolved, Instant.parse("2026-11-27T09:30:00Z"), NOW);
        assertThat(ended.endsAt()).isEqualTo(Instant.parse("2026-11-27T09:45:00Z"));
        assertThat(ended.firing()).isFalse();
        assertThat(ended.annotations().get("description")).startsWith("Resolved: back to normal.");

        AlertRecord fromTheFuture = AlertJson.resolved("a-1").detectedAt(NOW.plusSeconds(3600)).parsed();
        assertThat(mapper.map(fromTheFuture, NOW.minusSeconds(60), NOW).endsAt()).isEqualTo(NOW);
    }

    @Test
    void startIsNeverAfterNowNorAfterTheEnd() throws Exception {
        AlertRecord firing = AlertJson.firing("a-1").parsed();
        assertThat(mapper.map(firing, NOW.plusSeconds(60), NOW).startsAt()).isEqualTo(NOW);

        AlertRecord resolved = AlertJson.resolved("a-1").detectedAt(NOW.minusSeconds(600)).parsed();
        PostableAlert ended = mapper.map(resolved, NOW.minusSeconds(60), NOW);
        assertThat(ended.endsAt()).isAfterOrEqualTo(ended.startsAt());
    }

    /** A reporter that stopped sending reports: no sessions, baseline or hosts to describe. */
    @Test
    void aReportsStoppedAlertIsDescribedAsASilenceWithTheRecordToCheck() throws Exception {
        AlertJson stopped = AlertJson.firing("s-1").with("kind", "reports-stopped").with("severity", "warning")
                .with("result_type", "none").with("failed_sessions", 0).with("total_sessions", 0)
                .withList("reporters", "Google Inc.").withList("top_sending_ips").withList("top_receiving_mx")
                .with("window_start", "2026-11-22T00:00:00Z").with("window_end", "2026-11-23T00:00:00Z")
                .with("summary", "reports-stopped on example.org: no TLS-RPT report from Google Inc. since the one"
                        + " for the window starting 2026-11-22T00:00:00Z");
        PostableAlert alert = mapper.map(stopped.parsed(), NOW, NOW);
        assertThat(alert.labels()).containsEntry("alertname", "reports-stopped").containsEntry("result_type", "none")
                .as("the reporter, by which the example route groups a reporter that stopped everywhere")
                .containsEntry("reporter", "Google Inc.");
        String description = alert.annotations().get("description");
        assertThat(description)
                .startsWith("reports-stopped on example.org: no TLS-RPT report from Google Inc.")
                .contains("Report window 2026-11-22T00:00:00Z to 2026-11-23T00:00:00Z")
                .contains("Reporter: Google Inc.")
                .contains("Check first: Check that _smtp._tls.example.org still publishes a TLSRPTv1 record")
                .doesNotContain("sessions", "baseline", "Top sending IPs");
        assertThat(alert.annotations().get("first_check")).contains("dig TXT _smtp._tls.example.org");

        PostableAlert resolved = mapper.map(AlertJson.resolved("s-1").with("kind", "reports-stopped")
                .with("severity", "warning").with("result_type", "none")
                .with("summary", "").withList("reporters", "Google Inc.").withList("top_receiving_mx").parsed(),
                NOW, NOW);
        assertThat(resolved.annotations().get("description"))
                .startsWith("Resolved. reports-stopped on example.org: no report from Google Inc.");
        assertThat(resolved.labels()).as("the resolution is the same Alertmanager alert")
                .isEqualTo(alert.labels());
    }

    /** tlsrpt watch's alerts count no sessions: their window is from the first check that found it to the last. */
    @Test
    void anAlertOfTheWatchIsDescribedAsItsCheckNotAsSessions() throws Exception {
        AlertJson uncovered = AlertJson.firing("w-1").with("kind", "mta-sts-mx-not-covered")
                .with("severity", "critical").with("result_type", "validation-failure").with("failed_sessions", 0)
                .with("total_sessions", 0).withList("reporters", "tlsrpt watch").withList("top_sending_ips")
                .withList("top_receiving_mx", "mx2.example.org")
                .with("window_start", "2026-11-27T09:00:00Z").with("window_end", "2026-11-27T09:15:00Z")
                .with("summary", "mta-sts-mx-not-covered on example.org (found by tlsrpt watch): MX host(s) "
                        + "mx2.example.org match no mx: line");
        PostableAlert alert = mapper.map(uncovered.parsed(), NOW, NOW);

        String description = alert.annotations().get("description");
        assertThat(description)
                .startsWith("mta-sts-mx-not-covered on example.org (found by tlsrpt watch)")
                .contains("Found by tlsrpt watch's checks of the published DNS records and MTA-STS policy, not by "
                        + "reports: since 2026-11-27T09:00:00Z, checked 2026-11-27T09:15:00Z")
                .contains("MX hosts: mx2.example.org")
                .contains("Check first: Compare the MX records of example.org (dig MX example.org)")
                .doesNotContain("sessions", "baseline", "Top sending IPs");
        assertThat(alert.labels()).containsEntry("alertname", "mta-sts-mx-not-covered")
                .doesNotContainKey("reporter");

        PostableAlert broken = mapper.map(AlertJson.firing("w-2").with("kind", "tlsrpt-record-broken")
                .with("severity", "warning").with("result_type", "tlsrpt-record-missing")
                .withList("reporters", "tlsrpt watch").parsed(), NOW, NOW);
        assertThat(broken.annotations().get("first_check")).contains("dig TXT _smtp._tls.example.org");
        PostableAlert staleId = mapper.map(AlertJson.firing("w-3").with("kind", "mta-sts-id-unchanged")
                .with("severity", "warning").with("result_type", "mta-sts-id-unchanged")
                .withList("reporters", "tlsrpt watch").parsed(), NOW, NOW);
        assertThat(staleId.annotations().get("first_check")).contains("dig TXT _mta-sts.example.org",
                "publish a new id");
        PostableAlert resolved = mapper.map(AlertJson.resolved("w-1").with("kind", "mta-sts-mx-not-covered")
                .with("severity", "critical").with("result_type", "validation-failure")
                .withList("reporters", "tlsrpt watch").parsed(), NOW, NOW);
        assertThat(resolved.annotations().get("description")).startsWith("Resolved. ");
    }

    @Test
    void summaryFallsBackToTheFiguresWhenMissing() throws Exception {
        AlertRecord record = AlertJson.firing("a-1").with("summary", "").with("kind", "failure-spike")
                .with("result_type", "certificate-expired").parsed();
        PostableAlert alert = mapper.map(record, NOW, NOW);
        assertThat(alert.annotations().get("summary"))
                .isEqualTo("failure-spike on example.org: 120 of 4000 sessions failed with certificate-expired");
        assertThat(alert.annotations().get("first_check")).contains("expiry of the certificates");
    }

    @Test
    void jsonBodyIsAlertmanagerV2PostableAlerts() throws Exception {
        AlertRecord firing = AlertJson.firing("a-1").parsed();
        AlertRecord resolved = AlertJson.resolved("a-2").parsed();
        byte[] body = AlertMapper.toJson(List.of(
                mapper.map(firing, Instant.parse("2026-11-27T09:30:00.123456Z"), NOW),
                mapper.map(resolved, Instant.parse("2026-11-27T09:00:00Z"), NOW)));

        JsonNode array = new ObjectMapper().readTree(new String(body, StandardCharsets.UTF_8));
        assertThat(array.isArray()).isTrue();
        assertThat(array).hasSize(2);
        assertThat(array.get(0).get("labels").get("alert_id").asText()).isEqualTo("a-1");
        assertThat(array.get(0).get("startsAt").asText()).isEqualTo("2026-11-27T09:30:00.123Z");
        assertThat(array.get(0).has("endsAt")).isFalse();
        assertThat(array.get(1).get("endsAt").asText()).isEqualTo("2026-11-27T09:30:00Z");
        assertThat(array.get(1).get("annotations").get("description").asText()).contains("Resolved");
    }

    @Test
    void parsingRejectsWhatIsNotAnAlertWithAReason() {
        assertThatThrownBy(() -> AlertRecord.parse("not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(AlertRecord.InvalidAlertException.class).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> AlertRecord.parse(null))
                .isInstanceOf(AlertRecord.InvalidAlertException.class).hasMessageContaining("tombstone");
        assertThatThrownBy(() -> AlertRecord.parse("[1]".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> AlertJson.firing("a").with("status", "pending").parsed())
                .hasMessageContaining("status must be firing or resolved");
        assertThatThrownBy(() -> AlertJson.firing("").parsed()).hasMessageContaining("alert_id");
        assertThatThrownBy(() -> AlertJson.firing("a").with("detected_at", "yesterday").parsed())
                .hasMessageContaining("detected_at is not an ISO-8601 instant");
        assertThatThrownBy(() -> AlertRecord.parse(new byte[AlertRecord.MAX_BYTES + 1]))
                .hasMessageContaining("exceeds");
    }

    @Test
    void parsingToleratesEpochMillisUnknownFieldsAndLongLists() throws Exception {
        StringBuilder ips = new StringBuilder("[");
        for (int i = 0; i < 60; i++) {
            ips.append(i == 0 ? "" : ",").append("\"192.0.2.").append(i).append('"');
        }
        String json = AlertJson.firing("a-1").json().replace("\"top_sending_ips\":[\"203.0.113.7\",\"198.51.100.20\"]",
                "\"top_sending_ips\":" + ips + "]").replace("\"detected_at\":\"2026-11-27T09:30:00Z\"",
                "\"detected_at\":1795771800000,\"new_field\":{\"x\":1}");
        AlertRecord record = AlertRecord.parse(json.getBytes(StandardCharsets.UTF_8));
        assertThat(record.detectedAt()).isEqualTo(Instant.ofEpochMilli(1795771800000L));
        assertThat(record.topSendingIps()).hasSize(AlertRecord.MAX_LIST + 1).endsWith("(+10 more)");
    }
}
