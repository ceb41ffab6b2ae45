package io.tlsrpt.cli.check;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** The {@code --json} output: one object per run. */
public final class CheckJson {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CheckJson() {
    }

    /** {@code {"record", "status", "rua", "errors", "warnings"}} for {@code --record}. */
    public static ObjectNode record(TlsRptRecordCheck check, List<Finding> extraWarnings) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("record", check.record());
        o.put("status", check.valid() ? "valid" : "invalid");
        strings(o.putArray("rua"), check.rua());
        findings(o.putArray("errors"), check.errors());
        ArrayNode w = o.putArray("warnings");
        findings(w, check.warnings());
        findings(w, extraWarnings);
        return o;
    }

    /** {@code {"domain", "resolver", "tlsrpt", "mta_sts", "dane", "mx_tls"}} for a domain. */
    public static ObjectNode domain(DomainCheck check) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("domain", check.domain());
        o.put("resolver", check.resolver());
        ObjectNode t = o.putObject("tlsrpt");
        TlsRptDnsCheck tlsrpt = check.tlsrpt();
        t.put("name", tlsrpt.name());
        t.put("status", tlsrpt.status().json());
        ArrayNode records = t.putArray("records");
        for (TxtRecords r : tlsrpt.records()) {
            ObjectNode rec = records.addObject();
            rec.put("text", r.text());
            strings(rec.putArray("strings"), r.strings());
            rec.put("tlsrpt", TlsRptRecordParser.isTlsRptCandidate(r.text()));
        }
        strings(t.putArray("rua"), tlsrpt.rua());
        if (check.ruaReach() != null) {
            ArrayNode reach = t.putArray("rua_reach");
            check.ruaReach().forEach(r -> reach.addObject().put("uri", r.uri()).put("outcome", r.outcome().code())
                .put("detail", r.detail()));
        }
        findings(t.putArray("errors"), tlsrpt.errors());
        findings(t.putArray("warnings"), tlsrpt.warnings());
        if (check.mtaSts() != null) {
            o.set("mta_sts", mtaSts(check.mtaSts()));
        }
        if (check.dane() != null) {
            o.set("dane", dane(check.dane()));
        }
        if (check.mxTls() != null) {
            ArrayNode probes = o.putArray("mx_tls");
            for (SmtpTlsProbe.Result r : check.mxTls()) {
                ObjectNode p = probes.addObject();
                p.put("host", r.host());
                p.put("address", r.address());
                p.put("outcome", r.outcome().code());
                if (r.notAfter() == null) {
                    p.putNull("not_after");
                } else {
                    p.put("not_after", r.notAfter().toString());
                }
                p.put("trusted", r.trusted());
                p.put("name_matches", r.nameMatches());
                p.put("detail", r.detail());
                if (r.dane() == null) {
                    p.putNull("dane");
                } else {
                    p.putObject("dane").put("verdict", r.dane().verdict().code()).put("matched", r.dane().matched())
                        .put("detail", r.dane().detail());
                }
            }
        }
        return o;
    }

    private static ObjectNode mtaSts(MtaStsCheck c) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("status", c.status());
        ArrayNode records = o.putArray("txt_records");
        c.txtRecords().forEach(r -> records.add(r.text()));
        o.put("id", c.id());
        o.put("policy_url", c.policyUrl());
        o.put("policy_text", c.policyText());
        if (c.policy() != null) {
            ObjectNode p = o.putObject("policy");
            p.put("version", c.policy().version());
            p.put("mode", c.policy().mode());
            if (c.policy().maxAge() != null) {
                p.put("max_age", c.policy().maxAge());
            } else {
                p.putNull("max_age");
            }
            strings(p.putArray("mx"), c.policy().mx());
        } else {
            o.putNull("policy");
        }
        ArrayNode cov = o.putArray("mx_hosts");
        for (MtaStsCheck.MxCoverage m : c.mxCoverage()) {
            ObjectNode h = cov.addObject();
            h.put("host", m.host());
            h.put("covered", m.pattern() != null);
            h.put("pattern", m.pattern());
        }
        findings(o.putArray("errors"), c.errors());
        findings(o.putArray("warnings"), c.warnings());
        o.put("meaning", c.meaning());
        return o;
    }

    private static ObjectNode dane(DaneCheck c) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("status", c.status());
        o.put("mx_authenticated", c.mxAuthenticated());
        ArrayNode hosts = o.putArray("mx_hosts");
        for (DaneCheck.Host h : c.hosts()) {
            ObjectNode n = hosts.addObject();
            n.put("host", h.host());
            n.put("tlsa_name", h.tlsaName());
            n.put("lookup", h.outcome());
            strings(n.putArray("tlsa"), h.tlsa());
            n.put("authenticated", h.authenticated());
        }
        findings(o.putArray("errors"), c.errors());
        findings(o.putArray("warnings"), c.warnings());
        o.put("meaning", c.meaning());
        return o;
    }

    private static void strings(ArrayNode a, List<String> values) {
        values.forEach(a::add);
    }

    private static void findings(ArrayNode a, List<Finding> findings) {
        for (Finding f : findings) {
            ObjectNode n = a.addObject();
            n.put("code", f.code());
            n.put("message", f.message());
        }
    }

    /** Pretty-printed text of a JSON tree. */
    public static String write(ObjectNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a JSON tree", e);
        }
    }
}
