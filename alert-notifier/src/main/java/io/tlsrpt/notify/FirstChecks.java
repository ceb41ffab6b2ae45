package io.tlsrpt.notify;

import java.util.Locale;

/** What an on-call engineer should look at first, per RFC 8460 result type (and alert kind). */
final class FirstChecks {

    private FirstChecks() {
    }

    /** The kind of the stream processor's alert about a reporter that stopped sending reports about a domain. */
    static final String REPORTS_STOPPED = "reports-stopped";

    /**
     * The only reporter of an alert from {@code tlsrpt watch}: its own checks of the domain's published records and
     * policy found the problem, not a sender's report.
     */
    static final String WATCH_REPORTER = "tlsrpt watch";

    /** Whether {@code tlsrpt watch} raised the alert. */
    static boolean fromWatch(AlertRecord alert) {
        return alert.reporters().size() == 1 && WATCH_REPORTER.equals(alert.reporters().get(0));
    }

    /**
     * The stream processor's pseudo result type of sessions delivered under no enforced policy (no-policy-found, or
     * MTA-STS in testing or none mode), which did not fail.
     */
    static final String NOT_ENFORCED = "policy-not-enforced";

    /** What happened to an alert's counted sessions, after "N of M sessions". */
    static String outcome(String resultType) {
        return NOT_ENFORCED.equals(resultType) ? "were delivered under no enforced policy"
                : "failed with " + resultType;
    }

    static String forAlert(String kind, String resultType, String policyDomain) {
        if (REPORTS_STOPPED.equals(kind)) {
            return "Check that _smtp._tls." + policyDomain + " still publishes a TLSRPTv1 record whose rua reaches this "
                    + "intake (dig TXT _smtp._tls." + policyDomain + "), that the domain still receives mail from the "
                    + "reporter above, and that the intake took its last reports (mailbox, spool, HTTPS answers).";
        }
        if ("tlsrpt-record-broken".equals(kind)) {
            return "Check the TXT record at _smtp._tls." + policyDomain + " (dig TXT _smtp._tls." + policyDomain
                    + ", tlsrpt check-record " + policyDomain + "): exactly one record beginning v=TLSRPTv1 with a "
                    + "valid rua; a DNS change or zone rollout may have dropped it.";
        }
        if ("tlsrpt-rua-unreachable".equals(kind)) {
            return "Check the rua destinations of _smtp._tls." + policyDomain + " (tlsrpt check-record " + policyDomain
                    + "): a mailto: domain must have MX records (dig MX), an https: endpoint must answer with a "
                    + "certificate valid for its host; the reports sent to a dead one are lost, not retried for long.";
        }
        if ("mta-sts-mx-not-covered".equals(kind)) {
            return "Compare the MX records of " + policyDomain + " (dig MX " + policyDomain + ") with the mx: lines of "
                    + "https://mta-sts." + policyDomain + "/.well-known/mta-sts.txt: a new or renamed MX host must be "
                    + "added to the policy (with a new id in _mta-sts." + policyDomain + ") before it takes mail.";
        }
        if ("mta-sts-id-unchanged".equals(kind)) {
            return "Compare the id in _mta-sts." + policyDomain + " (dig TXT _mta-sts." + policyDomain + ") with "
                    + "https://mta-sts." + policyDomain + "/.well-known/mta-sts.txt: the policy file changed but the "
                    + "id did not, so senders keep the policy they cached; publish a new id (e.g. a timestamp) now, "
                    + "and with every later change of the file.";
        }
        if (kind.toLowerCase(Locale.ROOT).contains("downgrade")) {
            return "STARTTLS may be stripped on the path to " + policyDomain + ": confirm every MX still offers "
                    + "STARTTLS (openssl s_client -starttls smtp), then compare the reporters and sending IPs above - "
                    + "one network or region seeing it points at an on-path attacker or a middlebox.";
        }
        return switch (resultType.toLowerCase(Locale.ROOT)) {
            case "starttls-not-supported" -> "Check that every MX of " + policyDomain
                    + " offers STARTTLS and that no firewall or SMTP proxy in front of them removes it.";
            case "certificate-expired" -> "Check the expiry of the certificates served by the MX hosts above "
                    + "and whether renewal (e.g. ACME) ran and the MTA was reloaded.";
            case "certificate-expiring" -> "Renew the certificates of the MX hosts above before the date in the "
                    + "summary (check that renewal, e.g. ACME, runs) and reload the MTA so that it serves them.";
            case "certificate-host-mismatch" -> "Check that the MX certificates name the MX host names above "
                    + "(subjectAltName) and that the MTA serves the right certificate (SNI).";
            case "certificate-not-trusted" -> "Check the MX certificate chain: a public CA and the intermediate "
                    + "certificates must be served.";
            case "validation-failure" -> "Check the MX certificates and the policy (MTA-STS mx patterns / TLSA "
                    + "records) against what the MX hosts serve.";
            case "tlsa-invalid", "dane-required" -> "Check the TLSA records of the MX hosts against their current "
                    + "certificates (a key rollover without updating TLSA breaks DANE).";
            case "dnssec-invalid" -> "Check the DNSSEC chain of " + policyDomain
                    + " and its MX zones (expired signatures, DS mismatch after a key rollover).";
            case "sts-policy-fetch-error" -> "Check that https://mta-sts." + policyDomain
                    + "/.well-known/mta-sts.txt is reachable with a valid certificate.";
            case "sts-policy-invalid" -> "Check the syntax of https://mta-sts." + policyDomain
                    + "/.well-known/mta-sts.txt and the _mta-sts TXT record id.";
            case NOT_ENFORCED -> "Check that _mta-sts." + policyDomain + " still publishes a STSv1 record,"
                    + " that https://mta-sts." + policyDomain + "/.well-known/mta-sts.txt still says mode: enforce"
                    + " (tlsrpt check-record " + policyDomain + " shows both), and that the TLSA records of its MX"
                    + " hosts are still published and signed: the reporters above now deliver without an enforced"
                    + " policy.";
            case "sts-webpki-invalid" -> "Check the certificate of mta-sts." + policyDomain
                    + " (expired, wrong name or untrusted chain).";
            default -> "Compare the reporters, sending IPs and MX hosts above with recent changes to the MX hosts "
                    + "and the TLS policy of " + policyDomain + ".";
        };
    }
}
