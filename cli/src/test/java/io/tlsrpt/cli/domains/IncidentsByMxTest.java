package io.tlsrpt.cli.domains;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code tlsrpt incidents --by-mx}: a whole list summed by MX host (DomainCommandIT asks a real processor). */
class IncidentsByMxTest {

    private static String incident(String domain, String kind, String severity, String... hosts) {
        return "{\"policy_domain\":\"" + domain + "\",\"tenant\":null,\"alert_id\":\"" + domain + kind + "\","
            + "\"status\":\"firing\",\"kind\":\"" + kind + "\",\"severity\":\"" + severity + "\",\"result_type\":\""
            + kind + "\",\"receiving_mx\":[" + String.join(",", java.util.Arrays.stream(hosts)
                .map(h -> "\"" + h + "\"").toList()) + "]}";
    }

    @Test
    void theHostsFailingForTheMostDomainsComeFirstWithTheirDomainsKindsAndSeverities() throws Exception {
        StringBuilder incidents = new StringBuilder();
        for (int i = 1; i <= 7; i++) {
            incidents.append(incident("customer" + i + ".example", "certificate-expired", "critical",
                "mx1.provider.example", "mx2.provider.example")).append(',');
        }
        incidents.append(incident("customer1.example", "starttls-not-supported", "warning", "mx2.provider.example"))
            .append(',').append(incident("own.example", "certificate-expired", "critical", "MX.own.example."))
            .append(',').append(incident("lone.example", "failure-spike", "warning", "mx.lone.example"))
            .append(',').append("{\"policy_domain\":\"quiet.example\",\"alert_id\":\"s1\",\"status\":\"firing\","
                + "\"kind\":\"reports-stopped\",\"severity\":\"warning\",\"result_type\":\"none\","
                + "\"reporter\":\"Google Inc.\",\"last_report_window_start\":\"2026-11-26T00:00:00Z\"}");
        JsonNode list = new ObjectMapper().readTree("{\"as_of\":\"2026-12-04T15:00:00Z\",\"status\":\"open\","
            + "\"tenant\":null,\"domain\":null,\"mx\":null,\"count\":11,\"incidents\":[" + incidents + "]}");

        JsonNode byMx = IncidentsByMx.of(list);

        assertThat(byMx.path("count").asInt()).isEqualTo(11);
        assertThat(byMx.path("without_host").asInt()).as("the reporter that stopped").isEqualTo(1);
        assertThat(byMx.path("hosts")).extracting(h -> h.path("host").asText()).as(
            "most domains first (mx2: 7 domains, 8 incidents); then the most severe; then by name; one spelling")
            .containsExactly(
                "mx1.provider.example", "mx2.provider.example", "mx.own.example", "mx.lone.example");
        JsonNode mx2 = byMx.path("hosts").get(1);
        assertThat(mx2.path("domains").asInt()).isEqualTo(7);
        assertThat(mx2.path("incidents").asInt()).isEqualTo(8);
        assertThat(mx2.path("severities").toString()).isEqualTo("{\"critical\":7,\"warning\":1}");
        assertThat(mx2.path("kinds").toString()).isEqualTo("{\"certificate-expired\":7,\"starttls-not-supported\":1}");
        assertThat(mx2.path("policy_domains")).hasSize(7);

        StringWriter text = new StringWriter();
        IncidentsByMx.print(byMx, new PrintWriter(text, true));
        assertThat(text.toString().lines().toList()).containsExactly(
            "4 MX hosts of 11 open incidents, the most domains first, as of 2026-12-04T15:00:00Z",
            "  mx1.provider.example: 7 domains, 7 incidents (critical 7): certificate-expired 7",
            "      customer1.example, customer2.example, customer3.example, customer4.example, customer5.example "
                + "and 2 more",
            "  mx2.provider.example: 7 domains, 8 incidents (critical 7, warning 1): certificate-expired 7, "
                + "starttls-not-supported 1",
            "      customer1.example, customer2.example, customer3.example, customer4.example, customer5.example "
                + "and 2 more",
            "  mx.own.example: 1 domain, 1 incident (critical 1): certificate-expired 1",
            "      own.example",
            "  mx.lone.example: 1 domain, 1 incident (warning 1): failure-spike 1",
            "      lone.example",
            "  1 incident naming no MX host (a reporter that stopped, or no host reported)");
    }

    @Test
    void anEmptyListHasNoHost() throws Exception {
        JsonNode byMx = IncidentsByMx.of(new ObjectMapper().readTree(
            "{\"as_of\":\"2026-12-04T15:00:00Z\",\"status\":\"all\",\"incidents\":[]}"));
        StringWriter text = new StringWriter();
        IncidentsByMx.print(byMx, new PrintWriter(text, true));
        assertThat(text.toString().lines().toList()).containsExactly(
            "0 MX hosts of 0 incidents, the most domains first, as of 2026-12-04T15:00:00Z");
    }
}
