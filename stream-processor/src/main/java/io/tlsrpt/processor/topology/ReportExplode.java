package io.tlsrpt.processor.topology;

import io.tlsrpt.schema.FailureDetail;
import io.tlsrpt.schema.Policy;
import io.tlsrpt.schema.TlsReport;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Stage 3: one report becomes one contribution per policy domain (several policies of the same domain in
 * one report are summed), keyed by domain and timestamped with the report's start: from here on event time
 * is the report's date range, whatever the time it arrived. The time it arrived travels along in the header
 * {@value #RECEIVED_AT} (the report's {@code provenance.received_at}), for {@link LateReportFilter}.
 */
final class ReportExplode implements Processor<String, TlsReport, String, DomainWindow> {

    static final String PROCESSOR = "explode-by-domain";
    /** ISO-8601 instant the connector received the report; absent when the provenance has none. */
    static final String RECEIVED_AT = "tlsrpt.received-at";

    private ProcessorContext<String, DomainWindow> context;

    @Override
    public void init(ProcessorContext<String, DomainWindow> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, TlsReport> record) {
        TlsReport report = record.value();
        long start = report.getStart().toEpochMilli();
        Headers headers = receivedAtHeaders(record.headers(), report);
        for (Map.Entry<String, DomainWindow> e : contributions(report).entrySet()) {
            context.forward(new Record<>(e.getKey(), e.getValue(), start, headers));
        }
    }

    /** A copy of the headers whose {@value #RECEIVED_AT} is the report's own (one raw record can hold several). */
    private static Headers receivedAtHeaders(Headers in, TlsReport report) {
        Headers out = new RecordHeaders(in.toArray());
        out.remove(RECEIVED_AT);
        Instant receivedAt = report.getProvenance() == null ? null : report.getProvenance().getReceivedAt();
        if (receivedAt != null) {
            out.add(RECEIVED_AT, receivedAt.toString().getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    /** The report's contribution per policy domain. Policies without a domain cannot be attributed. */
    static Map<String, DomainWindow> contributions(TlsReport report) {
        String reporter = report.getOrganizationName();
        Map<String, DomainWindow> byDomain = new TreeMap<>();
        for (Policy policy : report.getPolicies()) {
            String domain = policy.getPolicyDomain();
            if (domain == null || domain.isBlank()) {
                continue;
            }
            domain = domain.toLowerCase(Locale.ROOT);
            Map<String, TypeCounts> failures = new TreeMap<>();
            for (FailureDetail detail : policy.getFailureDetails()) {
                long failed = Math.max(0, detail.getFailedSessions());
                Map<String, Long> ips = new TreeMap<>();
                if (detail.getSendingMtaIp() != null && failed > 0) {
                    ips.put(detail.getSendingMtaIp(), failed);
                }
                Map<String, Long> mx = new TreeMap<>();
                if (detail.getReceivingMxHostname() != null && failed > 0) {
                    mx.put(detail.getReceivingMxHostname().toLowerCase(Locale.ROOT), failed);
                }
                failures.merge(detail.getResultType().toLowerCase(Locale.ROOT),
                        new TypeCounts(failed, Set.of(reporter), ips, mx), TypeCounts::merge);
            }
            long total = Math.max(0, policy.getSuccessfulSessions()) + Math.max(0, policy.getFailedSessions());
            DomainWindow contribution = new DomainWindow(0, total, Set.of(reporter), failures);
            byDomain.merge(domain, contribution, DomainWindow::merge);
        }
        // a report counts once per domain, however many policies of that domain it holds
        byDomain.replaceAll((domain, w) -> new DomainWindow(1, w.totalSessions(), w.reporters(), w.failures()));
        return byDomain;
    }
}
