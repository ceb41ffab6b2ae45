package io.tlsrpt.cli.reports;

import java.io.PrintWriter;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tlsrpt.schema.FailureDetail;

/**
 * {@code tlsrpt reports --format json}: one object per line and shown policy of a report, in the text table's order,
 * with the RFC 8460 names in snake case: {@code policy_domain}, {@code reporter}, {@code report_id},
 * {@code window_start}, {@code window_end}, {@code policy_type}, {@code mode} (MTA-STS only), {@code mx_hosts},
 * {@code successful_sessions}, {@code failed_sessions}, {@code failure_details} (each with {@code result_type},
 * {@code sending_mta_ip}, {@code receiving_mx_hostname}, {@code receiving_mx_helo}, {@code receiving_ip},
 * {@code failed_sessions}, {@code failure_reason_code}, {@code additional_information}; a field not reported is
 * null), {@code source} and {@code received_at}.
 */
final class ReportsJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ReportsJson() {
    }

    static void print(ReportCollection collection, PrintWriter out) {
        for (ReportRow r : collection.rows()) {
            ObjectNode o = JSON.createObjectNode();
            o.put("policy_domain", r.policyDomain());
            o.put("reporter", r.reporter());
            o.put("report_id", r.reportId());
            o.put("window_start", r.start().toString());
            o.put("window_end", r.end().toString());
            o.put("policy_type", r.policyType());
            o.put("mode", r.mode());
            r.mxHosts().forEach(o.putArray("mx_hosts")::add);
            o.put("successful_sessions", r.successfulSessions());
            o.put("failed_sessions", r.failedSessions());
            ArrayNode details = o.putArray("failure_details");
            for (FailureDetail d : r.details()) {
                details.addObject()
                    .put("result_type", d.getResultType())
                    .put("sending_mta_ip", d.getSendingMtaIp())
                    .put("receiving_mx_hostname", d.getReceivingMxHostname())
                    .put("receiving_mx_helo", d.getReceivingMxHelo())
                    .put("receiving_ip", d.getReceivingIp())
                    .put("failed_sessions", d.getFailedSessions())
                    .put("failure_reason_code", d.getFailureReasonCode())
                    .put("additional_information", d.getAdditionalInformation());
            }
            o.put("source", r.source());
            o.put("received_at", r.receivedAt() == null ? null : r.receivedAt().toString());
            out.println(o);
        }
        out.flush();
    }
}
