package io.tlsrpt.processor.decode;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsrpt.schema.TlsReport;
import java.util.List;

/** Test helpers: decode and insist on the expected outcome, with the rejection in the failure message. */
final class Decoding {

    static final ReportDecoder DECODER = new ReportDecoder();

    private Decoding() {
    }

    static List<TlsReport> reports(byte[] raw, DecodeHints hints) {
        return reports(DECODER, raw, hints);
    }

    static List<TlsReport> reports(ReportDecoder decoder, byte[] raw, DecodeHints hints) {
        DecodeResult result = decoder.decode(raw, hints);
        assertThat(result).as("decode result").isInstanceOf(DecodeResult.Decoded.class);
        return ((DecodeResult.Decoded) result).reports();
    }

    static TlsReport single(byte[] raw) {
        List<TlsReport> reports = reports(raw, DecodeHints.none());
        assertThat(reports).hasSize(1);
        return reports.get(0);
    }

    static DecodeResult.Rejected rejected(byte[] raw) {
        return rejected(DECODER, raw, DecodeHints.none());
    }

    static DecodeResult.Rejected rejected(ReportDecoder decoder, byte[] raw, DecodeHints hints) {
        DecodeResult result = decoder.decode(raw, hints);
        assertThat(result).as("decode result").isInstanceOf(DecodeResult.Rejected.class);
        return (DecodeResult.Rejected) result;
    }
}
