package io.tlsrpt.processor.decode;

import io.tlsrpt.schema.MailHeaders;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the report parts of an RFC 5322 mail with jakarta.mail (angus-mail) and decodes each with
 * {@link PayloadDecoder}. The session has no transport or store: nothing here touches the network.
 *
 * <p>A part is a report when its media type says so (application/tlsrpt+gzip or +json), when it has
 * one of the non-standard types senders use (application/tlsrpt, +zip, application/json, gzip, zip,
 * octet-stream) or when its file name ends in .json, .json.gz, .gz or .zip. Only when no such part
 * yields a report are the remaining leaf parts (unnamed octet-streams, text bodies) sniffed as a last
 * resort. Media types are compared case-insensitively (IMAP servers upper-case them).
 */
final class MailDecoder {

    private static final Logger LOG = LoggerFactory.getLogger(MailDecoder.class);

    /** One report found in a mail, with the mail's headers and what the mail itself deviated in. */
    record MailReport(DraftReport draft, EnumSet<Deviation> deviations, MailHeaders headers) {
    }

    private static final Set<String> STANDARD_TYPES = Set.of("application/tlsrpt+gzip", "application/tlsrpt+json");
    private static final Set<String> NON_STANDARD_TYPES = Set.of("application/tlsrpt", "application/tlsrpt+zip",
        "application/json", "application/gzip", "application/x-gzip", "application/zip", "application/x-zip",
        "application/x-zip-compressed");
    private static final String OCTET_STREAM = "application/octet-stream";
    private static final String STREAM_PROVIDER_PROPERTY = "jakarta.mail.util.StreamProvider";

    static {
        // Without this, Jakarta Mail looks its StreamProvider up through ServiceLoader (a class-path scan) several
        // times per mail: decoding a report mail ran at 0.01 of the gunzip+parse floor (BENCHMARKS.md). Naming the
        // provider skips the scan; an operator's own setting wins.
        if (System.getProperty(STREAM_PROVIDER_PROPERTY) == null) {
            System.setProperty(STREAM_PROVIDER_PROPERTY, "org.eclipse.angus.mail.util.MailStreamProvider");
        }
    }

    private final PayloadDecoder payloads;
    private final Session session;

    MailDecoder(PayloadDecoder payloads) {
        this.payloads = payloads;
        Properties properties = new Properties();
        // lenient parsing of what real mailers produce; nothing here is about sending or fetching mail
        properties.setProperty("mail.mime.address.strict", "false");
        properties.setProperty("mail.mime.parameters.strict", "false");
        properties.setProperty("mail.mime.multipart.ignoremissingendboundary", "true");
        properties.setProperty("mail.mime.multipart.allowempty", "true");
        properties.setProperty("mail.mime.decodefilename", "true");
        properties.setProperty("mail.mime.ignoreunknownencoding", "true");
        properties.setProperty("mail.mime.base64.ignoreerrors", "false");
        this.session = Session.getInstance(properties);
    }

    List<MailReport> decode(byte[] raw, DecodeContext context) throws IOException, MessagingException {
        context.stage(DecodeContext.Stage.MIME);
        checkBoundaryLines(raw, context);
        int start = skipEnvelopeLine(raw);
        MimeMessage message = new MimeMessage(session, new ByteArraySharedStream(raw, start, raw.length));
        MailFacts facts = MailFacts.of(message);

        Walk walk = new Walk(context);
        walk.visit(message, 0);
        if (walk.found.isEmpty()) {
            walk.tryFallbacks();
        }
        if (walk.found.isEmpty()) {
            if (walk.firstFailure != null) {
                throw walk.firstFailure;
            }
            throw new DecodeFailure(RejectReason.NO_REPORT_FOUND, "the mail holds no report part (subject '"
                + Texts.abbreviate(facts.subject(), 80) + "'; parts: " + String.join(", ", walk.leafTypes) + ")");
        }

        EnumSet<Deviation> mailDeviations = facts.deviations();
        if (!isTlsrptReport(message)) {
            mailDeviations.add(Deviation.NOT_MULTIPART_REPORT);
        }
        if (walk.html) {
            mailDeviations.add(Deviation.HUMAN_PART_HTML);
        }
        if (walk.extraAfterReport()) {
            mailDeviations.add(Deviation.EXTRA_PART_AFTER_REPORT);
        }
        if (walk.firstFailure != null) {
            mailDeviations.add(Deviation.UNDECODABLE_PART_SKIPPED);
            LOG.debug("a report part of the mail was skipped: {}", walk.firstFailure.getMessage());
        }
        List<MailReport> reports = new ArrayList<>();
        for (FoundPart part : walk.found) {
            MailHeaders headers = facts.headers(part.name, part.type);
            for (DraftReport draft : part.drafts) {
                EnumSet<Deviation> deviations = EnumSet.copyOf(mailDeviations);
                deviations.addAll(part.deviations);
                deviations.addAll(facts.compareWith(draft));
                reports.add(new MailReport(draft, deviations, headers));
            }
        }
        return reports;
    }

