package io.tlsrpt.cli.watch;

import io.tlsrpt.cli.check.ReportUriProbe;
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
 *   <li>{@code tlsrpt-rua-unreachable}: a rua destination of the valid record takes no reports (a mailto: domain that
 *       takes no mail, an https: host that does not exist, refuses connections or fails TLS);</li>
 *   <li>{@code mta-sts-policy-unreachable}, {@code mta-sts-certificate-invalid}, {@code mta-sts-policy-invalid}: the
 *       domain publishes an _mta-sts record but its policy cannot be fetched, its server's certificate is not valid,
 *       or the record or the policy is invalid (senders then apply no policy);</li>
 *   <li>{@code mta-sts-mx-not-covered}: the policy is in enforce mode and an MX host matches none of its mx lines;</li>
 *   <li>{@code mta-sts-id-unchanged}: the policy read differs from the last one read (mode, mx lines, max_age) while
 *       the _mta-sts record's id stayed the same; it lasts until the id changes;</li>
 *   <li>{@code dnssec-broken}: TLSA records that were DNSSEC-authenticated no longer are;</li>
 *   <li>with the MX hosts probed ({@code --probe-mx}): {@code certificate-expired} and {@code certificate-expiring}
 *       (within the warning period) for an MX certificate, {@code certificate-invalid} for one that does not chain
 *       to a trusted CA or does not name its host while MTA-STS asks senders to check it, and
 *       {@code starttls-unavailable} for an MX that does not offer STARTTLS or fails its TLS handshake, and
 *       {@code dane-tlsa-mismatch} for an MX whose certificate matches none of its DNSSEC-authenticated TLSA records
 *       (a certificate or key replaced without its TLSA records: DANE senders defer the mail). An MX that
 *       cannot be reached (port 25 is often closed to outgoing connections) is not a finding;</li>
 *   <li>{@code tls-policy-not-enforced}: the domain had an enforced policy (MTA-STS enforce or authenticated TLSA)
 *       and now has none: withdrawn (testing or none mode, records removed), not broken (a broken policy has its
 *       own alert above). It stays firing until a policy is enforced again.</li>
 * </ul>
 */
final class PolicyRules {

    private static final Set<AlertKind> STS_KINDS = EnumSet.of(AlertKind.MTA_STS_POLICY_UNREACHABLE,
        AlertKind.MTA_STS_CERTIFICATE_INVALID, AlertKind.MTA_STS_POLICY_INVALID, AlertKind.MTA_STS_MX_NOT_COVERED,
        AlertKind.MTA_STS_ID_UNCHANGED);

    /** Every kind the watch raises. */
    static final Set<AlertKind> KINDS;

    /** The kinds of the MX hosts' STARTTLS probes. */
    private static final Set<AlertKind> MX_TLS_KINDS = EnumSet.of(AlertKind.CERTIFICATE_EXPIRED,
        AlertKind.CERTIFICATE_EXPIRING, AlertKind.CERTIFICATE_INVALID, AlertKind.STARTTLS_UNAVAILABLE,
        AlertKind.DANE_TLSA_MISMATCH);

