package io.tlsrpt.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One alert as published on {@code tlsrpt.alerts.json} (the JSON form of the Avro {@code Alert}).
 * Parsing is lenient about extra and optional fields, strict about what identifies an alert.
 *
 * @param judgedReporter the reporter whose own failures tripped the rule while the domain as a whole did not ("" when
 *                       the domain as a whole did): the counts and baseline are then that reporter's
 * @param tenant         the tenant of the policy domain ("" when the alert names none)
 */
public record AlertRecord(String alertId, Status status, String kind, String severity, String policyDomain,
                          String resultType, Instant windowStart, Instant windowEnd, long failedSessions,
                          long totalSessions, double baseline, double score, List<String> reporters,
                          List<String> topSendingIps, List<String> topReceivingMx, String summary,
                          Instant detectedAt, String judgedReporter, String tenant) {

    /** Lifecycle state of an alert. */
    public enum Status { FIRING, RESOLVED }

    /** Largest record accepted; alerts are a few hundred bytes, anything near this is not an alert. */
    public static final int MAX_BYTES = 256 * 1024;
    /** Longest list kept per field (reporters, IPs, MX hosts); the rest is summarised as a count. */
    public static final int MAX_LIST = 50;

    private static final ObjectMapper JSON = new ObjectMapper();

    public AlertRecord {
        reporters = List.copyOf(reporters);
        topSendingIps = List.copyOf(topSendingIps);
        topReceivingMx = List.copyOf(topReceivingMx);
    }

    /** Thrown for a record that is not a usable alert; the message says what is wrong. */
    public static final class InvalidAlertException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidAlertException(String message) {
            super(message);
        }
    }

    /** Parses one record value. */
    public static AlertRecord parse(byte[] value) throws InvalidAlertException {
        if (value == null) {
            throw new InvalidAlertException("empty record (tombstone or null value)");
        }
        if (value.length > MAX_BYTES) {
            throw new InvalidAlertException("record of " + value.length + " bytes exceeds " + MAX_BYTES);
        }
        JsonNode root;
        try {
            root = JSON.readTree(value);
        } catch (JsonProcessingException e) {
            throw new InvalidAlertException("not JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new InvalidAlertException("unreadable: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidAlertException("not a JSON object");
        }
        String statusText = text(root, "status", true).toLowerCase(Locale.ROOT);
        Status status = switch (statusText) {
            case "firing" -> Status.FIRING;
            case "resolved" -> Status.RESOLVED;
            default -> throw new InvalidAlertException("status must be firing or resolved, was '" + statusText + "'");
        };
        return new AlertRecord(
                text(root, "alert_id", true),
                status,
                text(root, "kind", true),
                text(root, "severity", true).toLowerCase(Locale.ROOT),
                text(root, "policy_domain", true).toLowerCase(Locale.ROOT),
                orDefault(text(root, "result_type", false), "unknown"),
                instant(root, "window_start"),
                instant(root, "window_end"),
                number(root, "failed_sessions"),
                number(root, "total_sessions"),
                root.path("baseline").asDouble(0.0),
                root.path("score").asDouble(0.0),
                list(root, "reporters"),
                list(root, "top_sending_ips"),
                list(root, "top_receiving_mx"),
                text(root, "summary", false),
                instant(root, "detected_at"),
                text(root, "judged_reporter", false),
                text(root, "tenant", false));
    }

    private static String text(JsonNode root, String field, boolean required) throws InvalidAlertException {
        JsonNode n = root.get(field);
        if (n == null || n.isNull() || (n.isTextual() && n.asText().isBlank())) {
            if (required) {
                throw new InvalidAlertException("missing required field " + field);
            }
            return "";
        }
        if (!n.isValueNode()) {
            throw new InvalidAlertException(field + " must be a string");
        }
        return n.asText().trim();
    }

    private static String orDefault(String s, String fallback) {
        return s.isEmpty() ? fallback : s;
    }

    private static long number(JsonNode root, String field) throws InvalidAlertException {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return 0;
        }
        if (!n.canConvertToLong()) {
            throw new InvalidAlertException(field + " must be an integer");
        }
        return n.asLong();
    }

    /** ISO-8601 instants; epoch milliseconds are accepted too (Avro's plain JSON encoding of timestamp-millis). */
    private static Instant instant(JsonNode root, String field) throws InvalidAlertException {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isIntegralNumber()) {
            return Instant.ofEpochMilli(n.asLong());
        }
        try {
            return Instant.parse(n.asText().trim());
        } catch (DateTimeParseException e) {
            throw new InvalidAlertException(field + " is not an ISO-8601 instant: '" + n.asText() + "'");
        }
    }

    private static List<String> list(JsonNode root, String field) {
        JsonNode n = root.get(field);
        List<String> out = new ArrayList<>();
        if (n == null || !n.isArray()) {
            return out;
        }
        for (JsonNode item : n) {
            if (out.size() == MAX_LIST) {
                out.add("(+" + (n.size() - MAX_LIST) + " more)");
                break;
            }
            if (item.isValueNode() && !item.isNull()) {
                out.add(item.asText());
            } else if (item.isObject()) {
                // a counted value {"value": "...", "count": n} reads better as "value (n)"
                JsonNode value = item.get("value");
                JsonNode count = item.get("count");
                out.add(value == null ? item.toString() : value.asText() + (count == null ? "" : " (" + count.asText() + ")"));
            }
        }
        return out;
    }
}
