package io.tlsrpt.processor.topology;

import io.tlsrpt.schema.TlsReport;

/** What the decode stage forwards: a report, or the original bytes of a rejected record. */
sealed interface DecodeOutcome permits DecodeOutcome.Report, DecodeOutcome.Rejected {

    record Report(TlsReport report) implements DecodeOutcome {
    }

    record Rejected(byte[] raw) implements DecodeOutcome {
    }
}
