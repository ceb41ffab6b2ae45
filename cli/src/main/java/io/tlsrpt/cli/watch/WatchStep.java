package io.tlsrpt.cli.watch;

import io.tlsrpt.processor.detect.AlertKind;
import io.tlsrpt.processor.detect.IncidentLifecycle;
import io.tlsrpt.schema.Alert;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One check of one domain applied to what the watch kept about it: the incidents that fire, those that resolve, and
 * what to keep. Pure: the command publishes the alerts and the new state in one transaction.
 *
 * @param next what to keep (null when the domain is no longer watched)
 * @param alerts the alerts to publish, resolutions first
 * @param changes what changed in the published policies since the last check
 * @param unknownParts the parts this check could not look up
 */
record WatchStep(WatchedDomain next, List<Alert> alerts, List<String> changes, List<String> unknownParts) {

    /**
     * The {@code reporters} of every alert of the watch: it, not a sender's report, found the problem. The notifier
     * and {@code tlsrpt run}'s console tell these alerts apart by it.
     */
    static final String REPORTER = "tlsrpt watch";

    /** The default of {@code --cert-warning-days}. */
    static final java.time.Duration EXPIRY_WARNING = java.time.Duration.ofDays(14);

    static WatchStep apply(WatchedDomain previous, PolicyPosture check) {
        return apply(previous, check, EXPIRY_WARNING);
    }

    /** @param expiryWarning how long before an MX certificate's expiry {@code certificate-expiring} fires */
    static WatchStep apply(WatchedDomain previous, PolicyPosture check, java.time.Duration expiryWarning) {
        PolicyPosture lastKnown = previous == null ? null : previous.posture();
        Map<AlertKind, WatchedDomain.OpenIncident> open = new EnumMap<>(AlertKind.class);
        if (previous != null) {
            open.putAll(previous.open());
        }
        boolean wasEnforced = previous != null && previous.wasEnforced();
        WatchedDomain.LastPolicy lastPolicy = previous == null ? null : previous.lastPolicy();
        PolicyRules.Judgement judgement = PolicyRules.judge(check, lastKnown, wasEnforced, open.keySet(),
            expiryWarning, lastPolicy);
        Instant now = check.checkedAt();
        List<Alert> alerts = new ArrayList<>();
        for (Map.Entry<AlertKind, WatchedDomain.OpenIncident> e : new ArrayList<>(open.entrySet())) {
            AlertKind kind = e.getKey();
            if (!judgement.present().containsKey(kind) && !judgement.unknown().contains(kind)) {
                alerts.add(resolved(check.domain(), kind, e.getValue(), now, "no longer found: " + now(check, kind)));
                open.remove(kind);
            }
        }
        for (Problem problem : judgement.present().values()) {
            WatchedDomain.OpenIncident incident = open.get(problem.kind());
            if (incident == null) {
                incident = new WatchedDomain.OpenIncident(alertId(check.domain(), problem.kind(), now), now,
                    problem.resultType(), problem.mxHosts());
                open.put(problem.kind(), incident);
                alerts.add(firing(check.domain(), problem, incident, now, ""));
            } else if (check.unknownParts().isEmpty() && incident.differsFrom(problem)) {
                // another MX host failing the same way, one mended, or another cause: the same incident, said anew
                // (as the processor re-publishes an incident that grows), so that consumers see the hosts it is now;
                // only from a complete check: a host unreachable this round would otherwise drop out of the list and
                // come back, an update each time
                incident = incident.updatedBy(problem);
                open.put(problem.kind(), incident);
                alerts.add(firing(check.domain(), problem, incident, now, "Changed since " + incident.since() + ": "));
            } else if (incident.mxHosts() == null) {
                open.put(problem.kind(), incident.updatedBy(problem));   // kept from now on, said when it changes
            }
        }
        PolicyPosture kept = check.orPrevious(lastKnown);
        Boolean enforced = check.enforced();
        boolean stillEnforced = enforced == null || PolicyRules.explainsNoPolicy(judgement.present())
            ? wasEnforced : enforced;
        WatchedDomain.LastPolicy read = WatchedDomain.LastPolicy.of(check);
        return new WatchStep(new WatchedDomain(kept, stillEnforced, open, read != null ? read : lastPolicy), alerts,
            PostureChanges.between(lastKnown, kept),
            check.unknownParts());
    }

