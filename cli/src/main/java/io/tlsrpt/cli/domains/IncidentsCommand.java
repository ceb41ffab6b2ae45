package io.tlsrpt.cli.domains;

import com.fasterxml.jackson.databind.JsonNode;
import io.tlsrpt.processor.app.TlsRptProcessor;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tlsrpt incidents}: every incident a running stream processor application holds now, gathered from all its
 * instances ({@code GET /v1/incidents}), most urgent first: what is broken now, for whoever reaches the processor's
 * HTTP server with a token (a provider's customer with its own) but has no Kafka client.
 */
@Command(
    name = "incidents",
    mixinStandardHelpOptions = true,
    description = {
        "List the incidents a running stream processor application holds now, over all its instances, most urgent "
            + "first: open ones by default. With a tenant's token, that tenant's only. (bin/tlsrpt alerts --open "
            + "answers the same from the alert topic, with a Kafka client.)",
        "Exit codes: 0 ok (also when none is open), 1 the processor could not answer whole (still not ready after "
            + "--wait, an instance not answering), 2 usage error."})
public final class IncidentsCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ProcessorOptions options;

    @Option(names = "--status", paramLabel = "STATUS", defaultValue = "open",
        description = "open, resolved or all. Default: ${DEFAULT-VALUE}.")
    String status;

    @Option(names = "--tenant", paramLabel = "TENANT",
        description = "Only this tenant's incidents (the served-domains file's tenant names).")
    String tenant;

    @Option(names = "--domain", paramLabel = "DOMAIN", description = "Only this policy domain's and its subdomains'.")
    String domain;

    @Option(names = "--alert-id", paramLabel = "ID",
        description = "Only the incident whose alerts carry this alert_id (an alert's, as a SIEM or a page shows it); "
            + "with --status all, whether it still fires.")
    String alertId;

    @Option(names = "--mx", paramLabel = "HOST",
        description = "Only the incidents whose failures were at this receiving MX host, or at a host below this "
            + "domain (a provider's MX hosts shared by many customer domains), in their last anomalous window.")
    String mx;

    @Option(names = "--limit", paramLabel = "N",
        description = "Only the N most urgent (1 to 10000); the heading still counts them all. Default: the "
            + "processor's 10000.")
    Integer limit;

    @Option(names = "--after", paramLabel = "CURSOR",
        description = "Only those after this cursor, the next page: the 'next' of an earlier answer (a limited list "
            + "ends with the --after to give for the incidents after it).")
    String after;

    @Option(names = "--all",
        description = "Every incident, however many: asks page after page (each --limit, by default 10000) until "
            + "none follows, and prints them as one list (an incident that moved between two pages is listed once).")
    boolean all;

    @Option(names = "--by-mx",
        description = "Sum the whole list (every page, as --all) by the receiving MX hosts of the incidents' "
            + "failures: the hosts failing for the most domains first, each with its domains, incidents by severity "
            + "and kind: which of a provider's shared MX hosts are broken, and for how many customer domains.")
    boolean byMx;

    @Override
    public Integer call() throws InterruptedException {
        if (!List.of("open", "resolved", "all").contains(status)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--status must be open, resolved or all");
        }
        List<String> query = new ArrayList<>();
        query.add("status=" + ListPages.encoded(status));
        if (tenant != null) {
            query.add("tenant=" + ListPages.encoded(tenant));
        }
        if (domain != null) {
            query.add("domain=" + ListPages.encoded(domain.trim()));
        }
        if (alertId != null) {
            query.add("alert_id=" + ListPages.encoded(alertId.trim()));
        }
        if (mx != null) {
            query.add("mx=" + ListPages.encoded(mx.trim()));
        }
        if (limit != null) {
            if (limit < 1 || limit > 10_000) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be from 1 to 10000");
            }
            query.add("limit=" + limit);
        }
        String path = ListPages.query(TlsRptProcessor.INCIDENT_LIST_PATH, query);
        if (byMx && after != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--by-mx sums the whole list: no --after");
        }
        if (!all && !byMx) {
            return options.show(spec, "tlsrpt incidents", ListPages.after(path, after), IncidentsCommand::print);
        }
        JsonNode whole = ListPages.all(page -> options.ask(spec, "tlsrpt incidents", page), path, after, "incidents",
            incident -> incident.path("policy_domain").asText() + " " + incident.path("alert_id").asText());
        if (whole == null) {
            return 1;
        }
        if (byMx) {
            options.print(spec, IncidentsByMx.of(whole), IncidentsByMx::print);
        } else {
            options.print(spec, whole, IncidentsCommand::print);
        }
        return 0;
    }

    /**
     * A heading (how many, of what, how many of them listed when limited, from where), one line per incident in the
     * processor's order, then, when more come after them, how many and the {@code --after} that lists them.
     */
    static void print(JsonNode list, PrintWriter out) {
        JsonNode incidents = list.path("incidents");
        long count = list.path("count").asLong(incidents.size());
        String status = list.path("status").asText();
        String scope = (list.path("tenant").isTextual() ? " of tenant " + list.path("tenant").asText() : "")
            + (list.path("domain").isTextual() ? " under " + list.path("domain").asText() : "")
            + (list.path("alert_id").isTextual() ? " with alert_id " + list.path("alert_id").asText() : "")
            + (list.path("mx").isTextual() ? " at MX " + list.path("mx").asText() : "");
        String listed = list.path("after").isTextual() ? ", " + incidents.size() + " listed after the cursor"
            : incidents.size() < count ? ", the " + incidents.size() + " most urgent listed" : "";
        out.printf(Locale.ROOT, "%d %s%s%s%s, %d partitions on %d instances, as of %s%n", count,
            "all".equals(status) ? "" : status + " ", count == 1 ? "incident" : "incidents", scope, listed,
            list.path("partitions").asInt(), list.path("instances").size(), list.path("as_of").asText());
        for (JsonNode i : incidents) {
            String tenant = i.path("tenant").isTextual() ? " [" + i.path("tenant").asText() + "]" : "";
            out.println("  " + i.path("policy_domain").asText() + tenant + ": " + DomainCommand.incident(i));
        }
        if (list.path("next").isTextual()) {
            out.printf(Locale.ROOT, "%d more after these: --after %s%n", list.path("remaining").asLong(),
                list.path("next").asText());
        }
    }
}
