package io.tlsrpt.cli.watch;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** A posture record of {@code tlsrpt watch} ({@link PostureJson}) as text: one line, or in full. */
final class PostureText {

    private PostureText() {
    }

    /** "example.org  checked ...  tls-rpt valid  mta-sts enforce  dane none  open: kind, kind". */
    static String line(JsonNode p) {
        return String.format(java.util.Locale.ROOT, "%-30s checked %s  tls-rpt %s  mta-sts %s  dane %s  %s",
            p.path("policy_domain").asText(), p.path("checked_at").asText(), p.path("tlsrpt").path("status").asText(),
            p.path("mta_sts").path("status").asText(), p.path("dane").path("status").asText(), open(p));
    }

    /** Every part of the posture, a line or a few each. */
    static String full(JsonNode p) {
        StringBuilder b = new StringBuilder();
        b.append(p.path("policy_domain").asText()).append(": checked ").append(p.path("checked_at").asText())
            .append(", enforced policy: ").append(p.path("enforced").isNull() ? "unknown"
                : p.path("enforced").asBoolean() ? "yes" : "no").append('\n');
        JsonNode t = p.path("tlsrpt");
        b.append("  _smtp._tls: ").append(t.path("status").asText()).append(problem(t)).append('\n');
        for (JsonNode reach : t.path("rua_reach")) {
            b.append("    rua ").append(reach.path("uri").asText()).append(": ").append(reach.path("outcome").asText())
                .append(" (").append(reach.path("detail").asText()).append(")\n");
        }
        if (!t.path("rua_reach").isArray()) {
            t.path("rua").forEach(uri -> b.append("    rua ").append(uri.asText()).append(" (not checked)\n"));
        }
        JsonNode s = p.path("mta_sts");
        b.append("  MTA-STS: ").append(s.path("status").asText());
        if (!s.path("id").isNull() && !s.path("id").isMissingNode()) {
            b.append(", id ").append(s.path("id").asText());
        }
        if (s.path("max_age").isNumber()) {
            b.append(", max_age ").append(s.path("max_age").asLong()).append(" s");
        }
        b.append(strings(", mx ", s.path("mx"))).append(strings(", MX hosts not covered: ", s.path("mx_not_covered")))
            .append(problem(s)).append('\n');
        JsonNode d = p.path("dane");
        b.append("  DANE: ").append(d.path("status").asText()).append(strings(", TLSA on ", d.path("tlsa_hosts")))
            .append('\n');
        if (p.path("mx_tls").isArray()) {
            for (JsonNode probe : p.path("mx_tls")) {
                b.append("  MX ").append(probe.path("host").asText());
                if (probe.path("address").isTextual()) {
                    b.append(" at ").append(probe.path("address").asText());
                }
                b.append(": ").append(probe.path("outcome").asText());
                if (probe.path("not_after").isTextual()) {
                    b.append(", certificate until ").append(probe.path("not_after").asText())
                        .append(probe.path("trusted").asBoolean() ? ", trusted" : ", not trusted")
                        .append(probe.path("name_matches").asBoolean() ? "" : ", does not name the host");
                }
                if (probe.path("dane").isTextual()) {
                    b.append(", DANE ").append(probe.path("dane").asText());
                }
                b.append(" (").append(probe.path("detail").asText()).append(")\n");
            }
        } else {
            b.append("  MX hosts: not probed (--probe-mx)\n");
        }
        b.append("  ").append(open(p)).append('\n');
        for (JsonNode incident : p.path("open_incidents")) {
            b.append("    ").append(incident.path("severity").asText()).append(' ').append(incident.path("kind").asText())
                .append(" (").append(incident.path("result_type").asText()).append(") since ")
                .append(incident.path("since").asText()).append(strings(" on ", incident.path("mx_hosts")))
                .append(", alert_id ").append(incident.path("alert_id").asText()).append('\n');
        }
        if (!p.path("changes").isEmpty()) {
            b.append("  changed at this check:\n");
            p.path("changes").forEach(c -> b.append("    ").append(c.asText()).append('\n'));
        }
        if (!p.path("unknown").isEmpty()) {
            b.append(strings("  not looked up at this check (last known kept): ", p.path("unknown"))).append('\n');
        }
        return b.append('\n').toString();
    }

    private static String open(JsonNode p) {
        List<String> kinds = new ArrayList<>();
        p.path("open_incidents").forEach(i -> kinds.add(i.path("kind").asText()));
        return kinds.isEmpty() ? "no open incident" : "open: " + String.join(", ", kinds);
    }

    private static String problem(JsonNode part) {
        return part.path("problem").isTextual() ? " (" + part.path("problem").asText() + ")" : "";
    }

    /** {@code prefix} and the array's values, or nothing for an empty or absent array. */
    private static String strings(String prefix, JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values.isEmpty() ? "" : prefix + String.join(", ", values);
    }
}
