package io.tlsrpt.cli.watch;

import io.tlsrpt.processor.detect.AlertKind;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which problems a check shows. A problem of a part the check could not look up (a DNS failure) is neither present
 * nor absent but unknown: an open incident stays open, none fires, so that a resolver outage pages nobody.
 *
 * <ul>
 *   <li>{@code tlsrpt-record-broken}: the _smtp._tls record is missing, invalid or duplicated;</li>
 *   <li>{@code mta-sts-policy-unreachable}, {@code mta-sts-certificate-invalid}, {@code mta-sts-policy-invalid}: the
 *       domain publishes an _mta-sts record but its policy cannot be fetched, its server's certificate is not valid,
 *       or the record or the policy is invalid (senders then apply no policy);</li>
 *   <li>{@code mta-sts-mx-not-covered}: the policy is in enforce mode and an MX host matches none of its mx lines;</li>
 *   <li>{@code dnssec-broken}: TLSA records that were DNSSEC-authenticated no longer are;</li>
 *   <li>{@code tls-policy-not-enforced}: the domain had an enforced policy (MTA-STS enforce or authenticated TLSA)
 *       and now has none: withdrawn (testing or none mode, records removed), not broken (a broken policy has its
 *       own alert above). It stays firing until a policy is enforced again.</li>
 * </ul>
 */
final class PolicyRules {

    private static final Set<AlertKind> STS_KINDS = EnumSet.of(AlertKind.MTA_STS_POLICY_UNREACHABLE,
        AlertKind.MTA_STS_CERTIFICATE_INVALID, AlertKind.MTA_STS_POLICY_INVALID, AlertKind.MTA_STS_MX_NOT_COVERED);

    /** Every kind the watch raises. */
    static final Set<AlertKind> KINDS;

    static {
        Set<AlertKind> kinds = EnumSet.copyOf(STS_KINDS);
        kinds.addAll(List.of(AlertKind.TLSRPT_RECORD_BROKEN, AlertKind.DNSSEC_BROKEN,
            AlertKind.TLS_POLICY_NOT_ENFORCED));
        KINDS = java.util.Collections.unmodifiableSet(kinds);
    }

    /** The problems a check shows, and the kinds it cannot tell. */
    record Judgement(Map<AlertKind, Problem> present, Set<AlertKind> unknown) {
    }

    private PolicyRules() {
    }

    /**
     * @param current this check, unknown parts included
     * @param lastKnown the domain's last known posture (null before its first check)
     * @param wasEnforced whether the domain had an enforced policy before (see {@link WatchedDomain#wasEnforced})
     * @param open the kinds of the domain's open incidents
     */
    static Judgement judge(PolicyPosture current, PolicyPosture lastKnown, boolean wasEnforced, Set<AlertKind> open) {
        Map<AlertKind, Problem> present = new EnumMap<>(AlertKind.class);
        Set<AlertKind> unknown = EnumSet.noneOf(AlertKind.class);
        String d = current.domain();

        if (!current.tlsrptKnown()) {
            unknown.add(AlertKind.TLSRPT_RECORD_BROKEN);
        } else if (!"valid".equals(current.tlsrpt())) {
            present.put(AlertKind.TLSRPT_RECORD_BROKEN, new Problem(AlertKind.TLSRPT_RECORD_BROKEN,
                "tlsrpt-record-" + current.tlsrpt(), "the TXT record at _smtp._tls." + d + " is " + current.tlsrpt()
                    + (current.tlsrptProblem() == null ? "" : " (" + current.tlsrptProblem() + ")"), List.of()));
        }

        if (!current.stsKnown()) {
            unknown.addAll(STS_KINDS);
        } else {
            stsProblem(current).ifPresent(p -> present.put(p.kind(), p));
            if (!current.mxKnown() && !present.containsKey(AlertKind.MTA_STS_MX_NOT_COVERED)) {
                unknown.add(AlertKind.MTA_STS_MX_NOT_COVERED);
            }
        }

        if (!current.daneKnown()) {
            unknown.add(AlertKind.DNSSEC_BROKEN);
        } else if ("unauthenticated".equals(current.dane())
            && (lastKnown != null && lastKnown.daneAuthenticated() || open.contains(AlertKind.DNSSEC_BROKEN))) {
            present.put(AlertKind.DNSSEC_BROKEN, new Problem(AlertKind.DNSSEC_BROKEN, "dnssec-invalid",
                "the TLSA records of its MX hosts were DNSSEC-authenticated and no longer are (the resolver's answers "
                    + "lack the AD bit): DANE senders treat them as absent or defer the mail", current.tlsaHosts()));
        }

        Boolean enforced = current.enforced();
        if (enforced == null) {
            unknown.add(AlertKind.TLS_POLICY_NOT_ENFORCED);
        } else if (!enforced && !open.contains(AlertKind.TLS_POLICY_NOT_ENFORCED) && explainsNoPolicy(present)) {
            // the broken policy's own alert says it; a second page for the same cause would be noise
            unknown.add(AlertKind.TLS_POLICY_NOT_ENFORCED);
        } else if (!enforced && (wasEnforced || open.contains(AlertKind.TLS_POLICY_NOT_ENFORCED))) {
            present.put(AlertKind.TLS_POLICY_NOT_ENFORCED, new Problem(AlertKind.TLS_POLICY_NOT_ENFORCED,
                "policy-not-enforced", "it had an enforced policy and now has none (MTA-STS " + current.stsStatus()
                    + ", DANE " + current.dane() + "): senders deliver its mail without requiring TLS", List.of()));
        }
        return new Judgement(present, unknown);
    }

    /** A problem that by itself leaves the domain without an enforced policy. */
    static boolean explainsNoPolicy(Map<AlertKind, Problem> present) {
        return present.containsKey(AlertKind.MTA_STS_POLICY_UNREACHABLE)
            || present.containsKey(AlertKind.MTA_STS_CERTIFICATE_INVALID)
            || present.containsKey(AlertKind.MTA_STS_POLICY_INVALID) || present.containsKey(AlertKind.DNSSEC_BROKEN);
    }

    private static java.util.Optional<Problem> stsProblem(PolicyPosture p) {
        String status = p.stsStatus();
        String detail = p.stsProblem() == null ? "" : ": " + p.stsProblem();
        if (status.equals("fetch-error") || status.equals("invalid")) {
            String failure = p.stsFailure() == null ? "sts-policy-invalid" : p.stsFailure();
            AlertKind kind = switch (failure) {
                case "sts-webpki-invalid" -> AlertKind.MTA_STS_CERTIFICATE_INVALID;
                case "sts-policy-fetch-error" -> AlertKind.MTA_STS_POLICY_UNREACHABLE;
                default -> AlertKind.MTA_STS_POLICY_INVALID;
            };
            return java.util.Optional.of(new Problem(kind, failure, "it publishes an _mta-sts record but senders "
                + "cannot use its policy" + detail, List.of()));
        }
        if (p.stsEnforced() && p.mxKnown() && !p.mxNotCovered().isEmpty()) {
            return java.util.Optional.of(new Problem(AlertKind.MTA_STS_MX_NOT_COVERED, "validation-failure",
                "MX host(s) " + String.join(", ", p.mxNotCovered()) + " match no mx: line of its MTA-STS policy in "
                    + "enforce mode (" + String.join(", ", p.stsMx()) + "): senders that apply it will not deliver "
                    + "there", p.mxNotCovered()));
        }
        return java.util.Optional.empty();
    }
}