    /** The domain left the watch list: its open incidents resolve, nothing is kept. */
    static WatchStep forget(WatchedDomain previous, Instant now) {
        List<Alert> alerts = new ArrayList<>();
        previous.open().forEach((kind, incident) ->
            alerts.add(resolved(previous.domain(), kind, incident, now, "the domain is no longer watched")));
        return new WatchStep(null, alerts, List.of(), List.of());
    }

    static String alertId(String domain, AlertKind kind, Instant since) {
        return IncidentLifecycle.alertId(domain, "watch|" + kind.code(), since.toEpochMilli());
    }

    private static String now(PolicyPosture check, AlertKind kind) {
        return switch (kind) {
            case TLSRPT_RECORD_BROKEN -> "the _smtp._tls record is " + check.tlsrpt();
            case TLSRPT_RUA_UNREACHABLE -> check.ruaReach() == null ? "the _smtp._tls record is " + check.tlsrpt()
                : "the rua destinations: " + String.join("; ", check.ruaReach().stream()
                    .map(r -> r.uri() + " " + r.outcome().code()).toList());
            case TLS_POLICY_NOT_ENFORCED -> "MTA-STS " + check.stsStatus() + ", DANE " + check.dane();
            case DNSSEC_BROKEN -> "DANE " + check.dane();
            case MTA_STS_ID_UNCHANGED -> check.stsId() == null ? "MTA-STS " + check.stsStatus()
                : "the id of _mta-sts." + check.domain() + " is now " + check.stsId();
            case CERTIFICATE_EXPIRED, CERTIFICATE_EXPIRING, CERTIFICATE_INVALID, STARTTLS_UNAVAILABLE,
                 DANE_TLSA_MISMATCH ->
                check.mxTls() == null ? "the MX hosts are no longer probed" : "the MX hosts: " + String.join("; ",
                    check.mxTls().stream().map(MxTls::summary).toList());
            default -> "MTA-STS " + check.stsStatus();
        };
    }

    /** @param prefix what precedes the summary of a first alert ("" for one) */
    private static Alert firing(String domain, Problem problem, WatchedDomain.OpenIncident incident, Instant now,
                                String prefix) {
        String summary = prefix + problem.kind().code() + " on " + domain + " (found by " + REPORTER + "): " + problem.finding()
            + "; " + problem.kind().action() + ".";
        return alert(domain, problem.kind(), incident, "firing", now, problem.mxHosts(), summary);
    }

    private static Alert resolved(String domain, AlertKind kind, WatchedDomain.OpenIncident incident, Instant now,
                                  String why) {
        String summary = "Resolved: " + kind.code() + " on " + domain + " (found by " + REPORTER + " since "
            + incident.since() + "): " + why + ".";
        return alert(domain, kind, incident, "resolved", now, List.of(), summary);
    }

    private static Alert alert(String domain, AlertKind kind, WatchedDomain.OpenIncident incident, String status,
                               Instant now, List<String> mxHosts, String summary) {
        return Alert.newBuilder()
            .setAlertId(incident.alertId())
            .setStatus(status)
            .setKind(kind.code())
            .setSeverity(kind.severity().code())
            .setPolicyDomain(domain)
            .setResultType(incident.resultType())
            .setWindowStart(incident.since())
            .setWindowEnd(now)
            .setReporters(List.of(REPORTER))
            .setTopReceivingMx(mxHosts)
            .setSummary(summary)
            .setDetectedAt(now)
            .build();
    }
}
