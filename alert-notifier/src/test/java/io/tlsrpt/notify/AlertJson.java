package io.tlsrpt.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Builds alert records in the JSON form the stream processor writes to tlsrpt.alerts.json (AvroJson). */
final class AlertJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode node = JSON.createObjectNode();

    private AlertJson(String alertId, String status) {
        node.put("alert_id", alertId);
        node.put("status", status);
        node.put("kind", "starttls-downgrade-suspected");
        node.put("severity", "critical");
        node.put("policy_domain", "example.org");
        node.put("result_type", "starttls-not-supported");
        node.put("window_start", "2026-11-27T00:00:00Z");
        node.put("window_end", "2026-11-28T00:00:00Z");
        node.put("failed_sessions", 120);
        node.put("total_sessions", 4000);
        node.put("baseline", 0.5);
        node.put("score", 41.25);
        node.putArray("reporters").add("google.com").add("microsoft.com");
        node.putArray("top_sending_ips").add("203.0.113.7").add("198.51.100.20");
        node.putArray("top_receiving_mx").add("mx1.example.org");
        node.put("summary", "STARTTLS downgrade suspected on example.org: 120 of 4000 sessions without STARTTLS");
        node.put("detected_at", "2026-11-27T09:30:00Z");
    }

    static AlertJson firing(String alertId) {
        return new AlertJson(alertId, "firing");
    }

    static AlertJson resolved(String alertId) {
        return new AlertJson(alertId, "resolved");
    }

    AlertJson with(String field, String value) {
        node.put(field, value);
        return this;
    }

    AlertJson with(String field, long value) {
        node.put(field, value);
        return this;
    }

    AlertJson withList(String field, String... values) {
        com.fasterxml.jackson.databind.node.ArrayNode array = node.putArray(field);
        for (String value : values) {
            array.add(value);
        }
        return this;
    }

    AlertJson detectedAt(Instant at) {
        node.put("detected_at", at.toString());
        return this;
    }

    String json() {
        return node.toString();
    }

    byte[] bytes() {
        return json().getBytes(StandardCharsets.UTF_8);
    }

    AlertRecord parsed() throws AlertRecord.InvalidAlertException {
        return AlertRecord.parse(bytes());
    }
}
