package io.tlsrpt.processor.decode;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import io.tlsrpt.schema.FailureDetail;
import io.tlsrpt.schema.Policy;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns one parsed RFC 8460 JSON object into a {@link DraftReport}: reads every field leniently,
 * repairs what real senders get wrong and records each repair as a {@link Deviation}.
 *
 * <p>Rejected ({@code not-a-report}) only when it cannot be a report: not an object, or without
 * organization-name, report-id, a date-range with two readable date-times, or a policies array.
 * Tolerated (and recorded): everything else, including an empty policies array, policies without
 * policy-domain or policy-type, missing counts and malformed failure details.
 */
final class ReportNormaliser {

    static final String UNSPECIFIED = "unspecified";

    private static final Set<String> POLICY_TYPES = Set.of("tlsa", "sts", "no-policy-found");
    private static final Set<String> RESULT_TYPES = Set.of(
        "starttls-not-supported", "certificate-host-mismatch", "certificate-expired", "certificate-not-trusted",
        "validation-failure", "tlsa-invalid", "dnssec-invalid", "dane-required", "sts-policy-fetch-error",
        "sts-policy-invalid", "sts-webpki-invalid");

    private final JsonFactory factory;
    private final JsonTreeBuilder trees;

    ReportNormaliser(JsonFactory factory, JsonTreeBuilder trees) {
        this.factory = factory;
        this.trees = trees;
    }

    DraftReport normalise(JsonNode root, DecodeContext context) throws DecodeFailure {
        if (root == null || !root.isObject()) {
            throw new DecodeFailure(RejectReason.NOT_A_REPORT,
                "the JSON is " + (root == null ? "empty" : "a " + root.getNodeType().name().toLowerCase(Locale.ROOT))
                    + ", not a report object");
        }
        EnumSet<Deviation> deviations = EnumSet.noneOf(Deviation.class);
        String organization = requiredText(root, "organization-name", deviations);
        String reportId = requiredText(root, "report-id", deviations);
        JsonNode range = root.get("date-range");
        if (range == null || !range.isObject()) {
            throw new DecodeFailure(RejectReason.NOT_A_REPORT, "date-range is missing or not an object");
        }
        Instant start = Timestamps.parse(range.get("start-datetime"), "start-datetime", deviations);
        Instant end = Timestamps.parse(range.get("end-datetime"), "end-datetime", deviations);
        JsonNode policiesNode = root.get("policies");
        if (policiesNode == null || !policiesNode.isArray()) {
            throw new DecodeFailure(RejectReason.NOT_A_REPORT, "policies is missing or not an array");
        }
        // every array's length was capped while the tree was read (JsonTreeBuilder)

        String contact = optionalText(root.get("contact-info"), deviations);
        if (contact == null) {
            deviations.add(Deviation.CONTACT_INFO_MISSING);
        }
        if (reportId.endsWith("+")) {
            deviations.add(Deviation.REPORT_ID_TRAILING_PLUS);
        }
        if (end.isBefore(start)) {
            deviations.add(Deviation.DATE_RANGE_INVERTED);
        } else if (end.isAfter(start) && isMidnight(end)) {
            deviations.add(Deviation.END_NEXT_DAY_MIDNIGHT);
        }
        if (policiesNode.isEmpty()) {
            deviations.add(Deviation.POLICIES_EMPTY);
        }
        List<Policy> policies = new ArrayList<>(policiesNode.size());
        for (JsonNode entry : policiesNode) {
            if (!entry.isObject()) {
                deviations.add(Deviation.POLICY_ENTRY_SKIPPED);
                continue;
            }
            policies.add(policy(entry, deviations, context));
        }
        return new DraftReport(organization, contact, reportId, start, end, policies, deviations);
    }

