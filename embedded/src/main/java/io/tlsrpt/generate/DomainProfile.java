package io.tlsrpt.generate;

import java.util.List;

/**
 * A generated receiving domain: its name, mail volume, MX hosts, published policies and the small reporter that
 * also sends it reports.
 *
 * @param index          0-based position among the generated domains
 * @param name           the policy domain
 * @param medianSessions median sessions per day over all reporters
 * @param mxHosts        MX host names
 * @param mxIps          the receiving IP of each MX host
 * @param dane           whether the MX hosts publish TLSA records (then Microsoft and Postfix report a tlsa policy)
 * @param tlsaRecords    TLSA records ("3 1 1 HEX") when {@code dane}
 * @param notTrustedRate background rate of certificate-not-trusted among the small reporter's sessions
 * @param smallReporter  the smtp-tls-reporting operator that reports for this domain
 * @param mtaSts         whether the domain publishes an MTA-STS policy (in enforce mode); without one, the senders
 *                       report its sessions under no-policy-found (or tlsa, where they apply its DANE)
 */
record DomainProfile(int index, String name, long medianSessions, List<String> mxHosts, List<String> mxIps,
                     boolean dane, List<String> tlsaRecords, double notTrustedRate, SmallReporter smallReporter,
                     boolean mtaSts) {

    /** The MTA-STS policy lines (policy-string of an sts policy). */
    List<String> stsPolicyLines() {
        return List.of("version: STSv1", "mode: enforce", "mx: *." + name, "max_age: 604800");
    }

    /** The MTA-STS mx patterns (mx-host of an sts policy). */
    List<String> stsMxPatterns() {
        return List.of("*." + name);
    }

    /**
     * An operator of Postfix with smtp-tls-reporting that posts reports over HTTPS.
     *
     * @param organization organization-name and host name
     * @param contact      contact-info
     * @param stsAware     whether its Postfix resolves MTA-STS (if not, it reports no-policy-found without a domain)
     * @param gzip         whether it posts gzip (application/tlsrpt+gzip) or bare JSON
     * @param ipPrefix     first three octets of its sending IPs
     */
    record SmallReporter(String organization, String contact, boolean stsAware, boolean gzip, String ipPrefix) {

        static final List<SmallReporter> POOL = List.of(
            new SmallReporter("mail.hostingco.example", "postmaster@hostingco.example", true, true, "198.51.100"),
            new SmallReporter("mx.uni-campus.example", "tlsrpt@uni-campus.example", false, true, "192.0.2"),
            new SmallReporter("relay.isp-north.example", "noc@isp-north.example", true, false, "198.19.12"),
            new SmallReporter("smtp.smallbiz.example", "admin@smallbiz.example", false, false, "198.18.7"));
    }
}
