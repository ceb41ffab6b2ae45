package io.tlsrpt.cli.digest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tlsrpt.cli.domains.DomainTable;
import io.tlsrpt.schema.CountedValue;
import java.io.PrintWriter;
import java.time.Instant;

/**
 * A digest as one JSON object, for a mail template or a customer portal: {@code first_day}, {@code last_day},
 * {@code tenants}, {@code domains_asked}, {@code totals}, {@code policy_domains} (worst first, with the fields of
 * {@code tlsrpt domains --format json} and {@code failing_most}, {@code worst_day}, {@code worst_day_failed_share},
 * {@code failed_share_before}: over the as many days before the period), {@code incidents} (open first) and
 * {@code policy_domains_without_reports} (listed in {@code --served-domains-file}, no report in the period).
 */
final class DigestJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DigestJson() {
    }

    static void print(Digest digest, PrintWriter out) {
        ObjectNode root = JSON.createObjectNode();
        root.put("first_day", digest.period().first().toString());
        root.put("last_day", digest.period().last().toString());
        digest.tenants().stream().sorted().forEach(root.putArray("tenants")::add);
        digest.domains().stream().sorted().forEach(root.putArray("domains_asked")::add);
        ObjectNode totals = root.putObject("totals");
        long sessions = digest.sessions();
        totals.put("policy_domains", digest.summaries().size());
        totals.put("sessions", sessions);
        totals.put("failed_sessions", digest.failed());
        totals.put("failed_share", Digest.share(digest.failed(), sessions));
        totals.put("failed_share_before", digest.failedShareBefore());
        totals.put("sessions_without_enforced_policy", digest.withoutEnforcedPolicy());
        totals.put("without_enforced_policy_share", Digest.share(digest.withoutEnforcedPolicy(), sessions));
        digest.reporters().forEach(totals.putArray("reporters")::add);
        totals.put("incidents", digest.incidents().size());
        totals.put("open_incidents", digest.openIncidents());
        ArrayNode domains = root.putArray("policy_domains");
        for (DomainSummary s : digest.summaries()) {
            ObjectNode o = DomainTable.json(s.row(), domains.addObject());
            ArrayNode failing = o.putArray("failing_most");
            for (CountedValue c : s.failingMost()) {
                failing.addObject().put("result_type", c.getValue()).put("failed_sessions", c.getCount());
            }
            o.put("worst_day", s.worstDay() == null ? null : s.worstDay().toString());
            o.put("worst_day_failed_share", s.worstDayShare());
            o.put("failed_share_before", s.failedShareBefore());
        }
        ArrayNode incidents = root.putArray("incidents");
        for (IncidentDigest.Incident i : digest.incidents()) {
            ObjectNode o = incidents.addObject();
            o.put("alert_id", i.alertId());
            o.put("status", i.open() ? "firing" : "resolved");
            o.put("kind", i.kind());
            o.put("severity", i.severity());
            o.put("policy_domain", i.policyDomain());
            o.put("result_type", i.resultType());
            o.put("tenant", i.tenant());
            o.put("first_window_start", i.firstWindow().toString());
            o.put("last_anomalous_window_start", i.lastAnomalous().toString());
            o.put("resolved_window_start", text(i.resolved()));
            o.put("peak_failed_sessions", i.peakFailed());
            o.put("summary", i.summary());
        }
        digest.withoutReports().forEach(root.putArray("policy_domains_without_reports")::add);
        out.println(root);
        out.flush();
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
