package io.tlsrpt.processor.topology;

import io.tlsrpt.processor.decode.DomainNames;
import io.tlsrpt.processor.detect.PolicyEnforcement;
import io.tlsrpt.processor.served.ServedDomains;
import io.tlsrpt.schema.FailureDetail;
import io.tlsrpt.schema.Policy;
import io.tlsrpt.schema.TlsReport;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage 3: one report becomes one contribution per policy domain (several policies of the same domain in
 * one report are summed), keyed by domain and timestamped with the report's start: from here on event time
 * is the report's date range, whatever the time it arrived. The time it arrived travels along in the header
 * {@value #RECEIVED_AT} (the report's {@code provenance.received_at}), for {@link LateReportFilter}.
 * <p>
 * The distinct reports arrive keyed by their primary domain ({@link ReportRouting}), already on that domain's
 * partition: this processor decodes the report's bytes (once) and computes all its contributions;
 * {@link Primary} forwards the primary domain's under the same key (no repartition), {@link Others} the other
 * domains' of a multi-domain report, which go through the by-domain repartition. With a {@code served.domains} list,
 * only the served domains contribute.
 */
final class ReportExplode implements FixedKeyProcessor<String, byte[], ReportExplode.Exploded> {

    static final String PROCESSOR = "explode-by-domain";
    static final String PRIMARY = "primary-domain-contribution";
    static final String OTHERS = "other-domain-contributions";
    /** ISO-8601 instant the connector received the report; absent when the provenance has none. */
    static final String RECEIVED_AT = "tlsrpt.received-at";

    /** A report's contributions per policy domain, with its start (event time) and the headers to pass on. */
    record Exploded(long start, Headers headers, Map<String, DomainWindow> byDomain) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(ReportExplode.class);

    private final Deserializer<TlsReport> deserializer;
    private final String reportsTopic;
    private final Supplier<ServedDomains> servedDomains;
    private final PipelineMetrics metrics;
    private FixedKeyProcessorContext<String, Exploded> context;

    ReportExplode(Deserializer<TlsReport> deserializer, String reportsTopic, Supplier<ServedDomains> servedDomains,
                  PipelineMetrics metrics) {
        this.deserializer = deserializer;
        this.reportsTopic = reportsTopic;
        this.servedDomains = servedDomains;
        this.metrics = metrics;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Exploded> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, byte[]> record) {
        TlsReport report = deserializer.deserialize(reportsTopic, record.value());
        Map<String, DomainWindow> byDomain = contributions(report);
        leaveOutUnserved(report, byDomain);
        Exploded exploded = new Exploded(report.getStart().toEpochMilli(), receivedAtHeaders(report), byDomain);
        context.forward(record.withValue(exploded));
    }

    /**
     * A report that reached here names at least one served domain (the decode stage dead-letters the others); any
     * other domain it names gets no window, statistics, alert or cadence: a report forged to name someone else's
     * domain beside one of ours must not page us about it, nor grow our state with it. The report itself stays whole
     * in the reports topic.
     */
    private void leaveOutUnserved(TlsReport report, Map<String, DomainWindow> byDomain) {
        ServedDomains served = servedDomains.get();
        if (served.servesAll()) {
            return;
        }
        for (Iterator<String> domains = byDomain.keySet().iterator(); domains.hasNext(); ) {
            String domain = domains.next();
            if (!served.serves(domain)) {
                domains.remove();
                metrics.unservedContribution();
                LOG.debug("report {} of {}: {} is not served, left out of the statistics", report.getReportId(),
                        report.getOrganizationName(), domain);
            }
        }
    }

    /** The primary domain's contribution, on the partition the report is already on. */
    static final class Primary implements FixedKeyProcessor<String, Exploded, DomainWindow> {

        private FixedKeyProcessorContext<String, DomainWindow> context;

        @Override
        public void init(FixedKeyProcessorContext<String, DomainWindow> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<String, Exploded> record) {
            Exploded exploded = record.value();
            // the key is the primary domain, or a report without policy domains' fallback: then nothing to count
            DomainWindow contribution = exploded.byDomain().get(record.key());
            if (contribution != null) {
                context.forward(record.withValue(contribution).withTimestamp(exploded.start())
                        .withHeaders(exploded.headers()));
            }
        }
    }

    /** The contributions of the report's other domains, re-keyed for the by-domain repartition. */
    static final class Others implements Processor<String, Exploded, String, DomainWindow> {

        private ProcessorContext<String, DomainWindow> context;

        @Override
        public void init(ProcessorContext<String, DomainWindow> context) {
            this.context = context;
        }

        @Override
        public void process(Record<String, Exploded> record) {
            Exploded exploded = record.value();
            for (Map.Entry<String, DomainWindow> e : exploded.byDomain().entrySet()) {
                if (!e.getKey().equals(record.key())) {
                    context.forward(new Record<>(e.getKey(), e.getValue(), exploded.start(), exploded.headers()));
                }
            }
        }
    }

    /**
     * The contribution's only header: the report's own {@value #RECEIVED_AT} (one raw record can hold several
     * reports). The raw record's other provenance headers stay with the report in the reports topic; carried on
     * they would be copied at every node, written to the window changelog and end up on failure statistics and
     * alerts, which are aggregates of many reports.
     */
    private static Headers receivedAtHeaders(TlsReport report) {
        Headers out = new RecordHeaders();
        Instant receivedAt = report.getProvenance() == null ? null : report.getProvenance().getReceivedAt();
        if (receivedAt != null) {
            out.add(RECEIVED_AT, receivedAt.toString().getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    /**
     * The report's contribution per policy domain. Policies without a domain cannot be attributed. A sender that
     * validates a domain's MTA-STS and its DANE lists the same sessions under both policies (Microsoft: the corpus's
     * two reports list krvtz.net's and random.net's 2 sessions under its sts and its tlsa policy): a domain's
     * {@code sts} and {@code tlsa} policies count as the same sessions (the larger of each count), not their sum.
     * Policies of one type (two versions of an MTA-STS policy in a day) and the others add up.
     */
    static Map<String, DomainWindow> contributions(TlsReport report) {
        String reporter = report.getOrganizationName();
        Map<String, DomainWindow> byDomain = new TreeMap<>();
        // sts and tlsa policies kept apart only in the reports that list a tlsa policy: this runs for every report
        Map<String, DomainWindow> dane = listsTlsa(report) ? new TreeMap<>() : null;
        Map<String, DomainWindow> sts = dane == null ? null : new TreeMap<>();
        // allocated for the reports that have such policies only: this runs for every report
        Map<String, Long> notEnforced = null;
        Set<String> enforced = null;
        for (Policy policy : report.getPolicies()) {
            String domain = ReportRouting.windowDomain(policy);
            if (domain == null) {
                continue;
            }
            Map<String, TypeCounts> failures = new TreeMap<>();
            for (FailureDetail detail : policy.getFailureDetails()) {
                long failed = Math.max(0, detail.getFailedSessions());
                Map<String, Long> ips = new TreeMap<>();
                if (detail.getSendingMtaIp() != null && failed > 0) {
                    ips.put(detail.getSendingMtaIp(), failed);
                }
                Map<String, Long> mx = new TreeMap<>();
                String host = detail.getReceivingMxHostname() == null ? ""
                        : DomainNames.hostKey(detail.getReceivingMxHostname());
                if (!host.isEmpty() && failed > 0) {   // "." or blanks name no host
                    mx.put(host, failed);
                }
                failures.merge(PolicyEnforcement.asReported(detail.getResultType().toLowerCase(Locale.ROOT)),
                        new TypeCounts(failed, Set.of(reporter), ips, mx, Map.of(reporter, failed)), TypeCounts::merge);
            }
            long total = Math.max(0, policy.getSuccessfulSessions()) + Math.max(0, policy.getFailedSessions());
            if (PolicyEnforcement.enforced(policy.getPolicyType(), policy.getPolicyStrings())) {
                enforced = enforced == null ? new HashSet<>() : enforced;
                enforced.add(domain);
            } else if (total > 0 && PolicyEnforcement.notEnforced(policy.getPolicyType(), policy.getPolicyStrings())) {
                notEnforced = notEnforced == null ? new HashMap<>() : notEnforced;
                notEnforced.merge(domain, total, Long::sum);
            }
            DomainWindow contribution = new DomainWindow(0, total, Set.of(reporter), failures,
                    Map.of(reporter, total), true, Math.max(0, policy.getFailedSessions()));
            String type = policy.getPolicyType() == null ? "" : policy.getPolicyType().toLowerCase(Locale.ROOT);
            if (dane != null && "tlsa".equals(type)) {
                dane.merge(domain, contribution, DomainWindow::merge);
            } else if (dane != null && "sts".equals(type)) {
                sts.merge(domain, contribution, DomainWindow::merge);
            } else {
                byDomain.merge(domain, contribution, DomainWindow::merge);
            }
        }
        if (dane != null) {
            Map<String, DomainWindow> stsByDomain = sts;
            dane.forEach((domain, tlsa) -> {
                DomainWindow withSts = stsByDomain.remove(domain);
                byDomain.merge(domain, withSts == null ? tlsa : sameSessions(withSts, tlsa), DomainWindow::merge);
            });
            stsByDomain.forEach((domain, w) -> byDomain.merge(domain, w, DomainWindow::merge));
        }
        // a report counts once per domain, however many policies of that domain it holds; its sessions under no
        // enforced policy count like a failure type, so that a domain losing its enforcement fires (PolicyEnforcement),
        // unless the report lists them under an enforced policy of the domain too
        Map<String, Long> unenforced = notEnforced == null ? Map.of() : notEnforced;
        Set<String> covered = enforced == null ? Set.of() : enforced;
        byDomain.replaceAll((domain, w) -> new DomainWindow(1, w.totalSessions(), w.reporters(),
                covered.contains(domain) ? w.failures()
                        : withNotEnforced(w.failures(), unenforced.get(domain), reporter),
                w.sessionsByReporter(), w.enforcementCounted(), w.failedSessions()));
        return byDomain;
    }

    private static boolean listsTlsa(TlsReport report) {
        for (Policy policy : report.getPolicies()) {
            if ("tlsa".equalsIgnoreCase(policy.getPolicyType())) {
                return true;
            }
        }
        return false;
    }

    /** One report's sessions of a domain listed under two policies: the larger of each count, not their sum. */
    static DomainWindow sameSessions(DomainWindow a, DomainWindow b) {
        Map<String, TypeCounts> failures = new TreeMap<>(a.failures());
        b.failures().forEach((type, counts) -> failures.merge(type, counts, ReportExplode::sameFailures));
        Set<String> reporters = new TreeSet<>(a.reporters());
        reporters.addAll(b.reporters());
        return new DomainWindow(Math.max(a.reports(), b.reports()), Math.max(a.totalSessions(), b.totalSessions()),
                reporters, failures, larger(a.sessionsByReporter(), b.sessionsByReporter()),
                a.enforcementCounted() && b.enforcementCounted(),
                a.failedSessions() == null || b.failedSessions() == null ? null
                        : Math.max(a.failedSessions(), b.failedSessions()));
    }

    private static TypeCounts sameFailures(TypeCounts a, TypeCounts b) {
        Set<String> reporters = new TreeSet<>(a.reporters());
        reporters.addAll(b.reporters());
        return new TypeCounts(Math.max(a.failed(), b.failed()), reporters, larger(a.sendingIps(), b.sendingIps()),
                larger(a.receivingMx(), b.receivingMx()), larger(a.failedByReporter(), b.failedByReporter()));
    }

    /** The larger count of each key (one report's few keys: no cap needed). */
    private static Map<String, Long> larger(Map<String, Long> a, Map<String, Long> b) {
        Map<String, Long> out = new TreeMap<>(a);
        b.forEach((k, v) -> out.merge(k, v, Math::max));
        return out;
    }

    private static Map<String, TypeCounts> withNotEnforced(Map<String, TypeCounts> failures, Long sessions,
                                                           String reporter) {
        if (sessions == null) {
            return failures;
        }
        Map<String, TypeCounts> with = new TreeMap<>(failures);
        with.put(PolicyEnforcement.NOT_ENFORCED, new TypeCounts(sessions, Set.of(reporter), null, null,
                Map.of(reporter, sessions)));
        return with;
    }
}
