package io.tlsrpt.cli.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.processor.detect.AlertKind;

/**
 * One readable line for an alert of {@code tlsrpt.alerts.json}, e.g.
 * {@code ALERT firing critical starttls-downgrade-suspected example.org starttls-not-supported 2026-11-03:
 * 412/980 sessions failed (baseline 0.3) mx=mx1.example.org reporters=google.com,microsoft.com incident=a2db58be}
 * (the MX hosts where the failures were, most first; then the first
 * characters of the alert id, shared by the firing alert, its updates and the resolved one; "412/980 sessions
 * reported by google.com failed" when that reporter's own failures fired it). A reporter that stopped sending reports
 * reads {@code ALERT firing warning reports-stopped example.org report window 2026-11-25 reporters=google.com
 * incident=...}; a policy no longer enforced "412/980 sessions without an enforced policy"; an incident the
 * detector closed without a verdict (no window judged it over) "closed without a verdict (...)". A value that is not
 * an alert object is shown as it is, never dropped.
 */
public final class AlertLine {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_RAW_CHARS = 500;
    private static final int INCIDENT_ID_CHARS = 8;
    private static final String REPORTS_STOPPED = AlertKind.REPORTS_STOPPED.code();
    private static final String NOT_ENFORCED = AlertKind.TLS_POLICY_NOT_ENFORCED.code();
    private static final String WATCH_REPORTER = io.tlsrpt.cli.watch.WatchCommand.REPORTER;

    private AlertLine() {
    }

    /** The line for one record value of the JSON alert topic. */
    public static String format(String json) {
        JsonNode alert;
        try {
            alert = json == null ? null : JSON.readTree(json);
        } catch (JsonProcessingException e) {
            alert = null;
        }
        if (alert == null || !alert.isObject() || !alert.hasNonNull("kind")) {
            String raw = String.valueOf(json);
            return "ALERT (not an alert object) " + (raw.length() > MAX_RAW_CHARS
                ? raw.substring(0, MAX_RAW_CHARS) + "..." : raw);
        }
        StringBuilder b = new StringBuilder("ALERT");
        String windowStart = alert.path("window_start").asText("");
        String windowDay = windowStart.length() >= 10 ? windowStart.substring(0, 10) : windowStart;
        if (REPORTS_STOPPED.equals(alert.path("kind").asText())) {
            // a reporter's silence: no result type, no sessions; the window is its last report's (or, resolved, the
            // new one's)
            for (String field : List.of("status", "severity", "kind", "policy_domain")) {
                b.append(' ').append(alert.path(field).asText("?"));
            }
            b.append(" report window ").append(windowDay);
            return withReportersAndIncident(b, alert);
        }
        if (fromWatch(alert)) {
            // tlsrpt watch's checks of the published records: no sessions; found at a minute, not for a day
            for (String field : List.of("status", "severity", "kind", "policy_domain", "result_type")) {
                b.append(' ').append(alert.path(field).asText("?"));
            }
            b.append(" since ").append(minute(windowStart)).append(", checked ")
                .append(minute(alert.path("window_end").asText("")));
            return withReportersAndIncident(b, alert);
        }
        for (String field : List.of("status", "severity", "kind", "policy_domain", "result_type")) {
            b.append(' ').append(alert.path(field).asText("?"));
        }
        b.append(' ').append(windowDay).append(':');
        if ("resolved".equals(alert.path("status").asText()) && alert.path("total_sessions").asLong() == 0) {
            // a resolution is weighed on sessions; none: the detector closed an incident no window judged over
            // (its reports stopped, or its domain is no longer served), and its window is the last failing one
            b.append(" closed without a verdict (no window since said it was over; the failures may go on)");
            return withReportersAndIncident(b, alert);
        }
        b.append(' ').append(alert.path("failed_sessions").asLong()).append('/')
            .append(alert.path("total_sessions").asLong()).append(" sessions");
        // fired by one reporter's own failures: the counts and baseline are that reporter's
        String judgedReporter = alert.path("judged_reporter").asText("");
        if (alert.hasNonNull("judged_reporter") && !judgedReporter.isEmpty()) {
            b.append(" reported by ").append(judgedReporter);
        }
        // a policy no longer enforced counts sessions that did not fail
        b.append(NOT_ENFORCED.equals(alert.path("kind").asText()) ? " without an enforced policy" : " failed");
        if (alert.has("baseline")) {
            b.append(String.format(Locale.ROOT, " (baseline %.1f)", alert.path("baseline").asDouble()));
        }
        return withReportersAndIncident(b, alert);
    }

    /** An alert of {@code tlsrpt watch}: its one reporter is the watch itself. */
    private static boolean fromWatch(JsonNode alert) {
        JsonNode reporters = alert.path("reporters");
        return reporters.size() == 1 && WATCH_REPORTER.equals(reporters.get(0).asText());
    }

    /** 2026-12-01T08:27:05.326Z as 2026-12-01T08:27Z. */
    private static String minute(String instant) {
        return instant.length() >= 16 ? instant.substring(0, 16) + "Z" : instant;
    }

    private static String withReportersAndIncident(StringBuilder b, JsonNode alert) {
        // where the failures were (most first): an MX host shared by many domains shows on each of their lines
        List<String> mx = new ArrayList<>();
        alert.path("top_receiving_mx").forEach(h -> {
            String host = h.asText().toLowerCase(Locale.ROOT);
            if (!host.isEmpty() && !mx.contains(host)) {
                mx.add(host);
            }
        });
        if (!mx.isEmpty()) {
            b.append(" mx=").append(String.join(",", mx));
        }
        List<String> reporters = new ArrayList<>();
        alert.path("reporters").forEach(r -> reporters.add(r.asText()));
        if (!reporters.isEmpty()) {
            b.append(" reporters=").append(String.join(",", reporters));
        }
        String tenant = alert.path("tenant").asText("");
        if (alert.hasNonNull("tenant") && !tenant.isEmpty()) {
            b.append(" tenant=").append(tenant);
        }
        // firing, its updates and resolved share the id: the reader sees which lines are one incident
        String id = alert.path("alert_id").asText("");
        if (!id.isEmpty()) {
            b.append(" incident=").append(id, 0, Math.min(INCIDENT_ID_CHARS, id.length()));
        }
        return b.toString();
    }
}
