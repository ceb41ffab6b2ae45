package io.tlsrpt.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Pure mapping of a TLS-RPT alert to Alertmanager's API v2 alert.
 *
 * <p>Labels (the identity of an Alertmanager alert): {@code alertname} (the kind), {@code severity},
 * {@code policy_domain}, {@code result_type}, {@code source="tlsrpt"}, {@code alert_id}, plus the configured static
 * labels; a {@code reports-stopped} alert also carries {@code reporter}, the one reporter it is about (stable over the
 * incident, like the others), an alert whose domain has a tenant ({@code example.com tenant=acme} in the
 * processor's {@code served.domains.file}) carries {@code tenant}, and one that names the MX hosts its failures were
 * at ({@code top_receiving_mx}) carries them sorted as {@code receiving_mx}, so that a shared MX host failing for many
 * domains can be one group (the hosts of the incident's first firing record: {@link FiringAlertRegistry} keeps them
 * over the incident). {@code alert_id} is a
 * label so that the firing record, its updates and its resolution are one Alertmanager alert, while two incidents of
 * the same kind on the same domain stay apart. The window is NOT a
 * label: one incident spans several windows, and a label that changes with each update would open a new
 * Alertmanager alert per window and leave the old one firing. Counts, window and hints are annotations, which
 * Alertmanager overwrites with every post.
 */
public final class AlertMapper {

    /** The label of the MX hosts an alert's failures were at. */
    static final String RECEIVING_MX = "receiving_mx";

    /** Value of the {@code source} label. */
    public static final String SOURCE = "tlsrpt";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_INSTANT;

    private final Map<String, String> extraLabels;
    private final String domainUrl;

    public AlertMapper(Map<String, String> extraLabels) {
        this(extraLabels, "");
    }

    /**
     * @param domainUrl {@link NotifierConfig#DOMAIN_URL}: a link with {@value NotifierConfig#DOMAIN_PLACEHOLDER} (and
     *                  perhaps {@value NotifierConfig#TENANT_PLACEHOLDER}), or empty for none
     */
    public AlertMapper(Map<String, String> extraLabels, String domainUrl) {
        this.extraLabels = Map.copyOf(extraLabels);
        this.domainUrl = domainUrl;
    }

    /** The label set of {@code alert}. */
    public Map<String, String> labels(AlertRecord alert) {
        Map<String, String> labels = new LinkedHashMap<>(extraLabels);
        labels.put("alertname", alert.kind());
        labels.put("severity", alert.severity());
        labels.put("policy_domain", alert.policyDomain());
        labels.put("result_type", alert.resultType());
        labels.put("source", SOURCE);
        labels.put("alert_id", alert.alertId());
        if (!alert.tenant().isEmpty()) {
            // the domain's tenant, as the processor's served-domains list names it: Alertmanager routes on it; it
            // replaces a static tenant label of this notifier, which stays for the domains the list gives none
            labels.put("tenant", alert.tenant());
        }
        if (!alert.topReceivingMx().isEmpty()) {
            // the MX hosts the failures were at, in one order: a provider's shared MX host failing for many domains
            // at once (an expired certificate on mx1.provider.example) is then one Alertmanager group, not one per
            // domain
            labels.put(RECEIVING_MX, receivingMx(alert.topReceivingMx()));
        }
        if (FirstChecks.REPORTS_STOPPED.equals(alert.kind()) && alert.reporters().size() == 1) {
            // the one reporter that stopped: a reporter that stops for every domain at once (the intake refuses its
            // mails or posts, or it stopped sending) is then one Alertmanager group, not one per domain
            labels.put("reporter", alert.reporters().get(0));
        }
        return labels;
    }

    /** The {@code receiving_mx} label: the hosts in lower case, sorted, once each, comma-separated. */
    static String receivingMx(List<String> hosts) {
        TreeSet<String> sorted = new TreeSet<>();
        hosts.forEach(host -> sorted.add(host.toLowerCase(Locale.ROOT)));
        return String.join(",", sorted);
    }

    /**
     * The Alertmanager alert for one record.
     *
     * @param startsAt when the incident started firing (the first record's detection time)
     * @param now      the current time; firing alerts carry no endsAt, resolved ones end at their detection time,
     *                 never later than now (a clock ahead would otherwise keep them firing)
     */
    public PostableAlert map(AlertRecord alert, Instant startsAt, Instant now) {
        Instant start = startsAt.isAfter(now) ? now : startsAt;
        PostableAlert firing = new PostableAlert(alert.alertId(), labels(alert), annotations(alert), start, null);
        if (alert.status() == AlertRecord.Status.FIRING) {
            return firing;
        }
        Instant detected = alert.detectedAt() == null ? now : alert.detectedAt();
        return firing.endedAt(detected.isAfter(now) ? now : detected);
    }

    /** The annotations: summary, description and the raw figures for templates. */
    public Map<String, String> annotations(AlertRecord a) {
        Map<String, String> ann = new LinkedHashMap<>();
        ann.put("summary", a.summary().isEmpty() ? fallbackSummary(a) : a.summary());
        ann.put("description", description(a));
        ann.put("first_check", FirstChecks.forAlert(a.kind(), a.resultType(), a.policyDomain()));
        if (a.windowStart() != null) {
            ann.put("window_start", ISO.format(a.windowStart()));
        }
        if (a.windowEnd() != null) {
            ann.put("window_end", ISO.format(a.windowEnd()));
        }
        ann.put("failed_sessions", Long.toString(a.failedSessions()));
        ann.put("total_sessions", Long.toString(a.totalSessions()));
        ann.put("baseline", decimal(a.baseline()));
        ann.put("score", decimal(a.score()));
        if (!a.judgedReporter().isEmpty()) {
            ann.put("judged_reporter", a.judgedReporter());
        }
        if (a.detectedAt() != null) {
            ann.put("detected_at", ISO.format(a.detectedAt()));
        }
        boolean needsTenant = domainUrl.contains(NotifierConfig.TENANT_PLACEHOLDER);
        if (!domainUrl.isEmpty() && (!needsTenant || !a.tenant().isEmpty())) {
            // policy domains are lower-case A-labels and tenants letters, digits, '.', '_' and '-': nothing in them
            // needs escaping in a URL
            ann.put("domain_url", domainUrl.replace(NotifierConfig.DOMAIN_PLACEHOLDER, a.policyDomain())
                    .replace(NotifierConfig.TENANT_PLACEHOLDER, a.tenant()));
        }
        return ann;
    }

    /** The request body for a list of alerts. */
    public static byte[] toJson(List<PostableAlert> alerts) {
        ArrayNode array = JSON.createArrayNode();
        for (PostableAlert alert : alerts) {
            ObjectNode node = array.addObject();
            ObjectNode labels = node.putObject("labels");
            alert.labels().forEach(labels::put);
            ObjectNode annotations = node.putObject("annotations");
            alert.annotations().forEach(annotations::put);
            node.put("startsAt", ISO.format(alert.startsAt().truncatedTo(ChronoUnit.MILLIS)));
            if (alert.endsAt() != null) {
                node.put("endsAt", ISO.format(alert.endsAt().truncatedTo(ChronoUnit.MILLIS)));
            }
        }
        try {
            return JSON.writeValueAsBytes(array);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise alerts", e);
        }
    }

    /** A reporter's silence has no sessions, baseline or hosts: the window is that of its last (or next) report. */
    private static String silenceDescription(AlertRecord a) {
        StringBuilder d = new StringBuilder();
        if (a.status() == AlertRecord.Status.RESOLVED) {
            d.append("Resolved. ");
        }
        d.append(a.summary().isEmpty() ? fallbackSummary(a) : a.summary()).append('\n');
        d.append("Report window ").append(a.windowStart() == null ? "?" : ISO.format(a.windowStart()))
                .append(" to ").append(a.windowEnd() == null ? "?" : ISO.format(a.windowEnd())).append('\n');
        d.append("Reporter: ").append(joined(a.reporters())).append('\n');
        d.append("Check first: ").append(FirstChecks.forAlert(a.kind(), a.resultType(), a.policyDomain()));
        return d.toString();
    }

    /** An alert of tlsrpt watch counts no sessions: its window runs from the first check that found it to the last. */
    private static String watchDescription(AlertRecord a) {
        StringBuilder d = new StringBuilder();
        if (a.status() == AlertRecord.Status.RESOLVED) {
            d.append("Resolved. ");
        }
        d.append(a.summary().isEmpty() ? a.kind() + " on " + a.policyDomain() : a.summary()).append('\n');
        d.append("Found by ").append(FirstChecks.WATCH_REPORTER)
                .append("'s checks of the published DNS records and MTA-STS policy, not by reports: since ")
                .append(a.windowStart() == null ? "?" : ISO.format(a.windowStart())).append(", checked ")
                .append(a.windowEnd() == null ? "?" : ISO.format(a.windowEnd())).append('\n');
        if (!a.topReceivingMx().isEmpty()) {
            d.append("MX hosts: ").append(String.join(", ", a.topReceivingMx())).append('\n');
        }
        d.append("Check first: ").append(FirstChecks.forAlert(a.kind(), a.resultType(), a.policyDomain()));
        return d.toString();
    }

    private static String fallbackSummary(AlertRecord a) {
        if (FirstChecks.REPORTS_STOPPED.equals(a.kind())) {
            return a.kind() + " on " + a.policyDomain() + ": no report from " + joined(a.reporters());
        }
        return a.kind() + " on " + a.policyDomain() + ": " + a.failedSessions() + " of " + a.totalSessions()
                + " sessions " + FirstChecks.outcome(a.resultType());
    }

    private static String description(AlertRecord a) {
        if (FirstChecks.REPORTS_STOPPED.equals(a.kind())) {
            return silenceDescription(a);
        }
        if (FirstChecks.fromWatch(a)) {
            return watchDescription(a);
        }
        StringBuilder d = new StringBuilder();
        if (a.status() == AlertRecord.Status.RESOLVED) {
            d.append("Resolved: back to normal. ");
        }
        d.append("Window ").append(a.windowStart() == null ? "?" : ISO.format(a.windowStart()))
                .append(" to ").append(a.windowEnd() == null ? "?" : ISO.format(a.windowEnd()))
                .append(": ").append(a.failedSessions()).append(" of ").append(a.totalSessions())
                .append(" sessions to ").append(a.policyDomain())
                .append(a.judgedReporter().isEmpty() ? "" : " reported by " + a.judgedReporter())
                .append(' ').append(FirstChecks.outcome(a.resultType()));
        if (a.totalSessions() > 0) {
            d.append(" (").append(decimal(100.0 * a.failedSessions() / a.totalSessions())).append("%)");
        }
        d.append("; baseline ").append(decimal(a.baseline())).append(" expected failures, score ")
                .append(decimal(a.score())).append(".\n");
        d.append("Reporters: ").append(joined(a.reporters())).append('\n');
        d.append("Top sending IPs: ").append(joined(a.topSendingIps())).append('\n');
        d.append("Top receiving MX: ").append(joined(a.topReceivingMx())).append('\n');
        d.append("Check first: ").append(FirstChecks.forAlert(a.kind(), a.resultType(), a.policyDomain()));
        return d.toString();
    }

    private static String joined(List<String> items) {
        return items.isEmpty() ? "none reported" : String.join(", ", items);
    }

    private static String decimal(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return String.valueOf(v);
        }
        return String.format(Locale.ROOT, "%.2f", v).replaceAll("\\.?0+$", "");
    }
}
