package io.tlsrpt.cli.alerts;

import io.tlsrpt.cli.KafkaClientOptions;
import io.tlsrpt.cli.run.AlertLine;
import io.tlsrpt.processor.detect.AlertKind;
import io.tlsrpt.processor.detect.Severity;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tlsrpt alerts}: what the processor alerted on, from the JSON alert topic of any cluster. The history
 * (oldest first), or with {@code --open} the incidents firing now (most severe, then newest first), and with
 * {@code --follow} the alerts committed after that, as they come. Nothing is committed: any number of people can run
 * it beside the notifier and the SIEM connectors.
 */
@Command(
    name = "alerts",
    mixinStandardHelpOptions = true,
    description = {
        "Show the alerts of the JSON alert topic: every event oldest first, or with --open the incidents firing now "
            + "(their latest event, most severe first), then with --follow new alerts as they are committed "
            + "(Ctrl-C to stop). One JSON object per line as the processor wrote it, or --format text for one "
            + "readable line each. A summary goes to standard error.",
        "Exit codes: 0 ok, 1 the topic could not be read, 2 usage error."})
public final class AlertsCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(AlertsCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    KafkaClientOptions cluster;

    @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = "tlsrpt.alerts.json",
        description = "The JSON alert topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--open", description = "Only incidents firing now: the latest event of each, most severe "
        + "first, then newest first.")
    boolean open;

    @Option(names = "--domain", paramLabel = "DOMAIN",
        description = "Only alerts of this policy domain or its subdomains. Repeatable.")
    Set<String> domains = new LinkedHashSet<>();

    @Option(names = "--kind", paramLabel = "KIND",
        description = "Only alerts of this kind (e.g. starttls-downgrade-suspected, certificate-expired). Repeatable.")
    Set<String> kinds = new LinkedHashSet<>();

    @Option(names = "--severity", paramLabel = "SEVERITY",
        description = "Only alerts of this severity (critical, warning, info). Repeatable.")
    Set<String> severities = new LinkedHashSet<>();

    @Option(names = "--tenant", paramLabel = "TENANT",
        description = "Only alerts of domains with this tenant (the processor's served.domains.file names it: "
            + "'example.com tenant=acme'). Repeatable.")
    Set<String> tenants = new LinkedHashSet<>();

    @Option(names = "--mx", paramLabel = "HOST",
        description = "Only alerts whose failures were at this receiving MX host, or at a host under this domain (e.g. "
            + "provider.example for mx1.provider.example), among the top_receiving_mx of an alert, and the later "
            + "events of their incidents: every domain an MX host shared by many fails for. Repeatable.")
    Set<String> mxHosts = new LinkedHashSet<>();

    @Option(names = "--since", paramLabel = "INSTANT",
        description = "Only alerts detected at or after this time (ISO-8601, e.g. 2026-11-29T00:00:00Z).")
    Instant since;

    @Option(names = "--last", paramLabel = "N",
        description = "Of what was committed before the command started, only the N most recent (with --open: the "
            + "first N, the most severe).")
    Integer last;

    @Option(names = "--follow", description = "After the history, keep printing alerts as they are committed.")
    boolean follow;

    @Option(names = "--exit-after", paramLabel = "N",
        description = "With --follow: exit after N new alerts (e.g. 1, to wait for the next one in a script).")
    Long exitAfter;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "json",
        description = "json (the alert as the processor wrote it) or text (one readable line). Default: "
            + "${DEFAULT-VALUE}.")
    String format;

    /** Counted down when the command is done, summary printed: what a Ctrl-C during --follow waits for. */
    private final CountDownLatch finished = new CountDownLatch(1);

    @Override
    public Integer call() {
        try {
            return show();
        } finally {
            finished.countDown();
        }
    }

    private int show() {
        validate();
        Map<String, Object> client = cluster.properties();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        AlertFilter filter = new AlertFilter(domains, kinds, severities, since, tenants, mxHosts);
        OpenIncidents incidents = new OpenIncidents();
        List<AlertEvent> history = new ArrayList<>();
        Map<String, Integer> invalid = new TreeMap<>();
        long[] shown = {0};
        long read;
        try (AlertTopicReader reader = AlertTopicReader.open(client, topic)) {
            read = reader.readToEnd(sink(err, invalid, event -> {
                incidents.apply(event);
                if (!open && filter.matches(event.alert())) {
                    history.add(event);
                }
            }));
            List<AlertEvent> before = open ? incidents.open(filter) : sortedByTime(history);
            if (last != null && before.size() > last) {
                before = open ? before.subList(0, last) : before.subList(before.size() - last, before.size());
            }
            for (AlertEvent event : before) {
                print(out, event);
                shown[0]++;
            }
            out.flush();
            if (follow) {
                read += follow(reader, filter, incidents, out, err, invalid, shown);
            }
        } catch (KafkaException | IllegalStateException e) {   // not authorised, unreachable, no such topic, timeout
            LOG.debug("reading {} failed", topic, e);
            err.println("tlsrpt alerts: cannot read " + topic + ": " + e.getMessage());
            return 1;
        }
        err.printf(Locale.ROOT, "tlsrpt alerts: %d read from %s, %d shown, %d open incident(s) in the topic%s%n",
            read, topic,
            shown[0], incidents.size(), invalid.isEmpty() ? "" : ", not alerts: " + invalid);
        err.flush();
        return 0;
    }

    /** New alerts as they are committed, until --exit-after of them were shown or Ctrl-C. */
    private long follow(AlertTopicReader reader, AlertFilter filter, OpenIncidents incidents, PrintWriter out,
                        PrintWriter err, Map<String, Integer> invalid, long[] shown) {
        long limit = exitAfter == null ? Long.MAX_VALUE : shown[0] + exitAfter;
        Thread hook = new Thread(() -> {
            reader.wakeup();
            try {
                finished.await(5, TimeUnit.SECONDS);   // let the summary line be printed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "tlsrpt-alerts-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return reader.follow(sink(err, invalid, event -> {
                incidents.apply(event);
                if (shown[0] < limit && filter.matches(event.alert())) {
                    print(out, event);
                    out.flush();
                    shown[0]++;
                }
            }), () -> shown[0] >= limit);
        } finally {
            removeHook(hook);
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            LOG.debug("the JVM is shutting down; the stop hook stays", e);
        }
    }

    private void print(PrintWriter out, AlertEvent event) {
        out.println(format.equals("text") ? AlertLine.format(event.json()) : event.json());
    }

    /**
     * Alerts go to {@code onEvent}; a record that is not an alert is said on stderr with where it is and counted by
     * cause in {@code invalid}: never printed as one, never silently passed over.
     */
    private static AlertTopicReader.Sink sink(PrintWriter err, Map<String, Integer> invalid,
                                              Consumer<AlertEvent> onEvent) {
        return new AlertTopicReader.Sink() {
            @Override
            public void event(AlertEvent event) {
                onEvent.accept(event);
            }

            @Override
            public void invalid(String where, String why) {
                err.println("tlsrpt alerts: " + where + " is not an alert: " + why);
                invalid.merge(why.replaceAll(":.*", ""), 1, Integer::sum);
            }
        };
    }

    private static List<AlertEvent> sortedByTime(List<AlertEvent> events) {
        List<AlertEvent> sorted = new ArrayList<>(events);
        sorted.sort(AlertEvent.BY_TIME);
        return sorted;
    }

    private void validate() {
        List<String> severityCodes = Arrays.stream(Severity.values()).map(Severity::code).toList();
        for (String s : severities) {
            if (!severityCodes.contains(s.toLowerCase(Locale.ROOT))) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                    "--severity " + s + ": expected one of " + severityCodes);
            }
        }
        List<String> kindCodes = Arrays.stream(AlertKind.values()).map(AlertKind::code).toList();
        for (String k : kinds) {
            if (!kindCodes.contains(k.toLowerCase(Locale.ROOT))) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                    "--kind " + k + ": expected one of " + kindCodes);
            }
        }
        if (!format.equals("json") && !format.equals("text")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--format must be json or text");
        }
        if (last != null && last < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--last must not be negative");
        }
        if (exitAfter != null && (!follow || exitAfter < 1)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "--exit-after needs --follow and a count of at least 1");
        }
    }
}
