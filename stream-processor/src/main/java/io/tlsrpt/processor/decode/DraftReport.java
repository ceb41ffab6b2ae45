package io.tlsrpt.processor.decode;

import io.tlsrpt.schema.Policy;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;

/** A report read from JSON, before provenance, mail checks and the dedup key are added. */
record DraftReport(String organizationName, String contactInfo, String reportId, Instant start, Instant end,
                   List<Policy> policies, EnumSet<Deviation> deviations) {
}
