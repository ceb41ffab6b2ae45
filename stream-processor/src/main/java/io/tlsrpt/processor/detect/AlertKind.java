package io.tlsrpt.processor.detect;

import java.util.Locale;
import java.util.Optional;

/**
 * What an alert asks the operator to do, derived from the RFC 8460 result type. The codes are the
 * {@code kind} field of tlsrpt.alerts.
 */
public enum AlertKind {
    STARTTLS_DOWNGRADE_SUSPECTED(Severity.CRITICAL,
            "senders that used to negotiate TLS now see no STARTTLS: check for a man-in-the-middle stripping it"),
    STARTTLS_UNAVAILABLE(Severity.WARNING, "check that every MX host still offers STARTTLS"),
    CERTIFICATE_EXPIRED(Severity.CRITICAL, "renew the MX certificate"),
    CERTIFICATE_INVALID(Severity.CRITICAL,
            "fix the MX certificate (host name, chain of trust) so it validates"),
    MTA_STS_POLICY_UNREACHABLE(Severity.WARNING, "make the MTA-STS policy reachable at https://mta-sts.<domain>/.well-known/mta-sts.txt"),
    MTA_STS_POLICY_INVALID(Severity.WARNING, "fix the syntax of the MTA-STS policy file"),
    MTA_STS_CERTIFICATE_INVALID(Severity.WARNING, "fix the certificate of the mta-sts.<domain> web server"),
    DANE_TLSA_MISMATCH(Severity.CRITICAL, "update the TLSA records to match the MX certificate (or the certificate to the records)"),
    DNSSEC_BROKEN(Severity.CRITICAL, "repair the DNSSEC chain of the MX records"),
    FAILURE_SPIKE(Severity.WARNING, "investigate the rise in failed TLS sessions"),
    /**
     * Not a failure: the domain's sessions went from an enforced policy (MTA-STS in enforce mode, DANE) to none
     * ({@code no-policy-found}, or MTA-STS in testing or none mode); see {@link PolicyEnforcement}.
     */
    TLS_POLICY_NOT_ENFORCED(Severity.WARNING, "check that the domain still publishes its MTA-STS policy in enforce"
            + " mode (the _mta-sts TXT record and https://mta-sts.<domain>/.well-known/mta-sts.txt) and its TLSA"
            + " records: until it does, senders deliver its mail without requiring TLS, so a STARTTLS downgrade"
            + " goes unnoticed"),
    /** Not from a result type: a reporter that sent reports about the domain regularly has stopped (SilenceStage). */
    REPORTS_STOPPED(Severity.WARNING, "check that the domain still publishes its _smtp._tls TXT record with this rua,"
            + " and that this reporter's reports still reach the intake"),
    /** Not from reports: {@code tlsrpt watch} found the domain's _smtp._tls record missing, invalid or duplicated. */
    TLSRPT_RECORD_BROKEN(Severity.WARNING, "publish exactly one valid _smtp._tls TXT record (v=TLSRPTv1; rua=...):"
            + " until then senders have nowhere to send the domain's reports, and failures go unseen"),
    /**
     * Not from reports: {@code tlsrpt watch} found a rua destination of the domain's valid _smtp._tls record that
     * takes no reports (a mail domain that takes no mail, an HTTPS endpoint that does not answer with a valid
     * certificate).
     */
    TLSRPT_RUA_UNREACHABLE(Severity.WARNING, "make the record's rua destinations take reports (the mailbox's domain"
            + " must take mail; the HTTPS endpoint must answer with a certificate valid for its host), or publish"
            + " ones that do: the reports sent there are lost"),
    /**
     * Not from reports: {@code tlsrpt watch} found an MX host that no {@code mx:} line of the domain's MTA-STS policy
     * in enforce mode covers (senders report it as {@code validation-failure}).
     */
    MTA_STS_MX_NOT_COVERED(Severity.CRITICAL, "add the MX host to the MTA-STS policy's mx: lines (and change the"
            + " policy id) or remove it from the MX records: senders that apply the policy will not deliver to it"),
    /** Not from reports: {@code tlsrpt watch --probe-mx} found an MX certificate that expires soon. */
    CERTIFICATE_EXPIRING(Severity.WARNING, "renew the MX certificate before it expires, and reload the MTA"
            + " so that it serves the new one"),
    /**
     * Not from reports: {@code tlsrpt watch} found the domain's MTA-STS policy changed while the id of its
     * {@code _mta-sts} record did not (RFC 8461 section 3.1), so that senders keep the policy they cached.
     */
    MTA_STS_ID_UNCHANGED(Severity.WARNING, "change the id in the _mta-sts TXT record whenever the policy file"
            + " changes: senders fetch the policy again only when the id changes, and until then keep applying the"
            + " one they cached, for up to its max_age");

    private final Severity severity;
    private final String action;

    AlertKind(Severity severity, String action) {
        this.severity = severity;
        this.action = action;
    }

    /**
     * Whether the stream processor's detector raises this kind (from reports); the others come from the reporter
     * silence check or from {@code tlsrpt watch} only.
     */
    public boolean detectedFromReports() {
        return this != REPORTS_STOPPED && this != TLSRPT_RECORD_BROKEN && this != TLSRPT_RUA_UNREACHABLE
                && this != MTA_STS_MX_NOT_COVERED
                && this != CERTIFICATE_EXPIRING && this != MTA_STS_ID_UNCHANGED;
    }

    public String code() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public Severity severity() {
        return severity;
    }

    /** The operator's next step, one imperative phrase. */
    public String action() {
        return action;
    }

    public static AlertKind fromCode(String code) {
        return find(code).orElseThrow(() -> new IllegalArgumentException("unknown alert kind " + code));
    }

    /** The kind of that code; empty for one this version does not know (stored by another version) or null. */
    public static Optional<AlertKind> find(String code) {
        for (AlertKind kind : values()) {
            if (kind.code().equals(code)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    /** What happened to the sessions an alert counts, after "N of M sessions": the result type, or no policy. */
    public String outcome(String resultType) {
        return this == TLS_POLICY_NOT_ENFORCED
                ? "were delivered under no enforced policy (no-policy-found, or MTA-STS in testing or none mode)"
                : "failed with " + resultType;
    }

    /**
     * The kind for a result type. {@code starttls-not-supported} on a domain whose baseline failure rate is
     * near zero is a suspected downgrade; on a domain that always had some, a plain loss of STARTTLS.
     */
    public static AlertKind forResultType(String resultType, double baselineRate, double downgradeBaselineRate) {
        return switch (resultType == null ? "" : resultType.toLowerCase(Locale.ROOT)) {
            case "starttls-not-supported" -> baselineRate <= downgradeBaselineRate
                    ? STARTTLS_DOWNGRADE_SUSPECTED : STARTTLS_UNAVAILABLE;
            case "certificate-expired" -> CERTIFICATE_EXPIRED;
            case "certificate-host-mismatch", "certificate-not-trusted", "validation-failure" -> CERTIFICATE_INVALID;
            case "sts-policy-fetch-error" -> MTA_STS_POLICY_UNREACHABLE;
            case "sts-policy-invalid" -> MTA_STS_POLICY_INVALID;
            case "sts-webpki-invalid" -> MTA_STS_CERTIFICATE_INVALID;
            case "tlsa-invalid", "dane-required" -> DANE_TLSA_MISMATCH;
            case "dnssec-invalid" -> DNSSEC_BROKEN;
            case PolicyEnforcement.NOT_ENFORCED -> TLS_POLICY_NOT_ENFORCED;
            default -> FAILURE_SPIKE;
        };
    }
}
