package io.tlsrpt.processor.decode;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.zip.ZipEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes a report payload that is not a mail: JSON, gzip or zip, sniffed from its first bytes and
 * streamed through {@link LimitedInputStream}s, so that nothing is ever inflated into memory before
 * it is checked. Archives may nest up to {@link DecoderLimits#maxArchiveDepth()} layers.
 */
final class PayloadDecoder {

    private static final Logger LOG = LoggerFactory.getLogger(PayloadDecoder.class);
    /** Small payloads fit whole and are parsed from the array; larger ones stream on. */
    private static final int SNIFF_BUFFER = 4096;
    private static final int GZIP_BUFFER = 4096;

    private final ReportJsonReader json;
    private final InflaterPool inflaters = new InflaterPool();

    PayloadDecoder(ReportJsonReader json) {
        this.json = json;
    }

    /** The reports of a payload held in memory (the raw input itself). */
    List<DraftReport> decode(byte[] raw, PayloadKind declared, DecodeContext context) throws IOException {
        return decode(raw, 0, raw.length, declared, context);
    }

    /** The reports of a payload at {@code raw[from, to)} (the raw input, or a mail attachment already decoded). */
    List<DraftReport> decode(byte[] raw, int from, int to, PayloadKind declared, DecodeContext context)
        throws IOException {
        context.stage(DecodeContext.Stage.SNIFF);
        int pos = from;
        boolean padded = false;
        while (pos < to && isPadding(raw[pos])) {
            padded |= raw[pos] == 0;
            pos++;
        }
        PayloadKind kind = PayloadKind.of(raw, pos, to);
        List<DraftReport> drafts;
        if (kind == PayloadKind.JSON) {
            // parse straight from the array: Jackson's fastest path
            drafts = json.read(raw, pos, to - pos, context);
        } else if (kind == PayloadKind.GZIP) {
            // inflate straight from the array with the decoder's reusable Inflater (GzipArrayInputStream)
            checkDepth(0, "gzip", context);
            context.stage(DecodeContext.Stage.DECOMPRESS);
            drafts = inflate(new GzipArrayInputStream(raw, pos, to, inflaters), 0, context);
        } else {
            drafts = decodeKind(kind, new ByteArrayInputStream(raw, pos, to - pos), raw, pos, to, 0, context);
        }
        return mark(drafts, kind, declared, padded);
    }

    /** The reports of a payload read from a stream (a mail attachment, an archive entry). */
    List<DraftReport> decode(InputStream in, PayloadKind declared, int archiveDepth, DecodeContext context)
        throws IOException {
        context.stage(DecodeContext.Stage.SNIFF);
        byte[] buf = new byte[SNIFF_BUFFER];
        int len = 0;
        int pos = 0;
        boolean padded = false;
        // whether the stream is known to be at its end (a read gave less than asked): never read a byte to find out
        boolean ended = false;
        while (true) {
            if (pos == len) {
                len = in.readNBytes(buf, 0, buf.length);
                ended = len < buf.length;
                pos = 0;
                if (len == 0) {
                    break;
                }
            }
            if (!isPadding(buf[pos])) {
                break;
            }
            padded |= buf[pos] == 0;
            pos++;
        }
        if (len - pos < 4 && len > 0) {
            // make sure the magic numbers are in the buffer
            System.arraycopy(buf, pos, buf, 0, len - pos);
            len -= pos;
            pos = 0;
            int wanted = 4 - len;
            int topped = in.readNBytes(buf, len, wanted);
            len += topped;
            ended = ended || topped < wanted;
        }
        PayloadKind kind = PayloadKind.of(buf, pos, len);
        if (kind == PayloadKind.JSON && ended) {
            // the whole payload fit in the sniff buffer (most reports do): Jackson parses arrays fastest
            return mark(json.read(buf, pos, len - pos, context), kind, declared, padded);
        }
        InputStream whole = new SequenceInputStream(new ByteArrayInputStream(buf, pos, len - pos), in);
        return mark(decodeKind(kind, whole, buf, pos, len, archiveDepth, context), kind, declared, padded);
    }

    /** A mail attachment announced as one kind can be another; its file name may say which. */
    private static List<DraftReport> mark(List<DraftReport> drafts, PayloadKind kind, PayloadKind declared,
                                          boolean padded) {
        boolean mismatch = declared != null && declared != kind
            && (declared == PayloadKind.JSON || declared == PayloadKind.GZIP || declared == PayloadKind.ZIP);
        for (DraftReport draft : drafts) {
            if (padded) {
                draft.deviations().add(Deviation.LEADING_PADDING);
            }
            if (mismatch) {
                draft.deviations().add(Deviation.MEDIA_TYPE_MISMATCH);
            }
        }
        return drafts;
    }

    private List<DraftReport> decodeKind(PayloadKind kind, InputStream in, byte[] head, int pos, int end,
                                         int archiveDepth, DecodeContext context) throws IOException {
        switch (kind) {
            case JSON:
                return json.read(in, context);
            case GZIP:
                checkDepth(archiveDepth, "gzip", context);
                return gunzip(in, archiveDepth, context);
            case ZIP:
                checkDepth(archiveDepth, "zip", context);
                return unzip(in, archiveDepth, context);
            case EMPTY:
                throw new DecodeFailure(RejectReason.NO_REPORT_FOUND, "the payload is empty");
            default:
                throw new DecodeFailure(RejectReason.NOT_JSON, "the payload is neither JSON, gzip nor zip; it starts with '"
                    + Texts.describeBytes(head, pos, Math.min(end - pos, 24)) + "'");
        }
    }

    private List<DraftReport> gunzip(InputStream in, int archiveDepth, DecodeContext context) throws IOException {
        context.stage(DecodeContext.Stage.DECOMPRESS);
        return inflate(CountingInflaterStreams.Gzip.of(in, GZIP_BUFFER), archiveDepth, context);
    }

    /** The reports of a gzip stream, every inflated byte counted against the caps; the stream is closed. */
    private <T extends InputStream & LongSupplier> List<DraftReport> inflate(T gzip, int archiveDepth,
                                                                             DecodeContext context) throws IOException {
        try (InputStream inflated = new LimitedInputStream(gzip, gzip, context, true)) {
            return decode(inflated, null, archiveDepth + 1, context);
        }
    }

    private List<DraftReport> unzip(InputStream in, int archiveDepth, DecodeContext context) throws IOException {
        context.stage(DecodeContext.Stage.DECOMPRESS);
        List<DraftReport> drafts = new ArrayList<>();
        DecodeFailure firstFailure = null;
        int entries = 0;
        int skipped = 0;
        try (CountingInflaterStreams.Zip zip = new CountingInflaterStreams.Zip(in)) {
            ZipEntry entry;
            while ((entry = zip.nextEntry()) != null) {
                if (++entries > context.limits().maxArchiveEntries()) {
                    throw new DecodeFailure(RejectReason.ARCHIVE_LIMIT, "the zip has more than "
                        + context.limits().maxArchiveEntries() + " entries (" + DecoderLimits.MAX_ARCHIVE_ENTRIES + ")");
                }
                if (entry.isDirectory()) {
                    continue;
                }
                InputStream body = new LimitedInputStream(zip, zip, context, false);
                try {
                    drafts.addAll(decode(body, PayloadKind.declared(null, entry.getName()), archiveDepth + 1, context));
                } catch (IOException | RuntimeException e) {
                    DecodeFailure failure = Failures.asFailure(e, context.stage());
                    if (failure.isFatal()) {
                        throw failure;
                    }
                    skipped++;
                    LOG.debug("zip entry '{}' is not a report: {}", entry.getName(), failure.getMessage());
                    if (firstFailure == null) {
                        firstFailure = new DecodeFailure(failure.reason(),
                            "zip entry '" + Texts.abbreviate(entry.getName(), 80) + "': " + failure.getMessage(), failure);
                    }
                }
            }
        }
        if (drafts.isEmpty()) {
            if (firstFailure != null) {
                throw firstFailure;
            }
            throw new DecodeFailure(RejectReason.NO_REPORT_FOUND, "the zip holds no report (" + entries + " entries)");
        }
        for (DraftReport draft : drafts) {
            EnumSet<Deviation> deviations = draft.deviations();
            deviations.add(Deviation.ZIP_ARCHIVE);
            if (skipped > 0) {
                deviations.add(Deviation.UNDECODABLE_PART_SKIPPED);
            }
        }
        return drafts;
    }

    private static void checkDepth(int archiveDepth, String what, DecodeContext context) throws DecodeFailure {
        if (archiveDepth >= context.limits().maxArchiveDepth()) {
            throw new DecodeFailure(RejectReason.ARCHIVE_LIMIT, "a " + what + " archive nested " + (archiveDepth + 1)
                + " levels deep; at most " + context.limits().maxArchiveDepth() + " (" + DecoderLimits.MAX_ARCHIVE_DEPTH + ")");
        }
    }

    /** JSON whitespace, and NUL bytes that some tools pad with. */
    private static boolean isPadding(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t' || b == 0;
    }
}
