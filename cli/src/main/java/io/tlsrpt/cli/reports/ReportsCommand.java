package io.tlsrpt.cli.reports;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import io.tlsrpt.cli.KafkaClientOptions;
import io.tlsrpt.cli.SchemaRegistryOption;
import io.tlsrpt.embedded.TopicSnapshot;
import io.tlsrpt.schema.TlsReport;
import io.tlsrpt.schema.serde.AvroSerdes;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tlsrpt reports}: the reports behind an alert or a bad day, from the committed records of
 * {@code tlsrpt.reports} on any cluster: each report's policies for the asked domains (who reported which day, which
 * policy, how many sessions failed) and their failure details summed by result type and receiving MX host, with the
 * sending MTAs and the reasons the senders gave. What no alert and no statistic carries. Nothing is committed.
 */
@Command(
    name = "reports",
    mixinStandardHelpOptions = true,
    description = {
        "Show the reports received about the given policy domains (and their subdomains), or with failures at the "
            + "given MX hosts: a line per report and policy, oldest first, then the failure details summed by result "
            + "type and receiving MX host (across the domains, when there are several, then by domain), the most "
            + "failed sessions first, with the reporters, the sending MTAs and the senders' reasons. A summary goes "
            + "to standard error.",
        "Exit codes: 0 reports shown, 1 none matched or the topic does not exist or could not be read, 2 usage error."})
public final class ReportsCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ReportsCommand.class);

    /**
     * How long before {@code --since} the topic is read from. Its records are stamped with their arrival, which
     * follows the report's window (a day's report comes the next day); the margin covers a sender's clock ahead of
     * ours.
     */
    static final Duration READ_MARGIN = Duration.ofDays(1);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    KafkaClientOptions cluster;

    @CommandLine.Mixin
    SchemaRegistryOption registry;

    @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = "tlsrpt.reports",
        description = "The normalised reports topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--domain", paramLabel = "DOMAIN",
        description = "The policy domain, or a parent of the policy domains, to show. Repeatable. At least one of "
            + "--domain and --mx.")
    Set<String> domains = new LinkedHashSet<>();

    @Option(names = "--mx", paramLabel = "HOST",
        description = "Only the failure details at this receiving MX host, at the hosts under this domain (e.g. "
            + "provider.example for mx1.provider.example and mx2.provider.example) or at this address, and only the "
            + "policies with such details; with no --domain, of every policy domain: which of a provider's domains "
            + "fail at its shared MX host. Repeatable.")
    Set<String> mxHosts = new LinkedHashSet<>();

    @Option(names = "--since", paramLabel = "YYYY-MM-DD",
        description = "Only the reports whose window starts on or after this UTC date; the topic is read from a day "
            + "before it, not from its beginning.")
    LocalDate since;

    @Option(names = "--until", paramLabel = "YYYY-MM-DD",
        description = "Only the reports whose window starts on or before this UTC date.")
    LocalDate until;

    @Option(names = "--reporter", paramLabel = "NAME",
        description = "Only the reports of organisations whose name contains NAME (any case), e.g. google. Repeatable.")
    Set<String> reporters = new LinkedHashSet<>();

    @Option(names = "--result-type", paramLabel = "TYPE",
        description = "Only the policies with failure details of this result type (e.g. certificate-expired, "
            + "starttls-not-supported), and only those details.")
    String resultType;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
        description = "text (the reports, then the failure details summed) or json (one object per report and "
            + "policy and line, with its failure details). Default: ${DEFAULT-VALUE}.")
    String format;

    @Override
    public Integer call() {
        if (!format.equals("text") && !format.equals("json")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--format must be text or json");
        }
        if (domains.isEmpty() && mxHosts.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give --domain, --mx or both");
        }
        if (since != null && until != null && until.isBefore(since)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--until is before --since");
        }
        Instant from = since == null ? Instant.MIN : since.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant to = until == null ? Instant.MAX : until.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        ReportCollection collection = new ReportCollection(
            new ReportSelection(domains, from, to, reporters, resultType, mxHosts));
        Map<String, Object> client = cluster.properties();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long read;
        try (Deserializer<TlsReport> deserializer = AvroSerdes.forClass(TlsReport.class,
                registry.serdeConfig(client), false).deserializer()) {
            read = TopicSnapshot.forEach(client, topic, since == null ? null : from.minus(READ_MARGIN),
                r -> collection.add(deserializer.deserialize(r.topic(), r.headers(), r.value())));
        } catch (KafkaException | IllegalStateException e) {   // unreachable, not authorised, not our records
            LOG.debug("reading {} failed", topic, e);
            err.println(registry.cannotRead("reports", topic, e));
            return 1;
        }
        if (read == 0 && !TopicSnapshot.exists(client, topic)) {
            err.println("tlsrpt reports: " + topic + " does not exist on this cluster (see --topic)");
            return 1;
        }
        err.printf(Locale.ROOT, "tlsrpt reports: %d records read from %s%s, %d reports shown%s%n", read, topic,
            since == null ? "" : " (from those stamped " + from.minus(READ_MARGIN) + ")", collection.reports(),
            collection.repeated() == 0 ? "" : ", " + collection.repeated() + " records repeating a shown report");
        err.flush();
        if (collection.reports() == 0) {
            err.println("tlsrpt reports: no report matched "
                + (domains.isEmpty() ? "any domain" : String.join(", ", domains))
                + (resultType == null ? "" : " with " + resultType)
                + (mxHosts.isEmpty() ? "" : " at " + String.join(", ", mxHosts)) + " in what was read");
            return 1;
        }
        if (format.equals("json")) {
            ReportsJson.print(collection, out);
        } else {
            ReportsText.print(collection, out);
        }
        return 0;
    }
}