    static {
        Set<AlertKind> kinds = EnumSet.copyOf(STS_KINDS);
        kinds.addAll(MX_TLS_KINDS);
        kinds.addAll(List.of(AlertKind.TLSRPT_RECORD_BROKEN, AlertKind.TLSRPT_RUA_UNREACHABLE, AlertKind.DNSSEC_BROKEN,
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
     * @param expiryWarning how long before an MX certificate's expiry {@code certificate-expiring} fires
     * @param lastPolicy the last MTA-STS policy read before this check (null: none)
     */
    static Judgement judge(PolicyPosture current, PolicyPosture lastKnown, boolean wasEnforced, Set<AlertKind> open,
                           java.time.Duration expiryWarning, WatchedDomain.LastPolicy lastPolicy) {
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

        ruaUnreachable(current, present, unknown);

        if (!current.stsKnown()) {
            unknown.addAll(STS_KINDS);
        } else {
            stsProblem(current).ifPresent(p -> present.put(p.kind(), p));
            if (!current.mxKnown() && !present.containsKey(AlertKind.MTA_STS_MX_NOT_COVERED)) {
                unknown.add(AlertKind.MTA_STS_MX_NOT_COVERED);
            }
            idUnchanged(current, lastPolicy, open.contains(AlertKind.MTA_STS_ID_UNCHANGED), present, unknown);
        }

        if (!current.daneKnown()) {
            unknown.add(AlertKind.DNSSEC_BROKEN);
        } else if ("unauthenticated".equals(current.dane())
            && (lastKnown != null && lastKnown.daneAuthenticated() || open.contains(AlertKind.DNSSEC_BROKEN))) {
            present.put(AlertKind.DNSSEC_BROKEN, new Problem(AlertKind.DNSSEC_BROKEN, "dnssec-invalid",
                "the TLSA records of its MX hosts were DNSSEC-authenticated and no longer are (the resolver's answers "
                    + "lack the AD bit): DANE senders treat them as absent or defer the mail", current.tlsaHosts()));
        }

        mxTlsProblems(current, expiryWarning, present, unknown);

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

    /**
     * A valid record whose rua destinations do not take reports: those that cannot are a finding (any one of them
     * loses its copy of every report); one that could not be judged leaves the rest unknown.
     */
    private static void ruaUnreachable(PolicyPosture current, Map<AlertKind, Problem> present,
                                       Set<AlertKind> unknown) {
        AlertKind kind = AlertKind.TLSRPT_RUA_UNREACHABLE;
        if (!current.tlsrptKnown() || "valid".equals(current.tlsrpt()) && current.ruaReach() == null) {
            unknown.add(kind);   // the record unknown, or the check off
            return;
        }
        if (!"valid".equals(current.tlsrpt())) {
            return;   // tlsrpt-record-broken says it
        }
        List<ReportUriProbe.Result> dead = current.ruaReach().stream()
            .filter(r -> r.outcome() == ReportUriProbe.Outcome.UNREACHABLE).toList();
        if (!dead.isEmpty()) {
            boolean all = dead.size() == current.ruaReach().size();
            present.put(kind, new Problem(kind, kind.code(), (all ? "no rua destination of its _smtp._tls record "
                + "takes reports" : dead.size() + " of its " + current.ruaReach().size() + " rua destinations take no "
                + "reports") + ": " + String.join("; ", dead.stream().map(r -> r.uri() + ": " + r.detail()).toList())
                + (all ? ": every sender's reports are lost" : ": the reports sent there are lost"), List.of()));
        } else if (!current.ruaKnown()) {
            unknown.add(kind);
        }
    }

    /**
     * The MX probes' problems. A kind not found while a host was unreachable, or while MTA-STS is unknown (for
     * {@code certificate-invalid}), is unknown: it may be on the host the probe did not reach.
     */
    private static void mxTlsProblems(PolicyPosture current, java.time.Duration expiryWarning,
                                      Map<AlertKind, Problem> present, Set<AlertKind> unknown) {
        List<MxTls> probes = current.mxTls();
        if (probes == null) {
            unknown.addAll(MX_TLS_KINDS);   // not probed: nothing fires, nothing open resolves
            return;
        }
        java.time.Instant now = current.checkedAt();
        List<MxTls> tls = probes.stream().filter(MxTls::tls).toList();
        boolean validated = "enforce".equals(current.stsStatus()) || "testing".equals(current.stsStatus());
        // a DANE-EE match authenticates the key, not the dates (RFC 7672 section 3.1.1): without MTA-STS checking
        // the certificate too, its expiry stops no sender
        List<MxTls> dated = tls.stream().filter(p -> validated || !(current.daneAuthenticated() && p.daneEeMatch()))
            .toList();
        List<MxTls> expired = dated.stream().filter(p -> !p.notAfter().isAfter(now)).toList();
        List<MxTls> expiring = dated.stream().filter(p -> p.notAfter().isAfter(now)
            && !p.notAfter().isAfter(now.plus(expiryWarning))).toList();
        List<MxTls> invalid = tls.stream().filter(p -> p.notAfter().isAfter(now) && (!p.trusted() || !p.nameMatches()))
            .toList();
        List<MxTls> noTls = probes.stream().filter(p -> !p.tls() && !p.unreachable()).toList();
        List<MxTls> daneMismatch = tls.stream().filter(MxTls::daneMismatch).toList();
        if (!expired.isEmpty()) {
            present.put(AlertKind.CERTIFICATE_EXPIRED, new Problem(AlertKind.CERTIFICATE_EXPIRED,
                "certificate-expired", "the certificate of " + hostsAndDates(expired) + " has expired: senders that "
                    + "validate it (MTA-STS) defer the mail", hosts(expired)));
        }
        if (!expiring.isEmpty()) {
            present.put(AlertKind.CERTIFICATE_EXPIRING, new Problem(AlertKind.CERTIFICATE_EXPIRING,
                "certificate-expiring", "the certificate of " + hostsAndDates(expiring) + " expires within "
                    + expiryWarning.toDays() + " days", hosts(expiring)));
        }
        if (!invalid.isEmpty() && validated) {
            boolean untrusted = invalid.stream().anyMatch(p -> !p.trusted());
            present.put(AlertKind.CERTIFICATE_INVALID, new Problem(AlertKind.CERTIFICATE_INVALID,
                untrusted ? "certificate-not-trusted" : "certificate-host-mismatch", "the certificate of "
                    + String.join(", ", invalid.stream().map(p -> p.where() + (p.trusted() ? " does not name the host"
                    : " does not chain to a trusted CA") + " (" + p.detail() + ")").toList())
                    + ", and the domain's MTA-STS policy (" + current.stsStatus() + ") has senders check it",
                hosts(invalid)));
        } else if (!invalid.isEmpty() && !current.stsKnown()) {
            unknown.add(AlertKind.CERTIFICATE_INVALID);
        }
        if (!noTls.isEmpty()) {
            present.put(AlertKind.STARTTLS_UNAVAILABLE, new Problem(AlertKind.STARTTLS_UNAVAILABLE,
                "starttls-not-supported", String.join(", ", noTls.stream().map(p -> p.where() + ": " + p.detail())
                    .toList()) + ": senders deliver in clear text or, under a policy, not at all", hosts(noTls)));
        }
        if (!daneMismatch.isEmpty() && current.daneAuthenticated()) {
            present.put(AlertKind.DANE_TLSA_MISMATCH, new Problem(AlertKind.DANE_TLSA_MISMATCH, "tlsa-invalid",
                String.join(", ", daneMismatch.stream().map(p -> p.where() + ": " + p.daneDetail()).toList())
                    + " (its TLSA records are DNSSEC-authenticated, so DANE senders apply them)", hosts(daneMismatch)));
        } else if (!daneMismatch.isEmpty() && !current.daneKnown()) {
            unknown.add(AlertKind.DANE_TLSA_MISMATCH);
        }
        if (!current.mxTlsKnown()) {
            MX_TLS_KINDS.stream().filter(k -> !present.containsKey(k)).forEach(unknown::add);
        }
    }

    /**
     * The policy read this check differs from the last one read (mode, mx lines, max_age; rounds whose fetch failed
     * or whose record was gone in between do not count) under the same id: senders that cached the last one keep it.
     * Open, it lasts until the id changes (the content may have gone back, but whether a sender's cache holds the
     * one or the other cannot be known); a policy not read this check (its fetch failed: its own alert) tells
     * nothing.
     */
    private static void idUnchanged(PolicyPosture current, WatchedDomain.LastPolicy last, boolean open,
                                    Map<AlertKind, Problem> present, Set<AlertKind> unknown) {
        AlertKind kind = AlertKind.MTA_STS_ID_UNCHANGED;
        if (!current.stsPolicyRead()) {
            if (open && current.stsId() != null) {
                unknown.add(kind);
            }
            return;
        }
        if (last == null || current.stsId() == null || !current.stsId().equals(last.id())) {
            return;
        }
        String changed = policyChange(last, current);
        if (changed.isEmpty() && !open) {
            return;
        }
        present.put(kind, new Problem(kind, kind.code(), "its MTA-STS policy "
            + (changed.isEmpty() ? "changed" : "changed (" + changed + ")") + " while the id of _mta-sts."
            + current.domain() + " stayed " + current.stsId() + ": senders that fetched the policy before keep "
            + "applying the one they cached for up to its max_age (" + last.maxAge() + " s)", List.of()));
    }

    /** What differs between two policies read, as "mode testing -> enforce; mx [a] -> [b]" (empty: nothing). */
    private static String policyChange(WatchedDomain.LastPolicy before, PolicyPosture after) {
        List<String> parts = new java.util.ArrayList<>();
        if (!before.mode().equals(after.stsStatus())) {
            parts.add("mode " + before.mode() + " -> " + after.stsStatus());
        }
        if (!new java.util.TreeSet<>(before.mx()).equals(new java.util.TreeSet<>(after.stsMx()))) {
            parts.add("mx " + before.mx() + " -> " + after.stsMx());
        }
        if (before.maxAge() != after.stsMaxAge()) {
            parts.add("max_age " + before.maxAge() + " -> " + after.stsMaxAge());
        }
        return String.join("; ", parts);
    }

    private static List<String> hosts(List<MxTls> probes) {
        return probes.stream().map(MxTls::host).distinct().toList();
    }

    private static String hostsAndDates(List<MxTls> probes) {
        return String.join(", ", probes.stream().map(p -> p.where() + " (not after " + p.notAfter() + ")").toList());
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
