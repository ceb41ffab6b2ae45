package io.tlsrpt.cli.domains;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import io.tlsrpt.cli.KafkaClientOptions;
import io.tlsrpt.cli.PolicyDomains;
import io.tlsrpt.cli.SchemaRegistryOption;
import io.tlsrpt.embedded.TopicSnapshot;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tlsrpt domains}: each policy domain's sessions, failed share and share under no enforced policy, from the
 * committed records of {@code tlsrpt.domain-stats} on any cluster: the success rates that no alert carries. Nothing is
 * committed. With {@code tlsrpt run}'s in-process registry ({@code mock://tlsrpt-run}, the default) the schema ids are
 * those {@link io.tlsrpt.cli.run.FixedSchemaIds} pins in every process, so its topics read from another terminal.
 */
@Command(
    name = "domains",
    mixinStandardHelpOptions = true,
    description = {
        "Show each policy domain's days with reports, sessions, the share that failed and the share delivered under "
            + "no enforced policy (no-policy-found, MTA-STS in testing or none mode), and its reporters, from the "
            + "domain statistics topic; worst first. A summary goes to standard error.",
        "Exit codes: 0 ok, 1 the topic does not exist or could not be read, 2 usage error."})
public final class DomainsCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(DomainsCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    KafkaClientOptions cluster;

    @CommandLine.Mixin
    SchemaRegistryOption registry;

    @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = "tlsrpt.domain-stats",
        description = "The domain statistics topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--domain", paramLabel = "DOMAIN",
        description = "Only this policy domain or its subdomains. Repeatable.")
    Set<String> domains = new LinkedHashSet<>();

    @Option(names = "--tenant", paramLabel = "TENANT",
        description = "Only the records written for this tenant (as the processor's served.domains.file named it "
            + "then). Repeatable.")
    Set<String> tenants = new LinkedHashSet<>();

    @Option(names = "--since", paramLabel = "YYYY-MM-DD",
        description = "Only the windows (days) starting on or after this UTC date; the topic is read from that day "
            + "on, not from its beginning.")
    LocalDate since;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
        description = "text (a table) or json (one object per domain and line, the shares as fractions). Default: "
            + "${DEFAULT-VALUE}.")
    String format;

    @Override
    public Integer call() {
        if (!format.equals("text") && !format.equals("json")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--format must be text or json");
        }
        Map<String, Object> client = cluster.properties();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Set<String> wanted = PolicyDomains.normalised(domains);
        Instant from = since == null ? Instant.MIN : since.atStartOfDay(ZoneOffset.UTC).toInstant();
        DomainTable table = new DomainTable();
        long read;
        Map<String, Object> serde = registry.serdeConfig(client);
        try {
            // the processor stamps each record with its window's start: a --since reads from that day on
            read = table.read(client, topic, serde, since == null ? null : from,
                stats -> PolicyDomains.matches(stats.getPolicyDomain(), wanted)
                && (tenants.isEmpty() || tenants.contains(stats.getTenant()))
                && !stats.getWindowStart().isBefore(from));
        } catch (KafkaException | IllegalStateException e) {   // unreachable, not authorised, not our records
            LOG.debug("reading {} failed", topic, e);
            err.println(registry.cannotRead("domains", topic, e));
            return 1;
        }
        if (read == 0 && !TopicSnapshot.exists(client, topic)) {
            err.println("tlsrpt domains: " + topic + " does not exist on this cluster (a stream processor before the "
                + "domain statistics does not write it; see --topic)");
            return 1;
        }
        if (format.equals("json")) {
            table.printJson(out);
        } else {
            table.print(out);
        }
        err.printf(Locale.ROOT, "tlsrpt domains: %d records read from %s, %d kept, %d domains shown%n", read, topic,
            table.added(), table.rows().size());
        err.flush();
        return 0;
    }
}
