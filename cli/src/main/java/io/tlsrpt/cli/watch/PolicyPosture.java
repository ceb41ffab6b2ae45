package io.tlsrpt.cli.watch;

import io.tlsrpt.cli.check.DaneCheck;
import io.tlsrpt.cli.check.DomainCheck;
import io.tlsrpt.cli.check.Finding;
import io.tlsrpt.cli.check.MtaStsCheck;
import io.tlsrpt.cli.check.ReportUriProbe;
import io.tlsrpt.cli.check.TlsRptDnsCheck;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one check of a domain found, reduced to what the watch compares from one check to the next. A part whose
 * DNS lookup failed ({@code dns-error}) is unknown: {@link #orPrevious} keeps the last known value of that part.
 *
 * @param tlsrpt the TLS-RPT record: valid, invalid, missing, multiple, dns-error
 * @param stsStatus MTA-STS: enforce, testing, none, missing, invalid, fetch-error, dns-error
 * @param stsFailure the result type a sender would report when the policy cannot be fetched or used, else null
 * @param stsMaxAge the policy's max_age (null when no policy was read)
 * @param stsMx the policy's mx patterns
 * @param mxNotCovered the MX hosts that no mx pattern of the policy covers (null when the MX lookup failed: unknown)
 * @param stsProblem the first error of the MTA-STS check, for the alert's summary (null when none)
 * @param dane authenticated, unauthenticated, none, no-mail, dns-error
 * @param tlsaHosts the MX hosts that have TLSA records
 * @param stsUnanswered the policy fetch got no HTTP answer at all (see {@link WideFetchFailure})
 * @param mxTls each MX host's STARTTLS probe (null when the MX hosts were not probed)
 * @param ruaReach whether each rua destination of a valid TLS-RPT record takes reports (null when not checked: the
 *                 record is not valid, or the check is off)
 */
public record PolicyPosture(String domain, Instant checkedAt, String tlsrpt, List<String> rua, String tlsrptProblem,
                            String stsStatus, String stsId, String stsFailure, Long stsMaxAge, List<String> stsMx,
                            List<String> mxNotCovered, String stsProblem, String dane, List<String> tlsaHosts,
                            boolean stsUnanswered, List<MxTls> mxTls, List<ReportUriProbe.Result> ruaReach) {

    static final String DNS_ERROR = "dns-error";
    /** An MTA-STS status the watch did not judge this round ({@link WideFetchFailure}). */
    static final String UNJUDGED = "unjudged";

    public PolicyPosture {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(checkedAt, "checkedAt");
        Objects.requireNonNull(tlsrpt, "tlsrpt");
        Objects.requireNonNull(stsStatus, "stsStatus");
        Objects.requireNonNull(dane, "dane");
        rua = List.copyOf(rua);
        stsMx = List.copyOf(stsMx);
        mxNotCovered = mxNotCovered == null ? null : List.copyOf(mxNotCovered);
        tlsaHosts = List.copyOf(tlsaHosts);
        mxTls = mxTls == null ? null : List.copyOf(mxTls);
        ruaReach = ruaReach == null ? null : List.copyOf(ruaReach);
    }

    static PolicyPosture of(DomainCheck check, Instant checkedAt) {
        List<MxTls> mxTls = check.mxTls() == null ? null : check.mxTls().stream().map(MxTls::of).toList();
        TlsRptDnsCheck t = check.tlsrpt();
        MtaStsCheck sts = Objects.requireNonNull(check.mtaSts(), "the watch checks MTA-STS");
        DaneCheck dane = Objects.requireNonNull(check.dane(), "the watch checks DANE");
        // the MX lookup failed: the policy's coverage of the MX hosts is unknown, not "all covered"
        boolean mxKnown = check.mx() != null && check.mx().answer().outcome().answered();
        return new PolicyPosture(check.domain(), checkedAt, t.status().json(), t.rua(), firstError(t.errors()),
            sts.status(), sts.id(), sts.fetchFailure(), sts.policy() == null ? null : sts.policy().maxAge(),
            sts.policy() == null ? List.of() : sts.policy().mx(),
            mxKnown ? sts.mxCoverage().stream().filter(c -> c.pattern() == null).map(MtaStsCheck.MxCoverage::host)
                .toList() : null,
            firstError(sts.errors()), dane.status(),
            dane.hosts().stream().filter(h -> !h.tlsa().isEmpty()).map(DaneCheck.Host::host).toList(),
            sts.fetchUnanswered(), mxTls, check.ruaReach());
    }

    private static String firstError(List<Finding> errors) {
        return errors.isEmpty() ? null : errors.get(0).message();
    }

    boolean tlsrptKnown() {
        return !DNS_ERROR.equals(tlsrpt);
    }

    boolean stsKnown() {
        return !DNS_ERROR.equals(stsStatus) && !UNJUDGED.equals(stsStatus);
    }

    /** The domain publishes an _mta-sts record (valid or not). */
    boolean publishesMtaSts() {
        return stsKnown() && !"missing".equals(stsStatus);
    }

    /** The domain's policy fetch got no answer at all. */
    boolean policyUnanswered() {
        return "fetch-error".equals(stsStatus) && stsUnanswered;
    }

    /** This check with its MTA-STS part not judged (the last known one is kept in its place). */
    PolicyPosture withStsUnjudged() {
        return new PolicyPosture(domain, checkedAt, tlsrpt, rua, tlsrptProblem, UNJUDGED, stsId, stsFailure,
            stsMaxAge, stsMx, mxNotCovered, stsProblem, dane, tlsaHosts, stsUnanswered, mxTls, ruaReach);
    }

    boolean daneKnown() {
        return !DNS_ERROR.equals(dane);
    }

    /** Whether every MX host was probed and answered (the probe is on and no host was unreachable). */
    boolean mxTlsKnown() {
        return mxTls != null && mxTls.stream().noneMatch(MxTls::unreachable);
    }

    /** Whether every rua destination was judged (checked, and no lookup or connection left one unknown). */
    boolean ruaKnown() {
        return ruaReach != null && ruaReach.stream().noneMatch(r -> r.outcome() == ReportUriProbe.Outcome.UNKNOWN);
    }

    /** Whether the MX hosts could be looked up, so that the policy's coverage of them is known. */
    boolean mxKnown() {
        return mxNotCovered != null;
    }

    /** Whether this check read a policy (its mode, mx lines and max_age are the policy's). */
    boolean stsPolicyRead() {
        return stsMaxAge != null && ("enforce".equals(stsStatus) || "testing".equals(stsStatus)
            || "none".equals(stsStatus));
    }

    boolean stsEnforced() {
        return "enforce".equals(stsStatus);
    }

    boolean daneAuthenticated() {
        return "authenticated".equals(dane);
    }

    /**
     * Senders must use TLS to this domain: MTA-STS in enforce mode or DNSSEC-signed TLSA records. Null when that
     * cannot be told (an unknown part, and the known one does not enforce).
     */
    Boolean enforced() {
        if (stsEnforced() || daneAuthenticated()) {
            return true;
        }
        return stsKnown() && daneKnown() ? false : null;
    }

    /** This check, with each part it could not look up taken from {@code previous} (when there is one). */
    PolicyPosture orPrevious(PolicyPosture previous) {
        if (previous == null) {
            return this;
        }
        PolicyPosture t = tlsrptKnown() ? this : previous;
        PolicyPosture s = stsKnown() ? this : previous;
        List<String> notCovered = stsKnown() && mxKnown() ? mxNotCovered : previous.mxNotCovered;
        PolicyPosture d = daneKnown() ? this : previous;
        return new PolicyPosture(domain, checkedAt, t.tlsrpt, t.rua, t.tlsrptProblem, s.stsStatus, s.stsId,
            s.stsFailure, s.stsMaxAge, s.stsMx, notCovered, s.stsProblem, d.dane, d.tlsaHosts, s.stsUnanswered,
            mxTlsKnown() ? mxTls : previous.mxTls,
            ruaKnown() || tlsrptKnown() && ruaReach == null ? ruaReach : previous.ruaReach);
    }

    /**
     * The parts this check could not tell (DNS failures; an MTA-STS policy not judged in a wide fetch outage), by
     * their posture names.
     */
    List<String> unknownParts() {
        return java.util.stream.Stream.of(tlsrptKnown() ? null : "tlsrpt", stsKnown() ? null : "mta_sts",
            mxKnown() ? null : "mx", daneKnown() ? null : "dane",
            mxTls == null || mxTlsKnown() ? null : "mx_tls", ruaReach == null || ruaKnown() ? null : "rua_reach")
            .filter(Objects::nonNull).toList();
    }
}
