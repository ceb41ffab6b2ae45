package io.tlsrpt.processor.decode;

import io.tlsrpt.schema.MailHeaders;
import io.tlsrpt.schema.Provenance;
import io.tlsrpt.schema.TlsReport;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;

/** Builds the Avro {@link TlsReport}: deviations as codes, provenance, and the dedup key. */
final class ReportAssembler {

    private static final HexFormat HEX = HexFormat.of();

    private ReportAssembler() {
    }

    static TlsReport assemble(DraftReport draft, EnumSet<Deviation> extra, DecodeHints hints, String rawSha256,
                              MailHeaders mail) {
        EnumSet<Deviation> all = EnumSet.copyOf(draft.deviations());
        all.addAll(extra);
        List<String> codes = new ArrayList<>(all.size());
        for (Deviation deviation : all) {
            codes.add(deviation.code());
        }
        Instant receivedAt = hints.receivedAt() == null ? null : hints.receivedAt().truncatedTo(ChronoUnit.MILLIS);
        Provenance provenance = new Provenance(hints.source(), receivedAt, hints.origin(), hints.contentType(),
            hints.fileName(), rawSha256, mail, hints.dkim());
        return new TlsReport(draft.organizationName(), draft.contactInfo(), draft.reportId(), draft.start(),
            draft.end(), draft.policies(), codes, dedupKey(draft), provenance);
    }

    /** sha-256 (hex) of organization name, report id, ISO start and ISO end, newline-separated. */
    static String dedupKey(DraftReport draft) {
        String material = draft.organizationName() + "\n" + draft.reportId() + "\n"
            + Timestamps.isoInstant(draft.start()) + "\n" + Timestamps.isoInstant(draft.end());
        return sha256(material.getBytes(StandardCharsets.UTF_8));
    }

    static String sha256(byte[] bytes) {
        return HEX.formatHex(Sha256.digest().digest(bytes));
    }
}
