package io.tlsrpt.processor.decode;

import io.tlsrpt.schema.MailHeaders;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the report parts of an RFC 5322 mail with the project's own MIME reader ({@link MimeEntity}: headers,
 * parameters, multiparts and transfer encodings read in place from the mail's array) and decodes each with
 * {@link PayloadDecoder}.
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

    private final PayloadDecoder payloads;

    MailDecoder(PayloadDecoder payloads) {
        this.payloads = payloads;
    }

    List<MailReport> decode(byte[] raw, DecodeContext context) throws IOException {
        context.stage(DecodeContext.Stage.MIME);
        int start = skipEnvelopeLine(raw);
        MimeEntity message = MimeEntity.parse(raw, start, raw.length);
        MailFacts facts = MailFacts.of(message.headers());

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

    private static boolean isTlsrptReport(MimeEntity message) throws DecodeFailure {
        if (!message.baseType().equals("multipart/report")) {
            return false;
        }
        String reportType = message.contentType().get("report-type");
        return reportType != null && reportType.trim().equalsIgnoreCase("tlsrpt");
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
        private final List<MimeEntity> fallbacks = new ArrayList<>();
        private final List<Integer> fallbackIndexes = new ArrayList<>();
        private final List<String> leafTypes = new ArrayList<>();
        private DecodeFailure firstFailure;
        private boolean html;
        private int leaves;

        Walk(DecodeContext context) {
            this.context = context;
        }

        void visit(MimeEntity part, int depth) throws IOException {
            context.countMimePart();
            if (depth > context.limits().maxMimeDepth()) {
                throw new DecodeFailure(RejectReason.MIME_LIMIT, "MIME parts nested more than "
                    + context.limits().maxMimeDepth() + " levels deep (" + DecoderLimits.MAX_MIME_DEPTH + ")");
            }
            if (part.isMultipart()) {
                for (MimeEntity child : part.parts(context.limits().maxMimeParts())) {
                    visit(child, depth + 1);
                }
                return;
            }
            if (part.isMessage()) {
                visit(part.message(), depth + 1);
                return;
            }
            leaf(part);
        }

        private void leaf(MimeEntity part) throws IOException {
            int index = leaves++;
            String type = part.baseType();
            String name = part.fileName();
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
            } else if (type.equals("text/html")) {
                html = true;
            } else {
                fallbacks.add(part);
                fallbackIndexes.add(index);
            }
        }

        /** Parts no report type announced (octet-streams without a name, text bodies), tried last. */
        void tryFallbacks() throws IOException {
            for (int i = 0; i < fallbacks.size(); i++) {
                MimeEntity part = fallbacks.get(i);
                String type = part.baseType();
                String name = part.fileName();
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

        private List<DraftReport> decodePart(MimeEntity part, PayloadKind declared) throws IOException {
            try {
                TransferDecoding.Body body = part.body();
                return payloads.decode(body.array(), body.offset(), body.offset() + body.length(), declared, context);
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
}