    private static boolean isTlsrptReport(MimeMessage message) {
        try {
            if (!message.isMimeType("multipart/report")) {
                return false;
            }
            String reportType = new ContentType(message.getContentType()).getParameter("report-type");
            return reportType != null && reportType.trim().equalsIgnoreCase("tlsrpt");
        } catch (MessagingException | RuntimeException e) {
            LOG.debug("unreadable top-level content type: {}", e.toString());
            return false;
        }
    }

    /**
     * jakarta.mail builds every part of a multipart at once; a flood of boundary lines would cost
     * memory before the part count is checked, so count lines starting with "--" first.
     */
    private static void checkBoundaryLines(byte[] raw, DecodeContext context) throws DecodeFailure {
        int allowed = context.limits().maxMimeParts() * 4 + 16;
        int lines = 0;
        for (int i = 0; i + 2 < raw.length; i++) {
            if (raw[i] == '\n' && raw[i + 1] == '-' && raw[i + 2] == '-' && ++lines > allowed) {
                throw new DecodeFailure(RejectReason.MIME_LIMIT, "the mail has more than " + allowed
                    + " boundary-like lines (" + DecoderLimits.MAX_MIME_PARTS + " = " + context.limits().maxMimeParts() + ")");
            }
        }
    }

    /** Skips leading blank lines and an mbox "From " envelope line, which are not headers. */
    private static int skipEnvelopeLine(byte[] raw) {
        int pos = 0;
        while (pos < raw.length && (raw[pos] == '\r' || raw[pos] == '\n')) {
            pos++;
        }
        if (raw.length - pos >= 5 && raw[pos] == 'F' && raw[pos + 1] == 'r' && raw[pos + 2] == 'o' && raw[pos + 3] == 'm'
            && raw[pos + 4] == ' ') {
            while (pos < raw.length && raw[pos] != '\n') {
                pos++;
            }
            pos = Math.min(raw.length, pos + 1);
        }
        return pos;
    }

    /** A part that yielded reports. */
    private record FoundPart(int leafIndex, String name, String type, List<DraftReport> drafts,
                             EnumSet<Deviation> deviations) {
    }

    /** Depth-first walk over the MIME tree of one mail. */
    private final class Walk {
        private final DecodeContext context;
        private final List<FoundPart> found = new ArrayList<>();
        private final List<Part> fallbacks = new ArrayList<>();
        private final List<Integer> fallbackIndexes = new ArrayList<>();
        private final List<String> leafTypes = new ArrayList<>();
        private DecodeFailure firstFailure;
        private boolean html;
        private int leaves;

        Walk(DecodeContext context) {
            this.context = context;
        }

        void visit(Part part, int depth) throws IOException, MessagingException {
            context.countMimePart();
            if (depth > context.limits().maxMimeDepth()) {
                throw new DecodeFailure(RejectReason.MIME_LIMIT, "MIME parts nested more than "
                    + context.limits().maxMimeDepth() + " levels deep (" + DecoderLimits.MAX_MIME_DEPTH + ")");
            }
            if (part.isMimeType("multipart/*")) {
                Object content = part.getContent();
                if (content instanceof Multipart multipart) {
                    int count = multipart.getCount();
                    if (count > context.limits().maxMimeParts()) {
                        throw new DecodeFailure(RejectReason.MIME_LIMIT, "a multipart has " + count + " parts, more than "
                            + context.limits().maxMimeParts() + " (" + DecoderLimits.MAX_MIME_PARTS + ")");
                    }
                    for (int i = 0; i < count; i++) {
                        visit(multipart.getBodyPart(i), depth + 1);
                    }
                    return;
                }
            } else if (part.isMimeType("message/rfc822")) {
                Object content = part.getContent();
                if (content instanceof MimeMessage nested) {
                    visit(nested, depth + 1);
                    return;
                }
            }
            leaf(part);
        }

