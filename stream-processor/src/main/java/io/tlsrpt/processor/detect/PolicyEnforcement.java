package io.tlsrpt.processor.detect;

import java.util.List;
import java.util.Locale;

/**
 * Whether a reporter delivered a policy's sessions under an enforced policy. A domain that publishes MTA-STS in
 * {@code enforce} mode (or DANE) is protected against a STARTTLS downgrade; when its reporters start reporting its
 * sessions under {@code no-policy-found}, or under an MTA-STS policy in {@code testing} or {@code none} mode, that
 * protection is gone while every session still succeeds, so no failure type ever shows it. The windows count those
 * sessions under the pseudo result type {@link #NOT_ENFORCED}, and the spike rule judges them like failures, per
 * reporter only (DetectStage: the domain's share is its reporters' mix): a reporter that always had them (a domain
 * without MTA-STS, a reporter without MTA-STS support) has them in its baseline, and only a reporter that stops
 * applying the domain's policy fires.
 */
public final class PolicyEnforcement {

    /**
     * The pseudo result type of sessions delivered under no enforced policy. Not in the IANA registry; a report
     * that names it as a result type of its own is counted under {@link #asReported(String)} instead.
     */
    public static final String NOT_ENFORCED = "policy-not-enforced";

    private PolicyEnforcement() {
    }

    /**
     * True for {@code no-policy-found}, and for {@code sts} whose policy lines say {@code mode: testing} or
     * {@code mode: none}. An sts policy without a mode line (a policy that could not be fetched is reported without
     * its lines) counts as enforced: not knowing is no evidence of a weakened policy. {@code tlsa} is enforced by
     * nature; unknown policy types are not judged.
     */
    public static boolean notEnforced(String policyType, List<String> policyStrings) {
        if (policyType == null) {
            return false;
        }
        return switch (policyType.toLowerCase(Locale.ROOT)) {
            case "no-policy-found" -> true;
            case "sts" -> {
                String mode = stsMode(policyStrings);
                yield "testing".equals(mode) || "none".equals(mode);
            }
            default -> false;
        };
    }

    /**
     * True for {@code tlsa}, and for {@code sts} whose lines say {@code mode: enforce}: a report that lists a domain's
     * sessions under such a policy too (Microsoft lists them under the domain's sts and its tlsa policy) delivered
     * them under an enforced policy, whatever else it lists.
     */
    public static boolean enforced(String policyType, List<String> policyStrings) {
        if (policyType == null) {
            return false;
        }
        return switch (policyType.toLowerCase(Locale.ROOT)) {
            case "tlsa" -> true;
            case "sts" -> "enforce".equals(stsMode(policyStrings));
            default -> false;
        };
    }

    /** The value of an MTA-STS policy's {@code mode:} line, lower case, or null when it has none. */
    public static String stsMode(List<String> policyStrings) {
        if (policyStrings == null) {
            return null;
        }
        for (String line : policyStrings) {
            if (line == null) {
                continue;
            }
            String trimmed = line.strip();
            int colon = trimmed.indexOf(':');
            if (colon > 0 && trimmed.substring(0, colon).strip().equalsIgnoreCase("mode")) {
                return trimmed.substring(colon + 1).strip().toLowerCase(Locale.ROOT);
            }
        }
        return null;
    }

    /** The result type a report's failure detail is counted under: its own, unless it would pose as the pseudo type. */
    public static String asReported(String resultType) {
        return NOT_ENFORCED.equals(resultType) ? "reported-" + resultType : resultType;
    }
}
