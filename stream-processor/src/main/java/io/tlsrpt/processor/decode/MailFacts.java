package io.tlsrpt.processor.decode;

import io.tlsrpt.schema.MailHeaders;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

/**
 * What the headers of a report mail say (RFC 8460 section 5.3) and how they deviate: the
 * TLS-Report-Domain/-Submitter headers, the subject's Report-ID, and whether DKIM covers them.
 */
record MailFacts(String messageId, String from, String subject, String date, String tlsReportDomain,
                 String tlsReportSubmitter, String subjectReportId, EnumSet<Deviation> deviations) {

    private static final String REPORT_ID_LABEL = "Report-ID:";

    /** The facts of a mail's top-level header block. */
    static MailFacts of(MimeHeaders message) throws DecodeFailure {
        EnumSet<Deviation> deviations = EnumSet.noneOf(Deviation.class);
        String messageId = header(message, "Message-ID");
        String from = EncodedWords.decode(header(message, "From"));
        String subject = subject(message);
        String date = header(message, "Date");
        String domain = header(message, "TLS-Report-Domain");
        String submitter = header(message, "TLS-Report-Submitter");
        if (domain == null || submitter == null) {
            deviations.add(Deviation.TLS_REPORT_HEADERS_MISSING);
        }
        String subjectReportId = null;
        int label = subject == null ? -1 : Texts.indexOfIgnoreCase(subject, REPORT_ID_LABEL);
        if (label < 0) {
            deviations.add(Deviation.SUBJECT_REPORT_ID_MISSING);
        } else {
            String rest = subject.substring(label + REPORT_ID_LABEL.length()).trim();
            if (rest.startsWith("<") && rest.indexOf('>') > 0) {
                subjectReportId = rest.substring(1, rest.indexOf('>')).trim();
                if (subjectReportId.indexOf('@') < 0) {
                    deviations.add(Deviation.SUBJECT_REPORT_ID_UNBRACKETED);
                }
            } else {
                int space = firstWhitespace(rest);
                subjectReportId = space < 0 ? rest : rest.substring(0, space);
                deviations.add(Deviation.SUBJECT_REPORT_ID_UNBRACKETED);
            }
            if (subjectReportId.isEmpty()) {
                subjectReportId = null;
                deviations.add(Deviation.SUBJECT_REPORT_ID_MISSING);
            }
        }
        List<String> signatures = message.all("DKIM-Signature");
        if (signatures.isEmpty()) {
            deviations.add(Deviation.DKIM_SIGNATURE_MISSING);
        } else if (domain != null && submitter != null && !anySignatureCoversTlsHeaders(signatures)) {
            deviations.add(Deviation.DKIM_TLS_HEADERS_UNSIGNED);
        }
        return new MailFacts(messageId, from, subject, date, domain, submitter, subjectReportId, deviations);
    }

    /** Provenance headers for one report part of this mail. */
    MailHeaders headers(String attachmentName, String attachmentType) {
        return new MailHeaders(messageId, from, subject, date, tlsReportDomain, tlsReportSubmitter, subjectReportId,
            attachmentName, attachmentType);
    }

    /** What this mail's headers contradict in one of its reports. */
    EnumSet<Deviation> compareWith(DraftReport draft) {
        EnumSet<Deviation> out = EnumSet.noneOf(Deviation.class);
        if (subjectReportId != null && !subjectReportId.equals(draft.reportId())) {
            out.add(Deviation.SUBJECT_REPORT_ID_MISMATCH);
        }
        String contact = draft.contactInfo();
        if (tlsReportSubmitter != null && contact != null) {
            int at = contact.lastIndexOf('@');
            if (at >= 0) {
                String contactDomain = trimDomain(contact.substring(at + 1));
                String submitter = trimDomain(tlsReportSubmitter);
                if (!related(contactDomain, submitter)) {
                    out.add(Deviation.SUBMITTER_MISMATCH);
                }
            }
        }
        return out;
    }

    /** Equal, or one a subdomain of the other (corp.mail.ru submits for mail.ru). */
    private static boolean related(String a, String b) {
        return a.equals(b) || a.endsWith("." + b) || b.endsWith("." + a);
    }

    private static String trimDomain(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        int end = t.length();
        while (end > 0 && (t.charAt(end - 1) == '>' || t.charAt(end - 1) == '.')) {
            end--;
        }
        return t.substring(0, end);
    }

    private static boolean anySignatureCoversTlsHeaders(List<String> signatures) {
        for (String signature : signatures) {
            String headerList = null;
            for (String tag : signature.split(";")) {
                String t = tag.trim();
                if (t.startsWith("h=") || t.startsWith("h ")) {
                    headerList = t.substring(t.indexOf('=') + 1);
                    break;
                }
            }
            if (headerList == null) {
                continue;
            }
            boolean domain = false;
            boolean submitter = false;
            for (String name : headerList.split(":")) {
                String n = stripWhitespace(name).toLowerCase(Locale.ROOT);
                domain |= n.equals("tls-report-domain");
                submitter |= n.equals("tls-report-submitter");
            }
            if (domain && submitter) {
                return true;
            }
        }
        return false;
    }

    private static String stripWhitespace(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isWhitespace(s.charAt(i))) {
                out.append(s.charAt(i));
            }
        }
        return out.toString();
    }

    private static int firstWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /** The first Subject, unfolded, RFC 2047-decoded and trimmed (Jakarta Mail's getSubject), or null. */
    private static String subject(MimeHeaders message) throws DecodeFailure {
        String subject = message.first("Subject");
        return subject == null ? null : EncodedWords.decode(subject).trim();
    }

    /** Every field of this name joined with ", ", unfolded and trimmed; null when none or blank. */
    private static String header(MimeHeaders message, String name) throws DecodeFailure {
        return Texts.trimToNull(message.joined(name));
    }
}
