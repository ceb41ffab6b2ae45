package io.tlsrpt.generate;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tlsrpt.generate.ReportContent.FailureLine;
import io.tlsrpt.generate.ReportContent.PolicyContent;

/** Writes the RFC 8460 JSON of a report, with the quirks a given sender has. */
final class ReportJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** How a sender writes its JSON. */
    record Style(boolean doubleEncodedTlsa, boolean pretty) {
        static final Style PLAIN = new Style(false, false);
    }

    private ReportJson() {
    }

    static byte[] write(String organization, String contact, String reportId, String start, String end,
                        ReportContent content, Style style) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("organization-name", organization);
        ObjectNode range = root.putObject("date-range");
        range.put("start-datetime", start);
        range.put("end-datetime", end);
        root.put("contact-info", contact);
        root.put("report-id", reportId);
        ArrayNode policies = root.putArray("policies");
        for (PolicyContent p : content.policies()) {
            ObjectNode entry = policies.addObject();
            ObjectNode policy = entry.putObject("policy");
            policy.put("policy-type", p.type());
            if (!p.policyStrings().isEmpty()) {
                ArrayNode strings = policy.putArray("policy-string");
                if (style.doubleEncodedTlsa() && "tlsa".equals(p.type())) {
                    // Microsoft's quirk: one string holding the JSON-encoded array of TLSA records
                    strings.add(toJson(MAPPER.valueToTree(p.policyStrings())));
                } else {
                    p.policyStrings().forEach(strings::add);
                }
            }
            if (p.domain() != null) {
                policy.put("policy-domain", p.domain());
            }
            if (!p.mxHosts().isEmpty()) {
                ArrayNode mx = policy.putArray("mx-host");
                p.mxHosts().forEach(mx::add);
            }
            ObjectNode summary = entry.putObject("summary");
            summary.put("total-successful-session-count", p.successful());
            summary.put("total-failure-session-count", p.failed());
            if (!p.failures().isEmpty()) {
                ArrayNode details = entry.putArray("failure-details");
                for (FailureLine f : p.failures()) {
                    ObjectNode d = details.addObject();
                    d.put("result-type", f.resultType());
                    putIfPresent(d, "sending-mta-ip", f.sendingIp());
                    putIfPresent(d, "receiving-mx-hostname", f.receivingMx());
                    putIfPresent(d, "receiving-ip", f.receivingIp());
                    d.put("failed-session-count", f.count());
                    putIfPresent(d, "failure-reason-code", f.reasonCode());
                }
            }
        }
        try {
            return style.pretty()
                ? MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root)
                : MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write generated report JSON", e);
        }
    }

    /** gzip with a fixed header (no mtime), so equal input gives equal bytes. */
    static byte[] gzip(byte[] json) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(json.length / 4 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String toJson(Object node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void putIfPresent(ObjectNode node, String key, String value) {
        if (value != null) {
            node.put(key, value);
        }
    }
}
