package io.tlsrpt.processor.topology;

import io.tlsrpt.schema.Policy;
import io.tlsrpt.schema.TlsReport;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Where a report is processed: keyed by its <em>primary policy domain</em>, the lowest lower-cased policy domain
 * of its policies. Every copy of a report (by mail, by HTTPS, re-sent) names the same policies, so every copy gets
 * the same key and meets the others on one partition for deduplication; and the window of the primary domain is
 * on that same partition, so a single-domain report (nearly all of them) needs no second repartition.
 * The dedup key travels in the header {@value #DEDUP_KEY_HEADER} next to the report's encoded bytes, and the
 * report's {@link ReportFingerprint} in {@value #FINGERPRINT_HEADER}, so that deduplication needs no decoding.
 */
final class ReportRouting {

    /** The report's dedup key on the repartition topic (the record key is the primary domain there). */
    static final String DEDUP_KEY_HEADER = "tlsrpt.dedup-key";
    /** The report's fingerprint on the repartition topic, dropped by the dedup step. */
    static final String FINGERPRINT_HEADER = "tlsrpt.report-fingerprint";

    private ReportRouting() {
    }

    /** The lowest lower-cased non-blank policy domain of the report, or null when no policy names one. */
    static String primaryDomain(TlsReport report) {
        String lowest = null;
        for (Policy policy : report.getPolicies()) {
            String domain = windowDomain(policy);
            if (domain != null && (lowest == null || domain.compareTo(lowest) < 0)) {
                lowest = domain;
            }
        }
        return lowest;
    }

    /**
     * The domain a policy counts for (lower-cased), or null when it names none: the one rule for both the routing
     * and the windows ({@link ReportExplode#contributions}), so the primary domain is always one of the report's.
     */
    static String windowDomain(Policy policy) {
        String domain = policy.getPolicyDomain();
        return domain == null || domain.isBlank() ? null : domain.toLowerCase(Locale.ROOT);
    }

    /**
     * The partition key of the report: its primary domain; a report without any policy domain (it counts in no
     * window) falls back to its dedup key, which is still the same for all its copies.
     */
    static String routingKey(TlsReport report) {
        String primary = primaryDomain(report);
        if (primary != null) {
            return primary;
        }
        return report.getDedupKey() == null ? "" : report.getDedupKey();
    }

    /** The dedup key carried in the headers; null when the report has none. */
    static String dedupKey(Headers headers) {
        Header h = headers.lastHeader(DEDUP_KEY_HEADER);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Sets the dedup-key header in place (the decode stage gives every report its own copy of the headers). */
    static void putDedupKey(Headers headers, String dedupKey) {
        headers.remove(DEDUP_KEY_HEADER);
        if (dedupKey != null) {
            headers.add(DEDUP_KEY_HEADER, dedupKey.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Sets the fingerprint header in place. */
    static void putFingerprint(Headers headers, byte[] fingerprint) {
        headers.remove(FINGERPRINT_HEADER);
        headers.add(FINGERPRINT_HEADER, fingerprint);
    }

    /**
     * Takes the fingerprint header out of the headers, in place: it has no use after deduplication. Null when the
     * record has none (a record an earlier version put on the repartition topic) or a malformed one.
     */
    static byte[] takeFingerprint(Headers headers) {
        Header h = headers.lastHeader(FINGERPRINT_HEADER);
        headers.remove(FINGERPRINT_HEADER);
        return h == null || h.value() == null || h.value().length != ReportFingerprint.LENGTH ? null : h.value();
    }

    /** A copy of the headers without the internal dedup-key header (for what leaves the repartition path). */
    static Headers withoutDedupKey(Headers headers) {
        Headers copy = new RecordHeaders(headers.toArray());
        copy.remove(DEDUP_KEY_HEADER);
        return copy;
    }
}
