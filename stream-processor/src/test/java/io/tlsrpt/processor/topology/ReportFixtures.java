package io.tlsrpt.processor.topology;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tlsrpt.processor.decode.DecodeHints;
import io.tlsrpt.processor.decode.DecodeResult;
import io.tlsrpt.processor.decode.ReportDecoder;
import io.tlsrpt.schema.TlsReport;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** Builds RFC 8460 JSON reports for tests. */
public final class ReportFixtures {

    static final Instant DAY0 = Instant.parse("2026-11-01T00:00:00Z");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public record Failure(String resultType, long sessions, String sendingIp, String mx) {
    }

    private final String organisation;
    private final String reportId;
    private final Instant start;
    private final List<ObjectNode> policies = new ArrayList<>();

    private ReportFixtures(String organisation, String reportId, Instant start) {
        this.organisation = organisation;
        this.reportId = reportId;
        this.start = start;
    }

    public static Instant day(int n) {
        return DAY0.plus(n, ChronoUnit.DAYS);
    }

    public static ReportFixtures report(String organisation, String reportId, int day) {
        return new ReportFixtures(organisation, reportId, day(day));
    }

    /** A report of the day starting at {@code start} (e.g. one of an old archive). */
    public static ReportFixtures report(String organisation, String reportId, Instant start) {
        return new ReportFixtures(organisation, reportId, start);
    }

    /** An MTA-STS policy in enforce mode. */
    public ReportFixtures policy(String domain, long successful, Failure... failures) {
        return policy("sts", List.of("version: STSv1", "mode: enforce", "mx: mx1." + domain, "max_age: 86400"),
                domain, successful, failures);
    }

    /** An MTA-STS policy in {@code mode} (enforce, testing, none). */
    public ReportFixtures stsPolicy(String mode, String domain, long successful, Failure... failures) {
        return policy("sts", List.of("version: STSv1", "mode: " + mode, "mx: mx1." + domain, "max_age: 86400"),
                domain, successful, failures);
    }

    /** What a sender reports for a domain without MTA-STS or DANE (with its policy-domain, as Google does). */
    public ReportFixtures noPolicyFound(String domain, long successful, Failure... failures) {
        return policy("no-policy-found", List.of(), domain, successful, failures);
    }

    public ReportFixtures policy(String type, List<String> strings, String domain, long successful,
                                 Failure... failures) {
        ObjectNode p = MAPPER.createObjectNode();
        ObjectNode policy = p.putObject("policy");
        policy.put("policy-type", type);
        if (!strings.isEmpty()) {
            ArrayNode lines = policy.putArray("policy-string");
            strings.forEach(lines::add);
        }
        policy.put("policy-domain", domain);
        if (type.equals("sts")) {
            policy.putArray("mx-host").add("mx1." + domain);
        }
        long failed = 0;
        ArrayNode details = MAPPER.createArrayNode();
        for (Failure f : failures) {
            failed += f.sessions();
            ObjectNode d = details.addObject();
            d.put("result-type", f.resultType());
            if (f.sendingIp() != null) {
                d.put("sending-mta-ip", f.sendingIp());
            }
            if (f.mx() != null) {
                d.put("receiving-mx-hostname", f.mx());
            }
            d.put("failed-session-count", f.sessions());
        }
        ObjectNode summary = p.putObject("summary");
        summary.put("total-successful-session-count", successful);
        summary.put("total-failure-session-count", failed);
        if (!details.isEmpty()) {
            p.set("failure-details", details);
        }
        policies.add(p);
        return this;
    }

    public static Failure failure(String resultType, long sessions, String ip, String mx) {
        return new Failure(resultType, sessions, ip, mx);
    }

    public String json() {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("organization-name", organisation);
        ObjectNode range = root.putObject("date-range");
        range.put("start-datetime", start.toString());
        range.put("end-datetime", start.plus(1, ChronoUnit.DAYS).minusSeconds(1).toString());
        root.put("contact-info", "tlsrpt@" + organisation.toLowerCase().replace(' ', '-') + ".example");
        root.put("report-id", reportId);
        ArrayNode ps = root.putArray("policies");
        policies.forEach(ps::add);
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public byte[] bytes() {
        return json().getBytes(StandardCharsets.UTF_8);
    }

    /** The report as the decoder makes it, without provenance hints. */
    public TlsReport decoded() {
        DecodeResult result = new ReportDecoder().decode(bytes(), DecodeHints.none());
        if (!(result instanceof DecodeResult.Decoded decoded)) {
            throw new IllegalStateException("the fixture does not decode: " + result);
        }
        return decoded.reports().get(0);
    }
}
