package io.tlsrpt.cli.domains;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import io.tlsrpt.cli.KafkaClientOptions;
import io.tlsrpt.cli.PolicyDomains;
import io.tlsrpt.cli.SchemaRegistryOption;
import io.tlsrpt.embedded.TopicSnapshot;
import io.tlsrpt.processor.app.TlsRptProcessor;
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
 * With {@code --processor} instead of {@code --bootstrap}: the same table from a running stream processor's own state
 * ({@code GET /v1/domains}, gathered from all its instances), with each domain's open incidents, in pages, for whoever
 * has its HTTP server and a token but no Kafka client.
 */
@Command(
    name = "domains",
    mixinStandardHelpOptions = true,
    description = {
        "Show each policy domain's days with reports, sessions, the share that failed and the share delivered under "
            + "no enforced policy (no-policy-found, MTA-STS in testing or none mode), and its reporters, from the "
            + "domain statistics topic (--bootstrap) or from a running stream processor's state (--processor, with "
            + "each domain's open incidents); worst first. A summary goes to standard error.",
        "Exit codes: 0 ok, 1 the topic does not exist or could not be read, or the processor could not answer whole, "
            + "2 usage error."})
public final class DomainsCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(DomainsCommand.class);
    /** The orders of --order, as the processor's domain list names them. */
    private static final Map<String, Comparator<DomainTable.Row>> ORDERS = Map.of("worst", DomainTable.WORST_FIRST,
        "name", DomainTable.BY_NAME, "sessions", DomainTable.MOST_SESSIONS_FIRST);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    /** Where the domains are read: a cluster's topic or a processor's state. */
    static final class Source {
        @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers: read the domain statistics topic.")
        String bootstrap;

        @Option(names = "--processor", paramLabel = "URL",
            description = "Any stream processor instance's HTTP server (http.host:http.port; that of bin/tlsrpt run is "
                + "http://127.0.0.1:9464): ask its state instead of reading the topic.")
        URI processor;
    }

    @Option(names = "--client-config", paramLabel = "FILE",
        description = "Kafka client properties (security.protocol, sasl.*, ssl.*) for a secured cluster "
            + "(--bootstrap).")
    Path clientConfig;

    @CommandLine.Mixin
    SchemaRegistryOption registry;

    @CommandLine.Mixin
    ProcessorAccess access;

    @Option(names = "--order", paramLabel = "ORDER",
        description = "worst (the largest failed share first; the default), name, or sessions (the most sessions "
            + "first).")
    String order;

    @Option(names = "--limit", paramLabel = "N",
        description = "With --processor: only the first N in the order (1 to 10000); the heading still counts them "
            + "all. Default: the processor's 10000.")
    Integer limit;

    @Option(names = "--after", paramLabel = "CURSOR",
        description = "With --processor: only those after this cursor, the next page (a limited list ends with the "
            + "--after to give for the domains after it).")
    String after;

    @Option(names = "--all",
        description = "With --processor: every domain, however many: asks page after page until none follows.")
    boolean all;

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
        description = "text (a table) or json (from the topic: one object per domain and line, the shares as "
            + "fractions; from a processor: its answer as it is). Default: ${DEFAULT-VALUE}.")
    String format;

    @Override
    public Integer call() throws InterruptedException {
        if (!format.equals("text") && !format.equals("json")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--format must be text or json");
        }
        if (order != null && !ORDERS.containsKey(order)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--order must be worst, name or sessions");
        }
        if (source.processor != null) {
            return fromProcessor();
        }
        for (String option : List.of("--limit", "--after", "--all", "--token-file", "--ca-file", "--cert-file",
            "--key-file", "--wait")) {
            if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                throw new CommandLine.ParameterException(spec.commandLine(), option + " asks a processor: give "
                    + "--processor instead of --bootstrap");
            }
        }
        return fromTopic();
    }

    private int fromTopic() {
        Map<String, Object> client = KafkaClientOptions.properties(source.bootstrap, clientConfig,
            spec.commandLine());
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
        Comparator<DomainTable.Row> rowOrder = ORDERS.get(order == null ? "worst" : order);
        if (format.equals("json")) {
            table.printJson(out, rowOrder);
        } else {
            table.print(out, rowOrder);
        }
        err.printf(Locale.ROOT, "tlsrpt domains: %d records read from %s, %d kept, %d domains shown%n", read, topic,
            table.added(), table.rows().size());
        err.flush();
        return 0;
    }

    /** The processor's list of domains, page by page with --all, printed as the topic's table is. */
    private int fromProcessor() throws InterruptedException {
        for (String option : List.of("--topic", "--registry", "--client-config")) {
            if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                throw new CommandLine.ParameterException(spec.commandLine(), option + " reads a topic: give "
                    + "--bootstrap instead of --processor");
            }
        }
        if (domains.size() > 1 || tenants.size() > 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "with --processor, one --domain and one --tenant at most");
        }
        if (limit != null && (limit < 1 || limit > 10_000)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be from 1 to 10000");
        }
        List<String> query = new ArrayList<>();
        tenants.forEach(t -> query.add("tenant=" + ListPages.encoded(t)));
        domains.forEach(d -> query.add("domain=" + ListPages.encoded(d.trim())));
        if (since != null) {
            query.add("since=" + since);
        }
        if (order != null) {
            query.add("order=" + order);
        }
        if (limit != null) {
            query.add("limit=" + limit);
        }
        String path = ListPages.query(TlsRptProcessor.DOMAIN_LIST_PATH, query);
        ListPages.Ask processor = page -> access.ask(spec, "tlsrpt domains", source.processor, page);
        JsonNode list = all ? ListPages.all(processor, path, after, "domains", d -> d.path("policy_domain").asText())
            : processor.ask(ListPages.after(path, after));
        if (list == null) {
            return 1;
        }
        PrintWriter out = spec.commandLine().getOut();
        if (format.equals("json")) {
            out.println(list);
        } else {
            print(list, out);
        }
        out.flush();
        return 0;
    }

    /**
     * A heading (how many, of what, how many of them listed when limited, from where), the table of
     * {@link DomainTable#print(List, Map, PrintWriter)} with each domain's open incidents in the processor's order,
     * then, when more come after them, how many and the {@code --after} that lists them.
     */
    static void print(JsonNode list, PrintWriter out) {
        JsonNode domains = list.path("domains");
        long count = list.path("count").asLong(domains.size());
        String scope = (list.path("tenant").isTextual() ? " of tenant " + list.path("tenant").asText() : "")
            + (list.path("domain").isTextual() ? " under " + list.path("domain").asText() : "")
            + (list.path("since").isTextual() ? " since " + list.path("since").asText() : "");
        String order = list.path("order").asText("worst");
        String listed = list.path("after").isTextual() ? ", " + domains.size() + " listed after the cursor"
            : domains.size() < count ? ", the " + (order.equals("worst") ? domains.size() + " worst"
            : "first " + domains.size()) + " listed" : "";
        out.printf(Locale.ROOT, "%d %s%s%s%s, %d partitions on %d instances, as of %s%n", count,
            count == 1 ? "domain" : "domains", scope, order.equals("worst") ? "" : ", by " + order, listed,
            list.path("partitions").asInt(),
            list.path("instances").size(), list.path("as_of").asText());
        List<DomainTable.Row> rows = new ArrayList<>();
        Map<String, Long> open = new HashMap<>();
        for (JsonNode d : domains) {
            Set<String> reporters = new TreeSet<>();
            d.path("reporters").forEach(r -> reporters.add(r.asText()));
            String domain = d.path("policy_domain").asText();
            rows.add(new DomainTable.Row(domain, d.path("tenant").asText(null), d.path("days").asInt(),
                d.path("total_sessions").asLong(), count(d.path("failed_sessions")),
                count(d.path("sessions_without_enforced_policy")), reporters));
            open.put(domain, d.path("open_incidents").asLong());
        }
        DomainTable.print(rows, open, out);
        if (list.path("next").isTextual()) {
            out.printf(Locale.ROOT, "%d more after these: --after %s%n", list.path("remaining").asLong(),
                list.path("next").asText());
        }
    }

    /** A count of the answer; null where a window did not count it. */
    private static Long count(JsonNode node) {
        return node.isNumber() ? node.asLong() : null;
    }
}