    private Policy policy(JsonNode entry, Set<Deviation> deviations, DecodeContext context) throws DecodeFailure {
        JsonNode policy = entry.path("policy");
        String type = optionalText(policy.get("policy-type"), deviations);
        if (type == null) {
            deviations.add(Deviation.POLICY_TYPE_MISSING);
            type = UNSPECIFIED;
        } else {
            String lower = type.toLowerCase(Locale.ROOT);
            if (POLICY_TYPES.contains(lower)) {
                type = lower;
            } else {
                deviations.add(Deviation.POLICY_TYPE_UNKNOWN);
            }
        }
        String rawDomain = optionalText(policy.get("policy-domain"), deviations);
        String domain = null;
        if (rawDomain == null) {
            deviations.add(Deviation.POLICY_DOMAIN_MISSING);
        } else {
            domain = DomainNames.normalise(rawDomain, deviations);
        }
        List<String> policyStrings = policyStrings(policy.get("policy-string"), deviations, context);
        List<String> mxHosts = stringList(policy.get("mx-host"), Deviation.MX_HOST_NOT_ARRAY, deviations);

        JsonNode summary = entry.get("summary");
        long successful;
        long failed;
        if (summary == null || !summary.isObject()) {
            deviations.add(Deviation.SESSION_COUNT_MISSING);
            successful = 0;
            failed = 0;
        } else {
            successful = SessionCounts.read(summary.get("total-successful-session-count"), deviations);
            failed = SessionCounts.read(summary.get("total-failure-session-count"), deviations);
        }

        JsonNode detailsNode = entry.get("failure-details");
        List<FailureDetail> details = new ArrayList<>();
        if (detailsNode == null || detailsNode.isNull()) {
            deviations.add(Deviation.FAILURE_DETAILS_ABSENT);
        } else if (detailsNode.isObject()) {
            deviations.add(Deviation.VALUE_TYPE_COERCED);
            details.add(failureDetail(detailsNode, deviations));
        } else if (!detailsNode.isArray()) {
            deviations.add(Deviation.FAILURE_DETAIL_SKIPPED);
        } else if (detailsNode.isEmpty()) {
            deviations.add(Deviation.FAILURE_DETAILS_EMPTY);
        } else {
            for (JsonNode detail : detailsNode) {
                if (detail.isObject()) {
                    details.add(failureDetail(detail, deviations));
                } else {
                    deviations.add(Deviation.FAILURE_DETAIL_SKIPPED);
                }
            }
        }
        long detailSum = 0;
        for (FailureDetail detail : details) {
            detailSum = saturatedAdd(detailSum, detail.getFailedSessions());
        }
        if (detailSum > failed) {
            deviations.add(Deviation.FAILURE_COUNTS_EXCEED_SUMMARY);
        }
        return new Policy(type, domain, policyStrings, mxHosts, successful, failed, details);
    }

    private FailureDetail failureDetail(JsonNode detail, Set<Deviation> deviations) {
        String resultType = optionalText(detail.get("result-type"), deviations);
        if (resultType == null) {
            deviations.add(Deviation.RESULT_TYPE_MISSING);
            resultType = UNSPECIFIED;
        } else {
            String lower = resultType.toLowerCase(Locale.ROOT);
            if (RESULT_TYPES.contains(lower)) {
                resultType = lower;
            } else {
                deviations.add(Deviation.RESULT_TYPE_UNKNOWN);
            }
        }
        String sendingIp = ip(detail.get("sending-mta-ip"), deviations);
        String receivingIp = ip(detail.get("receiving-ip"), deviations);
        String mxHostname = optionalText(detail.get("receiving-mx-hostname"), deviations);
        String mxHelo = optionalText(detail.get("receiving-mx-helo"), deviations);
        if (sendingIp == null && receivingIp == null && mxHostname == null && mxHelo == null) {
            deviations.add(Deviation.FAILURE_DETAIL_WITHOUT_ADDRESSES);
        }
        long failed = SessionCounts.read(detail.get("failed-session-count"), deviations);
        String additional = optionalText(detail.get("additional-information"), deviations);
        if (additional != null && Texts.hasWhitespace(additional)) {
            deviations.add(Deviation.ADDITIONAL_INFORMATION_SPACES);
        }
        String reasonCode = optionalText(detail.get("failure-reason-code"), deviations);
        if (reasonCode != null && Texts.hasWhitespace(reasonCode)) {
            deviations.add(Deviation.FAILURE_REASON_FREE_TEXT);
        }
        return new FailureDetail(resultType, sendingIp, mxHostname, mxHelo, receivingIp, failed, additional, reasonCode);
    }

    private static String ip(JsonNode node, Set<Deviation> deviations) {
        String value = optionalText(node, deviations);
        if (value == null) {
            return null;
        }
        if (!IpAddresses.isLiteral(value)) {
            deviations.add(Deviation.IP_ADDRESS_INVALID);
            return value;
        }
        // one spelling per address: 2001:DB8:abcd:0012::1 and 2001:db8:abcd:12::1 are one sending MTA
        return IpAddresses.canonical(value);
    }

    private List<String> policyStrings(JsonNode node, Set<Deviation> deviations, DecodeContext context)
        throws DecodeFailure {
        List<String> strings = stringList(node, Deviation.POLICY_STRING_NOT_ARRAY, deviations);
        List<String> flat = null;
        for (int i = 0; i < strings.size(); i++) {
            List<String> inner = doubleEncoded(strings.get(i));
            if (inner != null) {
                if (flat == null) {
                    flat = new ArrayList<>(strings.subList(0, i));
                }
                for (String string : inner) {
                    flat.add(withoutControls(string, deviations));   // the inner array's escapes are decoded only now
                }
                deviations.add(Deviation.POLICY_STRING_DOUBLE_ENCODED);
            } else if (flat != null) {
                flat.add(strings.get(i));
            }
        }
        if (flat != null) {
            context.checkArrayLength("policy-string", flat.size());
        }
        return flat != null ? flat : strings;
    }

