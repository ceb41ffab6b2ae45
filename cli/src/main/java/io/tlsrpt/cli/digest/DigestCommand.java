package io.tlsrpt.cli.digest;

import io.tlsrpt.cli.KafkaClientOptions;
import io.tlsrpt.cli.PolicyDomains;
import io.tlsrpt.cli.SchemaRegistryOption;
import io.tlsrpt.cli.domains.DomainTable;
import io.tlsrpt.embedded.TopicSnapshot;
import io.tlsrpt.notify.AlertRecord;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tlsrpt digest}: a period's summary for a tenant (or some domains, or everyone), as a provider sends its
 * customers their week: each policy domain's sessions, failed share, share under no enforced policy, the result types
 * that failed most and its worst day, then the period's incidents. From the committed records of
 * {@code tlsrpt.domain-stats} (read from the period's first day: its records are stamped with their window's start)
 * and {@code tlsrpt.alerts.json} (whole: an incident open at the period's end may have fired before it). Nothing is
 * committed.
 */
@Command(
    name = "digest",
    mixinStandardHelpOptions = true,
    description = {
        "Summarise a period (by default the last seven UTC days) for a tenant, some policy domains or every domain: "
            + "each domain worst first with its sessions, failed share, share under no enforced policy, the result "
            + "types that failed most and its worst day, then the incidents of the period and those still open at "
            + "its end. Markdown (readable as text, a page once rendered) or JSON. A summary goes to standard error.",
        "Exit codes: 0 digest shown, 1 nothing matched or a topic does not exist or could not be read, 2 usage "
            + "error."})
public final class DigestCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(DigestCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    KafkaClientOptions cluster;

    @CommandLine.Mixin
    SchemaRegistryOption registry;

    @Option(names = "--tenant", paramLabel = "TENANT",
        description = "Only the domains of this tenant (as the processor's served.domains.file named it when the "
            + "records were written). Repeatable.")
    Set<String> tenants = new LinkedHashSet<>();

    @Option(names = "--domain", paramLabel = "DOMAIN",
        description = "Only this policy domain or its subdomains. Repeatable.")
    Set<String> domains = new LinkedHashSet<>();

    @Option(names = "--since", paramLabel = "YYYY-MM-DD",
        description = "The period's first UTC day (default: seven days before today).")
    LocalDate since;

    @Option(names = "--until", paramLabel = "YYYY-MM-DD",
        description = "The period's last UTC day, included (default: yesterday).")
    LocalDate until;

    @Option(names = "--stats-topic", paramLabel = "TOPIC", defaultValue = "tlsrpt.domain-stats",
        description = "The domain statistics topic (default: ${DEFAULT-VALUE}).")
    String statsTopic;

    @Option(names = "--alerts-topic", paramLabel = "TOPIC", defaultValue = "tlsrpt.alerts.json",
        description = "The JSON alert topic (default: ${DEFAULT-VALUE}).")
    String alertsTopic;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "markdown",
        description = "markdown or json (one object). Default: ${DEFAULT-VALUE}.")
    String format;

    @Override
    public Integer call() {
        if (!format.equals("markdown") && !format.equals("json")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--format must be markdown or json");
        }
        DigestPeriod period = period();
        Set<String> wanted = PolicyDomains.normalised(domains);
        Map<String, Object> client = cluster.properties();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();

        DomainTable table = new DomainTable();
        long statsRead;
        try {
            statsRead = table.read(client, statsTopic, registry.serdeConfig(client), period.from(),
                stats -> period.contains(stats.getWindowStart()) && PolicyDomains.matches(stats.getPolicyDomain(),
                    wanted) && (tenants.isEmpty() || tenants.contains(stats.getTenant())));
        } catch (KafkaException | IllegalStateException e) {   // unreachable, not authorised, not our records
            LOG.debug("reading {} failed", statsTopic, e);
            err.println(registry.cannotRead("digest", statsTopic, e));
            return 1;
        }
        if (statsRead == 0 && !TopicSnapshot.exists(client, statsTopic)) {
            err.println("tlsrpt digest: " + statsTopic + " does not exist on this cluster (see --stats-topic)");
            return 1;
        }
        IncidentDigest incidents = new IncidentDigest(period);
        long[] alertsRead = new long[2];   // records, and those that are not alerts
        try {
            alertsRead[0] = TopicSnapshot.forEach(client, alertsTopic, r -> {
                try {
                    AlertRecord alert = AlertRecord.parse(r.value());
                    if (PolicyDomains.matches(alert.policyDomain(), wanted)
                        && (tenants.isEmpty() || tenants.contains(alert.tenant()))) {
                        incidents.add(alert);
                    }
                } catch (AlertRecord.InvalidAlertException e) {
                    alertsRead[1]++;
                    LOG.debug("{}-{}@{} is not an alert: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
                }
            });
        } catch (KafkaException | IllegalStateException e) {
            LOG.debug("reading {} failed", alertsTopic, e);
            err.println("tlsrpt digest: cannot read " + alertsTopic + ": " + e.getMessage());
            return 1;
        }
        if (alertsRead[0] == 0 && !TopicSnapshot.exists(client, alertsTopic)) {
            err.println("tlsrpt digest: " + alertsTopic + " does not exist on this cluster (see --alerts-topic)");
            return 1;
        }

        Digest digest = Digest.of(tenants, wanted, period, table, incidents);
        err.printf(Locale.ROOT, "tlsrpt digest: %s to %s: %d records read from %s, %d from %s%s; %d domains, "
                + "%d incidents%n", period.first(), period.last(), statsRead, statsTopic, alertsRead[0], alertsTopic,
            alertsRead[1] == 0 ? "" : " (" + alertsRead[1] + " not alerts, skipped)", digest.summaries().size(),
            digest.incidents().size());
        err.flush();
        if (digest.isEmpty()) {
            err.println("tlsrpt digest: nothing matched" + (tenants.isEmpty() ? "" : " tenant " + String.join(", ",
                tenants)) + (wanted.isEmpty() ? "" : " " + String.join(", ", wanted)) + " from " + period.first()
                + " to " + period.last());
            return 1;
        }
        if (format.equals("json")) {
            DigestJson.print(digest, out);
        } else {
            DigestMarkdown.print(digest, out);
        }
        return 0;
    }

    /**
     * The asked days: both ends as given; from {@code --since} to yesterday (or that day alone when it is later); the
     * seven days up to {@code --until}; or the last seven days.
     */
    private DigestPeriod period() {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        DigestPeriod defaults = DigestPeriod.lastSevenDays(today);
        LocalDate first = since != null ? since : until != null ? until.minusDays(6) : defaults.first();
        LocalDate last = until != null ? until : since != null && since.isAfter(defaults.last()) ? since
            : defaults.last();
        if (last.isBefore(first)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--until is before --since");
        }
        return new DigestPeriod(first, last);
    }
}
