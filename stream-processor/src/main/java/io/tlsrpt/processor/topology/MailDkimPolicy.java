package io.tlsrpt.processor.topology;

import io.tlsrpt.schema.MailHeaders;
import io.tlsrpt.schema.Provenance;
import io.tlsrpt.schema.TlsReport;
import java.util.List;
import java.util.Locale;

/**
 * {@code mail.dkim.required}: RFC 8460 section 3 says a report mail must be DKIM-signed by the reporting domain and
 * an unsigned one ignored. The ingest connector verifies the signature (the key is a DNS lookup, so not here) and
 * writes its verdict as the raw record's {@code tlsrpt.dkim} header; this decides whether a mail report counts: a
 * {@code pass} whose d= is the reporting domain (the TLS-Report-Submitter header's, else the From address's), its
 * parent or one of its subdomains, since senders sign with their mail domain ({@code corp.mail.ru} for
 * {@code mail.ru}). A signature by any other domain proves nothing about the reporter: anyone can sign their own
 * mail.
 */
final class MailDkimPolicy {

    /** The connector's verdict header (ingest-connector's RawRecords.HEADER_DKIM). */
    static final String HEADER = "tlsrpt.dkim";

    private MailDkimPolicy() {
    }

    /** Why one of these reports of a mail does not count, or null; reports that did not come by mail pass. */
    static String rejection(List<TlsReport> reports) {
        for (TlsReport report : reports) {
            Provenance provenance = report.getProvenance();
            if (provenance == null || provenance.getMail() == null) {
                continue;
            }
            String what = "mail report " + report.getReportId() + " of " + report.getOrganizationName();
            String verdict = provenance.getDkim();
            if (verdict == null) {
                return what + " carries no DKIM verdict (the connector's dkim.verify is off, or the record came"
                        + " another way); mail.dkim.required";
            }
            if (!verdict.startsWith("pass ")) {
                return what + ": DKIM " + verdict + "; mail.dkim.required (RFC 8460 section 3: an unsigned report"
                        + " mail is ignored)";
            }
            String signer = tag(verdict, "d");
            String reporter = reportingDomain(provenance.getMail());
            if (reporter == null || signer == null || !aligned(signer, reporter)) {
                return what + " is signed by d=" + signer + ", not by its reporting domain " + reporter
                        + " (TLS-Report-Submitter, else From); mail.dkim.required";
            }
        }
        return null;
    }

    /** The domain a mail report claims to come from: its TLS-Report-Submitter, else its From address's domain. */
    static String reportingDomain(MailHeaders mail) {
        String submitter = mail.getTlsReportSubmitter();
        if (submitter != null && !submitter.isBlank()) {
            return normalise(submitter);
        }
        String from = mail.getFrom();
        if (from == null) {
            return null;
        }
        int at = from.lastIndexOf('@');
        if (at < 0) {
            return null;
        }
        String domain = from.substring(at + 1).replaceAll("[>\\s].*$", "");
        return domain.isEmpty() ? null : normalise(domain);
    }

    /** Equal, or one a subdomain of the other. */
    static boolean aligned(String signer, String reporter) {
        String d = normalise(signer);
        return d.equals(reporter) || d.endsWith("." + reporter) || reporter.endsWith("." + d);
    }

    private static String normalise(String domain) {
        String d = domain.trim().toLowerCase(Locale.ROOT);
        return d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
    }

    private static String tag(String verdict, String name) {
        for (String part : verdict.split(" ")) {
            if (part.startsWith(name + "=")) {
                return part.substring(name.length() + 1);
            }
        }
        return null;
    }
}