    /** The strings of an element that is itself a JSON array of strings (Microsoft TLSA), else null. */
    private List<String> doubleEncoded(String value) {
        String s = value.trim();
        if (s.length() < 2 || s.charAt(0) != '[' || s.charAt(s.length() - 1) != ']') {
            return null;
        }
        List<String> plain = plainStringArray(s, trees.maxArrayLength());
        return plain != null ? plain : parsedStringArray(s);
    }

    /** The strings of a JSON array of strings read by the parser (the first value only), else null. */
    List<String> parsedStringArray(String s) {
        try (JsonParser parser = factory.createParser(s)) {
            parser.nextToken();
            JsonNode inner = trees.read(parser);
            if (inner == null || !inner.isArray()) {
                return null;
            }
            List<String> out = new ArrayList<>(inner.size());
            for (JsonNode element : inner) {
                if (!element.isTextual()) {
                    return null;
                }
                out.add(element.textValue());
            }
            return out;
        } catch (IOException notJson) {
            // a policy string that merely looks like an array (or breaks a JSON rule) stays as it is
            return null;
        }
    }

    /**
     * The strings of {@code ["...", "..."]} when every string is printable ASCII without escapes (what Microsoft
     * sends: TLSA records), read without a parser (which cost as much as the rest of the policy); null for anything
     * else, which the parser then reads, with its rules: nothing is read differently, only faster.
     */
    static List<String> plainStringArray(String s, int maxLength) {
        int last = s.length() - 1;
        int i = skipJsonBlanks(s, 1);
        List<String> out = new ArrayList<>(2);
        if (i == last) {
            return out;  // "[]" (s ends in ']')
        }
        while (i < last && s.charAt(i) == '"') {
            int close = i + 1;
            char c;
            while ((c = s.charAt(close)) != '"') {
                if (c == '\\' || c < 0x20 || c >= 0x7f || close == last) {
                    return null;  // an escape, a control or non-ASCII character, or no closing quote
                }
                close++;
            }
            if (out.size() == maxLength) {
                return null;  // the parser's array cap decides
            }
            out.add(s.substring(i + 1, close));
            i = skipJsonBlanks(s, close + 1);
            if (i == last) {
                return out;
            }
            if (s.charAt(i) != ',') {
                return null;
            }
            i = skipJsonBlanks(s, i + 1);
        }
        return null;
    }

    private static int skipJsonBlanks(String s, int from) {
        int i = from;
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == '\n' || s.charAt(i) == '\r')) {
            i++;
        }
        return i;
    }

    private static List<String> stringList(JsonNode node, Deviation notArray, Set<Deviation> deviations) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return new ArrayList<>(0);
        }
        if (!node.isArray()) {
            String single = optionalText(node, deviations);
            deviations.add(notArray);
            List<String> one = new ArrayList<>(1);
            if (single != null) {
                one.add(single);
            }
            return one;
        }
        List<String> out = new ArrayList<>(node.size());
        for (JsonNode element : node) {
            String text = optionalText(element, deviations);
            if (text != null) {
                out.add(text);
            }
        }
        return out;
    }

    private static String requiredText(JsonNode root, String field, Set<Deviation> deviations) throws DecodeFailure {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw new DecodeFailure(RejectReason.NOT_A_REPORT, field + " is missing");
        }
        if (node.isContainerNode()) {
            throw new DecodeFailure(RejectReason.NOT_A_REPORT, field + " is not a string");
        }
        String text = optionalText(node, deviations);
        if (text == null) {
            throw new DecodeFailure(RejectReason.NOT_A_REPORT, field + " is empty");
        }
        return text;
    }

    /** The text of a string field; numbers and booleans are converted (and recorded); blank is null. */
    static String optionalText(JsonNode node, Set<Deviation> deviations) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        String text;
        if (node.isTextual()) {
            text = node.textValue();
        } else if (node.isValueNode()) {
            deviations.add(Deviation.VALUE_TYPE_COERCED);
            text = node.asText();
        } else {
            deviations.add(Deviation.VALUE_TYPE_COERCED);
            text = node.toString();
        }
        String clean = withoutControls(text, deviations);
        return clean.isBlank() ? null : clean;
    }

    /** {@code text} with its control characters replaced, recorded when there were any. */
    private static String withoutControls(String text, Set<Deviation> deviations) {
        String clean = ControlCharacters.replaced(text);
        if (clean != text) {
            deviations.add(Deviation.TEXT_CONTROL_CHARACTERS);
        }
        return clean;
    }

    private static boolean isMidnight(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC).toLocalTime().toSecondOfDay() == 0
            && instant.getNano() == 0;
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

}
