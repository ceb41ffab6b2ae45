package io.tlsrpt.processor.topology;

import io.tlsrpt.processor.served.ServedDomains;
import io.tlsrpt.schema.Policy;
import io.tlsrpt.schema.TlsReport;
import java.util.List;
import java.util.TreeSet;

/**
 * {@code served.domains}: a report counts only when one of its policy domains is served. A report without any policy
 * domain counts in no window and passes. As with a report dated ahead, the whole input goes to the dead letters with
 * its bytes, to be replayed once its domain is added to the list.
 */
final class ServedDomainPolicy {

    private ServedDomainPolicy() {
    }

    /** Why one of the reports is not for this installation, or null. */
    static String rejection(List<TlsReport> reports, ServedDomains served) {
        if (served.servesAll()) {
            return null;
        }
        for (TlsReport report : reports) {
            TreeSet<String> domains = new TreeSet<>();
            boolean anyServed = false;
            for (Policy policy : report.getPolicies()) {
                String domain = policy.getPolicyDomain();
                if (domain != null && !domain.isEmpty()) {
                    domains.add(domain);
                    anyServed |= served.serves(domain);
                }
            }
            if (!domains.isEmpty() && !anyServed) {
                return "report " + report.getReportId() + " of " + report.getOrganizationName()
                        + " is about " + String.join(", ", domains) + ", which this installation does not serve"
                        + " (served.domains and served.domains.file: " + served + "): misdirected or forged; if"
                        + " it is yours, add it to the list and replay this dead letter";
            }
        }
        return null;
    }
}
