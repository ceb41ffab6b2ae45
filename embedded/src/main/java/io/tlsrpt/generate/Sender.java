package io.tlsrpt.generate;

/** The three reporters every generated domain hears from, with their share of the domain's inbound sessions. */
enum Sender {
    GOOGLE(0.50, new String[] {"209.85.220", "209.85.128", "209.85.167"}),
    MICROSOFT(0.35, new String[] {"40.107.22", "52.101.56", "40.92.18"}),
    /** The domain's smtp-tls-reporting (Postfix) operator; its IP prefix comes from the operator. */
    SMALL(0.15, new String[0]);

    private final double share;
    private final String[] ipPrefixes;

    Sender(double share, String[] ipPrefixes) {
        this.share = share;
        this.ipPrefixes = ipPrefixes;
    }

    double share() {
        return share;
    }

    String[] ipPrefixes(DomainProfile domain) {
        return this == SMALL ? new String[] {domain.smallReporter().ipPrefix()} : ipPrefixes;
    }
}
