package io.tlsrpt.processor.decode;

import io.tlsrpt.schema.TlsReport;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raw bytes in, normalised reports or a typed rejection out. Accepts a whole RFC 5322 mail (any
 * multipart layout, base64 or quoted-printable, standard and non-standard report media types), an
 * HTTPS body (gzip or JSON), or a bare .json / .json.gz / .zip file, sniffing the content rather than
 * trusting the hints. Every repair is recorded as a {@link Deviation}; every failure, including
 * runtime exceptions of libraries and stack overflows, becomes a {@link DecodeResult.Rejected}.
 *
 * <p>Thread-safe and reusable: one instance serves a whole stream thread pool.
 */
public final class ReportDecoder {

    private static final Logger LOG = LoggerFactory.getLogger(ReportDecoder.class);
    private static final Set<String> STANDARD_TYPES = Set.of("application/tlsrpt+gzip", "application/tlsrpt+json");

    private final DecoderLimits limits;
    private final PayloadDecoder payloads;
    private final MailDecoder mails;

    public ReportDecoder(DecoderLimits limits) {
        this.limits = limits == null ? DecoderLimits.defaults() : limits;
        this.payloads = new PayloadDecoder(new ReportJsonReader(this.limits));
        this.mails = new MailDecoder(payloads);
    }

    /** A decoder with {@link DecoderLimits#defaults()}. */
    public ReportDecoder() {
        this(DecoderLimits.defaults());
    }

    public DecoderLimits limits() {
        return limits;
    }

    /** Decodes one input. Never throws; null input or hints are allowed. */
    public DecodeResult decode(byte[] raw, DecodeHints hints) {
        DecodeHints safeHints = hints == null ? DecodeHints.none() : hints;
        DecodeContext context = new DecodeContext(limits);
        try {
            return decodeOrThrow(raw, safeHints, context);
        } catch (Throwable thrown) {  // NOPMD: the contract is "never throws", errors of libraries included
            DecodeResult.Rejected rejected = Failures.classify(thrown, context.stage());
            if (rejected.reason() == RejectReason.DECODER_ERROR) {
                LOG.warn("unexpected decoder failure for {}: {}", describe(safeHints), rejected.message(), thrown);
            } else {
                LOG.debug("rejected {} as {}: {}", describe(safeHints), rejected.reason().code(), rejected.message());
            }
            return rejected;
        }
    }

    private DecodeResult decodeOrThrow(byte[] raw, DecodeHints hints, DecodeContext context) throws Exception {
        if (raw == null || raw.length == 0) {
            return new DecodeResult.Rejected(RejectReason.NO_REPORT_FOUND, "the input is empty");
        }
        if (raw.length > limits.maxInputBytes()) {
            return new DecodeResult.Rejected(RejectReason.TOO_LARGE, "the input has " + raw.length
                + " bytes, more than " + limits.maxInputBytes() + " (" + DecoderLimits.MAX_INPUT_BYTES + ")");
        }
        PayloadKind declared = PayloadKind.declared(hints.contentType(), hints.fileName());
        if (isMail(raw, declared)) {
            List<MailDecoder.MailReport> found = mails.decode(raw, context);
            String rawSha256 = hints.rawSha256();
            List<TlsReport> reports = new ArrayList<>(found.size());
            for (MailDecoder.MailReport report : found) {
                reports.add(ReportAssembler.assemble(report.draft(), report.deviations(), hints, rawSha256,
                    report.headers()));
            }
            return new DecodeResult.Decoded(reports);
        }
        EnumSet<Deviation> extra = EnumSet.noneOf(Deviation.class);
        if ("https".equalsIgnoreCase(hints.source()) && hints.contentType() != null
            && !STANDARD_TYPES.contains(PayloadKind.baseType(hints.contentType()))) {
            extra.add(Deviation.NON_STANDARD_MEDIA_TYPE);
        }
        List<DraftReport> drafts = payloads.decode(raw, declared, context);
        String rawSha256 = hints.rawSha256();
        List<TlsReport> reports = new ArrayList<>(drafts.size());
        for (DraftReport draft : drafts) {
            reports.add(ReportAssembler.assemble(draft, extra, hints, rawSha256, null));
        }
        return new DecodeResult.Decoded(reports);
    }

    /** A mail by its first bytes; a declared message/multipart type only matters when the bytes say nothing else. */
    private static boolean isMail(byte[] raw, PayloadKind declared) {
        int pos = 0;
        while (pos < raw.length && (raw[pos] == '\r' || raw[pos] == '\n')) {
            pos++;
        }
        PayloadKind sniffed = PayloadKind.of(raw, pos, raw.length);
        return sniffed == PayloadKind.MIME || (sniffed == PayloadKind.UNKNOWN && declared == PayloadKind.MIME);
    }

    private static String describe(DecodeHints hints) {
        String where = hints.origin() != null ? hints.origin() : hints.fileName();
        return where == null ? "input" : "'" + where + "'";
    }
}
