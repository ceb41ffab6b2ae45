package io.tlsrpt.cli.domains;

import com.fasterxml.jackson.databind.JsonNode;
import io.tlsrpt.processor.app.TlsRptProcessor;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code tlsrpt domain DOMAIN}: one policy domain now, day by day, from a running stream processor's own state
 * ({@code GET /v1/domains/{domain}}; any instance answers): what on call looks at after an alert, without reading a
 * topic.
 */
@Command(
    name = "domain",
    mixinStandardHelpOptions = true,
    description = {
        "Show one policy domain as a running stream processor holds it now: each day it keeps (sessions, failed share, "
            + "share under no enforced policy, reports, failing result types) and the domain's incidents.",
        "Exit codes: 0 ok, 1 nothing kept about the domain or the processor could not answer (still not ready after "
            + "--wait), 2 usage error."})
public final class DomainCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DOMAIN", description = "The policy domain.")
    String domain;

    @CommandLine.Mixin
    ProcessorOptions options;

    @Override
    public Integer call() throws InterruptedException {
        return options.show(spec, "tlsrpt domain", TlsRptProcessor.DOMAIN_QUERY_PATH
            + URLEncoder.encode(domain.trim(), StandardCharsets.UTF_8), DomainCommand::print);
    }

    /** The answer as a table of days (oldest first), then the incidents. */
    static void print(JsonNode state, PrintWriter out) {
        JsonNode windows = state.path("windows");
        String tenant = state.path("tenant").isTextual() ? " (tenant " + state.path("tenant").asText() + ")" : "";
        out.printf(Locale.ROOT, "%s%s: %d days kept by %s, as of %s%n", state.path("policy_domain").asText(), tenant,
            windows.size(), state.path("served_by").asText(), state.path("as_of").asText());
        String format = "%-10s %12s %8s %18s %7s  %s%n";
        out.printf(Locale.ROOT, format, "day", "sessions", "failed", "no enforced policy", "reports",
            "failing result types");
        for (JsonNode w : windows) {
            long sessions = w.path("total_sessions").asLong();
            List<String> failing = new ArrayList<>();
            for (JsonNode t : w.path("failing_result_types")) {
                failing.add(t.path("value").asText() + " " + String.format(Locale.ROOT, "%,d", t.path("count").asLong()));
            }
            out.println(String.format(Locale.ROOT, format, w.path("window_start").asText().substring(0, 10),
                String.format(Locale.ROOT, "%,d", sessions), share(w.path("failed_sessions"), sessions),
                share(w.path("sessions_without_enforced_policy"), sessions), w.path("reports").asLong(),
                String.join(", ", failing)).stripTrailing());
        }
        JsonNode incidents = state.path("incidents");
        if (incidents.isEmpty()) {
            out.println("no incident");
            return;
        }
        out.println("incidents:");
        for (JsonNode i : incidents) {
            out.println("  " + incident(i));
        }
    }

    /**
     * An incident of the processor's answers on one line: status, severity, kind, result type, days, alert_id; for a
     * reporter stopped, who and after which day.
     */
    static String incident(JsonNode i) {
        if (i.has("reporter")) {
            return String.format(Locale.ROOT, "%-8s %-8s %s: no report from %s after %s, alert_id %s",
                i.path("status").asText(), i.path("severity").asText("?"), i.path("kind").asText(),
                i.path("reporter").asText(), ProcessorQuery.day(i.path("last_report_window_start")),
                i.path("alert_id").asText());
        }
        List<String> hosts = new ArrayList<>();
        i.path("receiving_mx").forEach(host -> hosts.add(host.asText()));
        return String.format(Locale.ROOT, "%-8s %-8s %s (%s) from %s, last anomalous %s%s, alert_id %s%s",
            i.path("status").asText(), i.path("severity").asText("?"), i.path("kind").asText(),
            i.path("result_type").asText(),
            ProcessorQuery.day(i.path("first_window_start")), ProcessorQuery.day(i.path("last_anomalous_window_start")),
            i.has("resolved_window_start") ? ", resolved " + ProcessorQuery.day(i.path("resolved_window_start")) : "",
            i.path("alert_id").asText(), hosts.isEmpty() ? "" : ", mx " + String.join(",", hosts));
    }

    /** A share of the day's sessions; "-" where the window did not count it (written by an earlier version). */
    private static String share(JsonNode count, long sessions) {
        if (count.isNull() || count.isMissingNode()) {
            return DomainTable.percent(null);
        }
        return DomainTable.percent(sessions == 0 ? 0.0 : (double) count.asLong() / sessions);
    }

}
