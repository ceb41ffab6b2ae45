package io.tlsrpt.cli.watch;

import io.tlsrpt.cli.check.ReportUriProbe;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tlsrpt.processor.detect.AlertKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The posture topic's value: one JSON object per domain and check, the last of each domain being what the watch
 * resumes from (the topic is compacted, keyed by domain). Field names as in the README's "Policy watch" section.
 */
final class PostureJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PostureJson() {
    }

    static String write(WatchStep step) {
        WatchedDomain state = step.next();
        PolicyPosture p = state.posture();
        ObjectNode o = JSON.createObjectNode();
        o.put("policy_domain", p.domain());
        o.put("checked_at", p.checkedAt().toString());
        Boolean enforced = p.enforced();
        if (enforced == null) {
            o.putNull("enforced");
        } else {
            o.put("enforced", enforced);
        }
        o.put("was_enforced", state.wasEnforced());
        if (state.lastPolicy() != null) {
            WatchedDomain.LastPolicy last = state.lastPolicy();
            ObjectNode policy = o.putObject("last_policy").put("id", last.id()).put("mode", last.mode());
            strings(policy.putArray("mx"), last.mx());
            policy.put("max_age", last.maxAge());
        }
        ObjectNode tlsrpt = o.putObject("tlsrpt");
        tlsrpt.put("status", p.tlsrpt());
        strings(tlsrpt.putArray("rua"), p.rua());
        tlsrpt.put("problem", p.tlsrptProblem());
        if (p.ruaReach() == null) {
            tlsrpt.putNull("rua_reach");
        } else {
            ArrayNode reach = tlsrpt.putArray("rua_reach");
            p.ruaReach().forEach(r -> reach.addObject().put("uri", r.uri()).put("outcome", r.outcome().code())
                .put("detail", r.detail()));
        }
        ObjectNode sts = o.putObject("mta_sts");
        sts.put("status", p.stsStatus());
        sts.put("id", p.stsId());
        sts.put("failure", p.stsFailure());
        sts.put("no_answer", p.stsUnanswered());
        if (p.stsMaxAge() == null) {
            sts.putNull("max_age");
        } else {
            sts.put("max_age", p.stsMaxAge());
        }
        strings(sts.putArray("mx"), p.stsMx());
        if (p.mxKnown()) {
            strings(sts.putArray("mx_not_covered"), p.mxNotCovered());
        } else {
            sts.putNull("mx_not_covered");
        }
        sts.put("problem", p.stsProblem());
        ObjectNode dane = o.putObject("dane");
        dane.put("status", p.dane());
        strings(dane.putArray("tlsa_hosts"), p.tlsaHosts());
        if (p.mxTls() == null) {
            o.putNull("mx_tls");
        } else {
            ArrayNode probes = o.putArray("mx_tls");
            for (MxTls t : p.mxTls()) {
                ObjectNode probe = probes.addObject().put("host", t.host()).put("address", t.address())
                    .put("outcome", t.outcome());
                if (t.notAfter() == null) {
                    probe.putNull("not_after");
                } else {
                    probe.put("not_after", t.notAfter().toString());
                }
                probe.put("trusted", t.trusted()).put("name_matches", t.nameMatches()).put("detail", t.detail())
                    .put("dane", t.dane()).put("dane_matched", t.daneMatched()).put("dane_detail", t.daneDetail());
            }
        }
        ArrayNode open = o.putArray("open_incidents");
        state.open().forEach((kind, incident) -> {
            ObjectNode i = open.addObject()
                .put("kind", kind.code())
                .put("severity", kind.severity().code())
                .put("alert_id", incident.alertId())
                .put("result_type", incident.resultType())
                .put("since", incident.since().toString());
            if (incident.mxHosts() != null) {
                strings(i.putArray("mx_hosts"), incident.mxHosts());
            }
        });
        strings(o.putArray("changes"), step.changes());
        strings(o.putArray("unknown"), step.unknownParts());
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    /**
     * @throws IllegalArgumentException when the text is not a posture this version can resume from (the caller
     *     logs it and checks the domain afresh)
     */
    static WatchedDomain read(String text) {
        try {
            JsonNode o = JSON.readTree(text);
            JsonNode tlsrpt = o.required("tlsrpt");
            JsonNode sts = o.required("mta_sts");
            JsonNode dane = o.required("dane");
            PolicyPosture posture = new PolicyPosture(o.required("policy_domain").asText(),
                Instant.parse(o.required("checked_at").asText()), tlsrpt.required("status").asText(),
                strings(tlsrpt.path("rua")), text(tlsrpt.path("problem")), sts.required("status").asText(),
                text(sts.path("id")), text(sts.path("failure")),
                sts.path("max_age").isNumber() ? sts.path("max_age").asLong() : null, strings(sts.path("mx")),
                sts.path("mx_not_covered").isArray() ? strings(sts.path("mx_not_covered")) : null,
                text(sts.path("problem")), dane.required("status").asText(),
                strings(dane.path("tlsa_hosts")), sts.path("no_answer").asBoolean(false), mxTls(o.path("mx_tls")),
                ruaReach(tlsrpt.path("rua_reach")));
            Map<AlertKind, WatchedDomain.OpenIncident> open = new EnumMap<>(AlertKind.class);
            for (JsonNode incident : o.path("open_incidents")) {
                AlertKind kind = AlertKind.find(incident.required("kind").asText()).orElseThrow(() ->
                    new IllegalArgumentException("an incident of a kind this version does not know: " + incident));
                open.put(kind, new WatchedDomain.OpenIncident(incident.required("alert_id").asText(),
                    Instant.parse(incident.required("since").asText()), incident.required("result_type").asText(),
                    incident.path("mx_hosts").isArray() ? strings(incident.path("mx_hosts")) : null));
            }
            JsonNode last = o.path("last_policy");
            // a record of the version before has none: the posture's own policy, when it read one
            WatchedDomain.LastPolicy lastPolicy = last.isObject() ? new WatchedDomain.LastPolicy(
                last.required("id").asText(), last.required("mode").asText(), strings(last.path("mx")),
                last.required("max_age").asLong()) : WatchedDomain.LastPolicy.of(posture);
            return new WatchedDomain(posture, o.path("was_enforced").asBoolean(false), open, lastPolicy);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalArgumentException("not a posture record: " + e.getMessage(), e);
        }
    }

    private static List<ReportUriProbe.Result> ruaReach(JsonNode array) {
        if (!array.isArray()) {
            return null;
        }
        List<ReportUriProbe.Result> reach = new ArrayList<>();
        for (JsonNode r : array) {
            reach.add(new ReportUriProbe.Result(r.required("uri").asText(),
                ReportUriProbe.Outcome.of(r.required("outcome").asText()), text(r.path("detail"))));
        }
        return reach;
    }

    private static List<MxTls> mxTls(JsonNode array) {
        if (!array.isArray()) {
            return null;
        }
        List<MxTls> probes = new ArrayList<>();
        for (JsonNode p : array) {
            probes.add(new MxTls(p.required("host").asText(), text(p.path("address")), p.required("outcome").asText(),
                p.path("not_after").isTextual() ? Instant.parse(p.path("not_after").asText()) : null,
                p.path("trusted").asBoolean(), p.path("name_matches").asBoolean(), text(p.path("detail")),
                text(p.path("dane")), text(p.path("dane_matched")), text(p.path("dane_detail"))));
        }
        return probes;
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static String text(JsonNode node) {
        return node.isTextual() ? node.asText() : null;
    }
}
