package io.tlsrpt.cli.digest;

import io.tlsrpt.cli.KafkaClientOptions;
import io.tlsrpt.cli.PolicyDomains;
import io.tlsrpt.cli.SchemaRegistryOption;
import io.tlsrpt.cli.alerts.AlertEvent;
import io.tlsrpt.cli.alerts.AlertTopicReader;
import io.tlsrpt.cli.domains.DomainTable;
import io.tlsrpt.embedded.TopicSnapshot;
import io.tlsrpt.notify.AlertRecord;
import io.tlsrpt.processor.served.ServedDomains;
import io.tlsrpt.processor.served.ServedDomainsFile;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tlsrpt digest}: a period's summary for a tenant (or some domains, or everyone), as a provider sends its
 * customers their week: each policy domain's sessions, failed share (and the week before's), share under no enforced
 * policy, the result types that failed most and its worst day, then the period's incidents. From the committed
 * records of {@code tlsrpt.domain-stats} (read from the first of the as many days before the period, to compare with:
 * its records are stamped with their window's start) and {@code tlsrpt.alerts.json} (whole: an incident open at the
 * period's end may have fired before it), once, also for {@code --each-tenant}'s file per tenant. Nothing is
 * committed.
 */
@Command(
    name = "digest",
    mixinStandardHelpOptions = true,
    description = {
        "Summarise a period (by default the last seven UTC days) for a tenant, some policy domains or every domain: "
            + "each domain worst first with its sessions, failed share (beside that of the as many days before), "
            + "share under no enforced policy, the result types that failed most and its worst day, then the "
            + "incidents of the period and those still open at its end. Markdown (readable as text, a page once "
            + "rendered), HTML (a mail's body) or JSON; with --each-tenant, every tenant's in a file of its own; with "
            + "--mail-recipients, every tenant's mailed to it. A summary goes to standard error.",
        "Exit codes: 0 digest shown (written, mailed), 1 nothing matched, a topic does not exist or could not be "
            + "read, or a mail was not accepted, 2 usage error."})
public final class DigestCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(DigestCommand.class);
    /** Each --format and the extension of its files with --each-tenant. */
    private static final Map<String, String> FORMATS = Map.of("markdown", ".md", "html", ".html", "json", ".json");

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

    @Option(names = "--each-tenant", paramLabel = "DIR",
        description = "Write every tenant's digest to DIR, one file each (TENANT.md, TENANT.html or TENANT.json by "
            + "--format), from one reading of the topics; domains without a tenant are in none.")
    Path eachTenant;

    @Option(names = "--mail-recipients", paramLabel = "FILE",
        description = "Mail every tenant named in FILE its digest (lines 'TENANT ADDRESS[, ADDRESS...]'), Markdown "
            + "and HTML in one mail, by the SMTP server --smtp-config names; a tenant with nothing in the period "
            + "gets none. Exit 1 when any mail was not accepted.")
    Path mailRecipients;

    @Option(names = "--smtp-config", paramLabel = "FILE",
        description = "With --mail-recipients: a properties file with from, mail.smtp.host (and any Jakarta Mail "
            + "mail.* key: port, starttls, ssl), user and password.file for SMTP authentication, or "
            + "auth.mechanism=xoauth2 and the oauth.* keys for OAuth 2.0 access tokens (Exchange Online).")
    Path smtpConfig;

    @Option(names = "--served-domains-file", paramLabel = "FILE",
        description = "The processor's served.domains.file: the domains it lists by name (with their tenants) that "
            + "had no report in the period are listed apart, the sign of a broken _smtp._tls record or rua; a tenant "
            + "with only such domains still gets its digest.")
    Path servedDomainsFile;

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
        description = "markdown, html (a self-contained page, the body of a mail) or json (one object). Default: "
            + "${DEFAULT-VALUE}.")
    String format;

    @Override
    public Integer call() {
        if (!FORMATS.containsKey(format)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--format must be markdown, html or json");
        }
        if (eachTenant != null && !tenants.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--each-tenant writes every tenant's "
                + "digest; --tenant shows one: not both");
        }
        if ((mailRecipients == null) != (smtpConfig == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--mail-recipients and --smtp-config go "
                + "together");
        }
        if (mailRecipients != null && !tenants.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--mail-recipients mails the tenants its "
                + "file names; --tenant shows one: not both");
        }
        DigestPeriod period = period();
        Set<String> wanted = PolicyDomains.normalised(domains);
        Map<String, List<InternetAddress>> recipients = Map.of();
        DigestMailer mailer = null;
        if (mailRecipients != null) {
            try {
                recipients = DigestRecipients.read(mailRecipients);
                mailer = DigestMailer.configured(smtpConfig);
            } catch (IOException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "cannot read " + e.getMessage(), e);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
            }
        }
        Map<String, Object> client = cluster.properties();
        PrintWriter err = spec.commandLine().getErr();

        DigestGroups groups = new DigestGroups(period, eachTenant != null || mailer != null);
        if (servedDomainsFile != null) {
            ServedDomains served;
            try {
                served = ServedDomainsFile.open(servedDomainsFile, ServedDomains.ALL).current();
            } catch (IOException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "cannot read " + servedDomainsFile + ": "
                    + e.getMessage(), e);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), servedDomainsFile + ": " + e.getMessage(),
                    e);
            }
            for (String domain : served.exactDomains()) {
                String tenant = served.tenantOf(domain);
                if (PolicyDomains.matches(domain, wanted) && (tenants.isEmpty() || tenants.contains(tenant))) {
                    groups.expect(domain, tenant);
                }
            }
        }
        long statsRead;
        try {
            // from the as many days before the period, to compare each domain's failed share with
            statsRead = DomainTable.forEach(client, statsTopic, registry.serdeConfig(client), period.before().from(),
                stats -> {
                    if (PolicyDomains.matches(stats.getPolicyDomain(), wanted)
                        && (tenants.isEmpty() || tenants.contains(stats.getTenant()))) {
                        groups.add(stats);
                    }
                });
        } catch (KafkaException | IllegalStateException e) {   // unreachable, not authorised, not our records
            LOG.debug("reading {} failed", statsTopic, e);
            err.println(registry.cannotRead("digest", statsTopic, e));
            return 1;
        }
        if (statsRead == 0 && !TopicSnapshot.exists(client, statsTopic)) {
            err.println("tlsrpt digest: " + statsTopic + " does not exist on this cluster (see --stats-topic)");
            return 1;
        }
        long alertsRead;
        long[] notAlerts = {0};
        try (AlertTopicReader reader = AlertTopicReader.open(client, alertsTopic)) {
            alertsRead = reader.readToEnd(new AlertTopicReader.Sink() {
                @Override
                public void event(AlertEvent event) {
                    AlertRecord alert = event.alert();
                    if (PolicyDomains.matches(alert.policyDomain(), wanted)
                        && (tenants.isEmpty() || tenants.contains(alert.tenant()))) {
                        groups.add(alert);
                    }
                }

                @Override
                public void invalid(String where, String why) {
                    notAlerts[0]++;   // counted in the summary below, as the notifier skips them
                    LOG.debug("{} is not an alert: {}", where, why);
                }
            });
        } catch (UnknownTopicOrPartitionException e) {
            err.println("tlsrpt digest: " + alertsTopic + " does not exist on this cluster (see --alerts-topic)");
            return 1;
        } catch (KafkaException | IllegalStateException e) {
            LOG.debug("reading {} failed", alertsTopic, e);
            err.println("tlsrpt digest: cannot read " + alertsTopic + ": " + e.getMessage());
            return 1;
        }
        err.printf(Locale.ROOT, "tlsrpt digest: %s to %s: %d records read from %s, %d from %s%s%n", period.first(),
            period.last(), statsRead, statsTopic, alertsRead, alertsTopic,
            notAlerts[0] == 0 ? "" : " (" + notAlerts[0] + " not alerts, skipped)");
        err.flush();
        if (eachTenant == null && mailer == null) {
            return show(groups.digest(DigestGroups.ALL, tenants, wanted), period, wanted);
        }
        int exit = eachTenant == null ? 0 : writeEach(groups, wanted, period);
        return mailer == null ? exit : Math.max(exit, mailEach(groups, wanted, recipients, mailer));
    }

    /**
     * Each tenant of the recipients file that had reports or incidents gets its digest; exit 1 when a mail was not
     * accepted or none was sent.
     */
    private int mailEach(DigestGroups groups, Set<String> wanted, Map<String, List<InternetAddress>> recipients,
                         DigestMailer mailer) {
        PrintWriter err = spec.commandLine().getErr();
        Set<String> withDigest = groups.groups();
        List<DigestMailer.Mail> mails = new ArrayList<>();
        for (Map.Entry<String, List<InternetAddress>> e : recipients.entrySet()) {
            String tenant = e.getKey();
            if (withDigest.contains(tenant)) {
                mails.add(new DigestMailer.Mail(tenant, groups.digest(tenant, Set.of(tenant), wanted), e.getValue()));
            } else {
                err.println("tlsrpt digest: " + tenant + " had no reports or incidents"
                    + (servedDomainsFile == null ? "" : " and no listed domain") + ": nothing mailed to "
                    + addresses(e.getValue()));
            }
        }
        int[] sent = {0};
        int[] failed = {0};
        // one SMTP connection for the run's mails, closed at the end whatever happened
        try (mailer) {
            mailer.sendAll(mails, new DigestMailer.Outcomes() {
                @Override
                public void accepted(DigestMailer.Mail mail) {
                    err.println("tlsrpt digest: " + mail.tenant() + "'s digest mailed to " + addresses(mail.to()));
                    err.flush();
                    sent[0]++;
                }

                @Override
                public void refused(DigestMailer.Mail mail, MessagingException last) {
                    LOG.debug("mailing {}'s digest failed", mail.tenant(), last);
                    err.println("tlsrpt digest: " + mail.tenant() + "'s digest not mailed to " + addresses(mail.to())
                        + ": " + last);
                    err.flush();
                    failed[0]++;
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.printf(Locale.ROOT, "tlsrpt digest: interrupted after %d digests mailed, %d not%n", sent[0],
                failed[0]);
            return 1;
        }
        Set<String> unmailed = new TreeSet<>(withDigest);
        unmailed.removeAll(recipients.keySet());
        if (!unmailed.isEmpty()) {
            err.println("tlsrpt digest: no recipients in " + mailRecipients + " for " + String.join(", ", unmailed));
        }
        err.printf(Locale.ROOT, "tlsrpt digest: %d digests mailed, %d not%n", sent[0], failed[0]);
        return failed[0] > 0 || sent[0] == 0 ? 1 : 0;
    }

    private static String addresses(List<InternetAddress> to) {
        return to.stream().map(InternetAddress::toString).collect(Collectors.joining(", "));
    }

    private int show(Digest digest, DigestPeriod period, Set<String> wanted) {
        PrintWriter err = spec.commandLine().getErr();
        if (digest.isEmpty()) {
            err.println("tlsrpt digest: nothing matched" + (tenants.isEmpty() ? "" : " tenant " + String.join(", ",
                tenants)) + (wanted.isEmpty() ? "" : " " + String.join(", ", wanted)) + " from " + period.first()
                + " to " + period.last());
            return 1;
        }
        print(digest, spec.commandLine().getOut());
        return 0;
    }

    /** One file per tenant in {@code --each-tenant}, named after it; exit 1 when no tenant had anything. */
    private int writeEach(DigestGroups groups, Set<String> wanted, DigestPeriod period) {
        PrintWriter err = spec.commandLine().getErr();
        String extension = FORMATS.get(format);
        int written = 0;
        try {
            Files.createDirectories(eachTenant);
            for (String tenant : groups.groups()) {
                // tenant names are letters, digits, '.', '_' and '-' (the processor's served-domains file): a file
                // name of its own, never a path
                Path file = eachTenant.resolve(tenant + extension);
                try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
                    print(groups.digest(tenant, Set.of(tenant), wanted), out);
                }
                written++;
            }
        } catch (IOException e) {
            err.println("tlsrpt digest: cannot write to " + eachTenant + ": " + e.getMessage());
            return 1;
        }
        err.printf(Locale.ROOT, "tlsrpt digest: %d tenants' digests written to %s%n", written, eachTenant);
        if (written == 0) {
            err.println("tlsrpt digest: no domain with a tenant had reports or incidents from " + period.first()
                + " to " + period.last());
            return 1;
        }
        return 0;
    }

    private void print(Digest digest, PrintWriter out) {
        switch (format) {
            case "json" -> DigestJson.print(digest, out);
            case "html" -> DigestHtml.print(digest, out);
            default -> DigestMarkdown.print(digest, out);
        }
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