        private void leaf(Part part) throws IOException {
            int index = leaves++;
            String type = baseType(part);
            String name = fileName(part);
            leafTypes.add(type);
            String lowerName = name == null ? "" : name.toLowerCase(Locale.ROOT);
            boolean reportName = lowerName.endsWith(".json") || lowerName.endsWith(".json.gz")
                || lowerName.endsWith(".gz") || lowerName.endsWith(".zip");
            boolean standard = STANDARD_TYPES.contains(type);
            if (standard || NON_STANDARD_TYPES.contains(type) || reportName) {
                PayloadKind declared = PayloadKind.declared(standard || NON_STANDARD_TYPES.contains(type) ? type : null,
                    name);
                EnumSet<Deviation> deviations = EnumSet.noneOf(Deviation.class);
                if (!standard) {
                    deviations.add(Deviation.NON_STANDARD_MEDIA_TYPE);
                }
                try {
                    found.add(new FoundPart(index, name, type, decodePart(part, declared), deviations));
                } catch (IOException | RuntimeException e) {
                    remember(Failures.asFailure(e, context.stage()), name, type);
                }
            } else if (isType(part, "text/html")) {
                html = true;
            } else {
                fallbacks.add(part);
                fallbackIndexes.add(index);
            }
        }

        /** Parts no report type announced (octet-streams without a name, text bodies), tried last. */
        void tryFallbacks() throws IOException {
            for (int i = 0; i < fallbacks.size(); i++) {
                Part part = fallbacks.get(i);
                String type = baseType(part);
                String name = fileName(part);
                try {
                    List<DraftReport> drafts = decodePart(part, null);
                    found.add(new FoundPart(fallbackIndexes.get(i), name, type, drafts,
                        EnumSet.of(Deviation.NON_STANDARD_MEDIA_TYPE)));
                } catch (IOException | RuntimeException e) {
                    DecodeFailure failure = Failures.asFailure(e, context.stage());
                    if (failure.isFatal()) {
                        throw failure;
                    }
                    // a human-readable text or an unrelated file: not a report, and not an error either
                    LOG.debug("mail part {} ({}) is not a report: {}", i, type, failure.getMessage());
                }
            }
        }

        /** Any leaf after the first report part that is not itself a report part. */
        boolean extraAfterReport() {
            int firstReport = Integer.MAX_VALUE;
            for (FoundPart part : found) {
                firstReport = Math.min(firstReport, part.leafIndex());
            }
            int reportLeavesAfter = 0;
            for (FoundPart part : found) {
                if (part.leafIndex() > firstReport) {
                    reportLeavesAfter++;
                }
            }
            return leaves - 1 - firstReport > reportLeavesAfter;
        }

        private List<DraftReport> decodePart(Part part, PayloadKind declared) throws IOException {
            try (InputStream body = decodedBody(part)) {
                return payloads.decode(body, declared, 0, context);
            } finally {
                context.stage(DecodeContext.Stage.MIME);
            }
        }

        private void remember(DecodeFailure failure, String name, String type) throws DecodeFailure {
            if (failure.isFatal()) {
                throw failure;
            }
            if (firstFailure == null) {
                String what = name != null ? "'" + Texts.abbreviate(name, 80) + "'" : type;
                firstFailure = new DecodeFailure(failure.reason(), "report part " + what + ": " + failure.getMessage(),
                    failure);
            }
        }
    }

    private static InputStream decodedBody(Part part) throws IOException {
        try {
            return part.getInputStream();
        } catch (MessagingException e) {
            throw new DecodeFailure(RejectReason.MALFORMED_MIME, "cannot read a MIME part: " + e.getMessage(), e);
        }
    }

    private static boolean isType(Part part, String type) {
        try {
            return part.isMimeType(type);
        } catch (MessagingException e) {
            return false;
        }
    }

    private static String baseType(Part part) {
        try {
            String contentType = part.getContentType();
            return contentType == null ? "text/plain" : PayloadKind.baseType(contentType);
        } catch (MessagingException e) {
            return "text/plain";
        }
    }

    private static String fileName(Part part) {
        try {
            String name = part.getFileName();
            return name == null ? null : MimeUtility.unfold(name).trim();
        } catch (MessagingException | RuntimeException e) {
            LOG.debug("unreadable attachment file name: {}", e.toString());
            return null;
        }
    }
}
