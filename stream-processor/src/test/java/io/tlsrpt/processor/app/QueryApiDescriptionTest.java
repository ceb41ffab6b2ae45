package io.tlsrpt.processor.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tlsrpt.processor.detect.Incident;
import io.tlsrpt.processor.topology.StoppedReporters;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI description of the processor's endpoints: served, and true to the code (DomainQueryIT holds two real
 * instances' answers to its schemas).
 */
class QueryApiDescriptionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void itIsServedOnTheQueriesPortWithoutAToken() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        try (HttpEndpoints http = new HttpEndpoints("127.0.0.1", 0, new PrometheusMeterRegistry(
                PrometheusConfig.DEFAULT), () -> true, () -> true, true, null)) {
            HttpResponse<String> answer = client.send(request(http, QueryApiDescription.PATH),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(JSON.readTree(answer.body())).isEqualTo(QueryApiSchemas.description());
            assertThat(client.send(request(http, QueryApiDescription.PATH + "/more"),
                    HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(404);
        }
        try (HttpEndpoints http = new HttpEndpoints("127.0.0.1", 0, new PrometheusMeterRegistry(
                PrometheusConfig.DEFAULT), () -> true, () -> true, false, null)) {
            assertThat(client.send(request(http, QueryApiDescription.PATH), HttpResponse.BodyHandlers.discarding())
                    .statusCode()).as("the queries off: nothing to describe").isEqualTo(404);
        }
    }

    private static HttpRequest request(HttpEndpoints http, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.address().getPort() + path))
                .timeout(Duration.ofSeconds(5)).build();
    }

    @Test
    void itDescribesEveryParameterAndStatusTheEndpointsKnow() {
        JsonNode description = QueryApiSchemas.description();
        assertThat(description.get("openapi").asText()).isEqualTo("3.1.0");
        assertThat(parameters(description, "/v1/incidents")).isEqualTo(withoutPartitions(IncidentQuery.PARAMETERS));
        assertThat(parameters(description, "/v1/domains")).isEqualTo(withoutPartitions(DomainListQuery.PARAMETERS));

        Set<String> statuses = new HashSet<>();
        for (String path : new String[] {"/v1/domains/{domain}", "/v1/domains", "/v1/incidents"}) {
            description.get("paths").get(path).get("get").get("responses").fieldNames().forEachRemaining(statuses::add);
        }
        assertThat(statuses).containsExactlyInAnyOrderElementsOf(QueryMetrics.STATUSES);
        description.get("components").get("schemas").fieldNames().forEachRemaining(QueryApiSchemas::schema);
    }

    private static Set<String> parameters(JsonNode description, String path) {
        Set<String> parameters = new TreeSet<>();
        description.get("paths").get(path).get("get").get("parameters")
                .forEach(p -> parameters.add(p.get("name").asText()));
        return parameters;
    }

    /** The parameters a caller gives: partitions are between instances only. */
    private static Set<String> withoutPartitions(Set<String> known) {
        Set<String> given = new TreeSet<>(known);
        given.remove("partitions");
        return given;
    }

    @Test
    void theSchemasTakeWhatTheEndpointsWriteAndRefuseWhatTheyDoNot() throws Exception {
        Incident open = new Incident("1449e04e327b834c14982e5876e38cbf", "certificate-expired", true, 0, 0, 10, 10,
                0, "certificate-expired", "example.com|certificate-expired", null);
        Incident resolved = new Incident("2449e04e327b834c14982e5876e38cbf", "failure-spike", false, 0, 0, 10, 10,
                86_400_000L, "failure-spike", "example.com|validation-failure", null);
        ObjectNode detector = DomainStateJson.incident(JSON.createObjectNode(), "certificate-expired", open,
                List.of("mx1.example.com", "mx2.example.com"));
        ObjectNode done = DomainStateJson.incident(JSON.createObjectNode(), "validation-failure", resolved, List.of());
        ObjectNode stopped = DomainStateJson.stopped(JSON.createObjectNode(), new StoppedReporters.Stopped(
                "example.com", "Google Inc.", "3449e04e327b834c14982e5876e38cbf", Instant.parse(
                        "2026-11-26T00:00:00Z")));
        for (ObjectNode incident : new ObjectNode[] {detector, done, stopped}) {
            QueryApiSchemas.assertConforms("DomainIncident", incident);
            ObjectNode listed = incident.deepCopy().put("policy_domain", "example.com").put("served_by", "h:1");
            listed.putNull("tenant");
            QueryApiSchemas.assertConforms("ListedIncident", listed);
            if (incident != stopped) {   // the detector's: where its failures were, if known
                assertThat(QueryApiSchemas.schema("DomainIncident").validate(incident.deepCopy().without(
                        "receiving_mx"))).as("a detector's incident says where its failures were").isNotEmpty();
            }
            assertThat(QueryApiSchemas.schema("DomainIncident").validate(listed))
                    .as("a domain's incidents do not repeat its name").isNotEmpty();
        }
        assertThat(QueryApiSchemas.schema("DomainIncident").validate(detector.deepCopy().put("new_field", 1)))
                .as("a field the description does not have").isNotEmpty();
        assertThat(QueryApiSchemas.schema("DomainIncident").validate(stopped.deepCopy().put("kind", "failure-spike")))
                .as("a reporter stopped is of kind reports-stopped").isNotEmpty();
        QueryApiSchemas.assertConforms("Error", JSON.readTree(DomainStateJson.error("no reports about x.example")));
    }
}
