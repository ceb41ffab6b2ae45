package io.tlsrpt.processor.topology;

import static io.tlsrpt.processor.topology.ReportFixtures.failure;
import static io.tlsrpt.processor.topology.ReportFixtures.report;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.tlsrpt.processor.detect.AlertKind;
import io.tlsrpt.processor.detect.SilenceSettings;
import io.tlsrpt.schema.AlertJsonSchema;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * What the topology writes to {@code tlsrpt.alerts.json} validates against the JSON Schema published for it
 * ({@link AlertJsonSchema}): a spike firing and resolved, a reporter stopped and back. The schema lists every kind
 * the code knows.
 */
class AlertJsonSchemaConformanceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyAlertTheTopologyWritesValidates() throws Exception {
        Schema schema;
        try (InputStream in = AlertJsonSchema.open()) {
            schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
        }
        Duration check = SilenceSettings.defaults().checkInterval();
        try (TopologyFixture f = new TopologyFixture()) {
            for (int day = 19; day <= 25; day++) {
                f.send(report("Google Inc.", "g-" + day, day).policy("shop.example", 1000,
                        failure("validation-failure", 1, "192.0.2.9", null)), day);
                f.send(report("Yahoo", "y-" + day, day).policy("shop.example", 300), day);
            }
            f.send(report("Google Inc.", "g-26", 26).policy("shop.example", 600,
                    failure("certificate-expired", 400, "192.0.2.1", "mx1.shop.example")), 26);
            f.send(report("Google Inc.", "g-27", 27).policy("shop.example", 1000), 27);
            f.send(report("Google Inc.", "g-28", 28).policy("shop.example", 1000), 28);
            f.send(report("Google Inc.", "g-29", 29).policy("shop.example", 1000), 29);
            f.driver.advanceWallClockTime(check);
            f.driver.advanceWallClockTime(check);   // Yahoo stopped after day 25
            f.send(report("Yahoo", "y-29", 29).policy("shop.example", 300), 29);   // and is back

            List<String> written = f.alertsJson.readValuesToList();
            Set<String> seen = new TreeSet<>();
            for (String text : written) {
                JsonNode alert = JSON.readTree(text);
                assertThat(schema.validate(alert)).as(text).isEmpty();
                seen.add(alert.get("kind").asText() + " " + alert.get("status").asText());
            }
            assertThat(seen).contains("certificate-expired firing", "certificate-expired resolved",
                    "reports-stopped firing", "reports-stopped resolved");
        }
    }

    @Test
    void theSchemaListsEveryKind() throws Exception {
        JsonNode text;
        try (InputStream in = AlertJsonSchema.open()) {
            text = JSON.readTree(in);
        }
        Set<String> listed = new TreeSet<>();
        text.at("/properties/kind/examples").forEach(k -> listed.add(k.asText()));
        Set<String> kinds = new TreeSet<>();
        for (AlertKind kind : AlertKind.values()) {
            kinds.add(kind.code());
        }
        assertThat(listed).isEqualTo(kinds);
    }
}
