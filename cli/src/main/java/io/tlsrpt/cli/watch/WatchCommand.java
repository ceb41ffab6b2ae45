package io.tlsrpt.cli.watch;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tlsrpt.cli.KafkaClientOptions;
import io.tlsrpt.cli.check.CheckOptions;
import io.tlsrpt.cli.check.CheckedDomainName;
import io.tlsrpt.cli.check.DomainChecker;
import io.tlsrpt.cli.check.MxProbeOptions;
import io.tlsrpt.cli.run.FixedSchemaIds;
import io.tlsrpt.cli.run.RunSettings;
import io.tlsrpt.processor.served.AlertTenants;
import io.tlsrpt.processor.served.ListFile;
import io.tlsrpt.processor.served.ServedDomains;
import io.tlsrpt.schema.Alert;
import io.tlsrpt.schema.AvroJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tlsrpt watch}: checks the published policies of the domains you receive reports for, every interval, and
 * alerts (on the processor's alert topics) when one breaks, within minutes rather than with the next day's reports.
 */
@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description = {
        "Checks each DOMAIN's _smtp._tls record, MTA-STS policy and DANE records every --interval (the checks of "
            + "check-record) and publishes an alert to the processor's alert topics when one breaks: "
            + "tlsrpt-record-broken, tlsrpt-rua-unreachable, mta-sts-policy-unreachable, mta-sts-certificate-invalid, "
            + "mta-sts-policy-invalid, mta-sts-mx-not-covered, mta-sts-id-unchanged, dnssec-broken, tls-policy-not-enforced; with --probe-mx "
            + "also certificate-expired, certificate-expiring, certificate-invalid, starttls-unavailable, "
            + "dane-tlsa-mismatch; "
            + "the same incident again when what it says changes (another MX host), and a resolved alert when it is "
            + "mended. Alerts carry reporters=[\"tlsrpt watch\"].",
        "Each check's posture (and what changed in the policies) goes to a compacted topic keyed by domain, from "
            + "which a restarted watch resumes. A part that cannot be looked up (a DNS failure, an MX this machine "
            + "cannot reach) is unknown: it neither fires nor resolves an incident.",
        "Prints each published alert as a JSON line on stdout and a line per round on stderr.",
    },
    exitCodeListHeading = "Exit status:%n",
    exitCodeList = {
        "0:the rounds asked for (--rounds) ran, the last of them published",
        "1:the cluster could not be read or written (with --rounds: the last round was not published), or another "
            + "watch with the same --transactional-id took over",
        "2:usage error",
    })
public final class WatchCommand implements Callable<Integer> {

    /** The one reporter of every alert of the watch (see {@link WatchStep#REPORTER}). */
    public static final String REPORTER = WatchStep.REPORTER;

    /** The compacted topic of each domain's last posture, unless {@code --posture-topic} names another. */
    public static final String DEFAULT_POSTURE_TOPIC = "tlsrpt.policy-posture";

    private static final Logger LOG = LoggerFactory.getLogger(WatchCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    KafkaClientOptions cluster;

    @CommandLine.Mixin
    CheckOptions lookup;

    @Parameters(arity = "0..*", paramLabel = "DOMAIN", description = "the domains to watch")
    List<String> domains = new ArrayList<>();

    @Option(names = "--domains-file", paramLabel = "FILE",
        description = "more domains, one per line (# starts a comment; the processor's served.domains.file will do, "
            + "its *. wildcard entries skipped); read again at every round, so that an edit applies without a "
            + "restart. A domain that leaves the list has its incidents resolved. A line 'DOMAIN tenant=NAME' (or "
            + "'*.DOMAIN tenant=NAME', for the names below) gives its alerts that tenant, as the processor does.")
    Path domainsFile;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "PT15M",
        description = "from the start of one round to the next, ISO-8601 (default: ${DEFAULT-VALUE}; at least PT1S)")
    Duration interval;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "0",
        description = "stop after N rounds (default: 0, until stopped; 1 for a cron job). A round that cannot be "
            + "published is done again at the next; the exit code says whether the last one was published")
    int rounds;

    @Option(names = "--parallelism", paramLabel = "N", defaultValue = "4",
        description = "domains checked at once (default: ${DEFAULT-VALUE}, 1 to 64)")
    int parallelism;

    @Option(names = "--registry", paramLabel = "URL", defaultValue = RunSettings.DEFAULT_REGISTRY,
        description = "schema registry of the Avro alert topic (default: ${DEFAULT-VALUE}, that of bin/tlsrpt run); "
            + "its credentials may be in --client-config")
    String registry;

    @Option(names = "--alerts-topic", paramLabel = "TOPIC", defaultValue = "tlsrpt.alerts",
        description = "the Avro alert topic (default: ${DEFAULT-VALUE})")
    String alertsTopic;

    @Option(names = "--alerts-json-topic", paramLabel = "TOPIC", defaultValue = "tlsrpt.alerts.json",
        description = "the JSON alert topic, read by the notifier and tlsrpt alerts (default: ${DEFAULT-VALUE})")
    String alertsJsonTopic;

    @Option(names = "--posture-topic", paramLabel = "TOPIC", defaultValue = DEFAULT_POSTURE_TOPIC,
        description = "the compacted topic of each domain's last posture, created when missing "
            + "(default: ${DEFAULT-VALUE})")
    String postureTopic;

    @CommandLine.Mixin
    MxProbeOptions mxProbe;

    @Option(names = "--cert-warning-days", paramLabel = "DAYS", defaultValue = "14",
        description = "with --probe-mx, certificate-expiring fires this many days before an MX certificate expires "
            + "(default: ${DEFAULT-VALUE}, 1 to 365)")
    int certWarningDays;

    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "-1",
        description = "serve /metrics (Prometheus) and /health on this port (default: off; 0 for any free port)")
    int metricsPort;

    @Option(names = "--metrics-bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
        description = "the address /metrics and /health listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 in a container)")
    String metricsBind;

    @Option(names = "--transactional-id", paramLabel = "ID", defaultValue = "tlsrpt-watch",
        description = "the producer's transactional id: a second watch with the same id fences the first "
            + "(default: ${DEFAULT-VALUE})")
    String transactionalId;

    private final CountDownLatch stop = new CountDownLatch(1);
    private List<String> skippedWildcards = List.of();
    /** The tenants the file's lines name ({@code DOMAIN tenant=NAME}, wildcards too), as last read. */
    private ServedDomains tenants = ServedDomains.ALL;

    @Override
    public Integer call() {
        checkOptions();
        List<String> first = watchList();
        if (first.isEmpty()) {
            throw usage("give at least one DOMAIN or a --domains-file that lists one");
        }
        io.tlsrpt.cli.check.SmtpTlsProbe probe = mxProbe.probe(lookup);
        io.tlsrpt.cli.check.ReportUriProbe rua = lookup.ruaProbe();
        Map<String, Object> client = cluster.properties();
        PrintWriter err = spec.commandLine().getErr();
        Map<String, Object> serde = FixedSchemaIds.readerSerdeConfig(registry, client);
        Map<String, WatchedDomain> state;
        try {
            PostureTopic.ensure(client, postureTopic, List.of(alertsTopic, alertsJsonTopic));
            state = new HashMap<>(PostureTopic.load(client, postureTopic));
        } catch (KafkaException | IllegalStateException e) {
            LOG.debug("reading {} failed", postureTopic, e);
            err.println("tlsrpt watch: cannot start: " + e.getMessage());
            return 1;
        }
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        WatchMetrics metrics = new WatchMetrics(meters, interval, Clock.systemUTC());
        HttpServer http;
        try {
            http = metricsPort < 0 ? null : WatchEndpoints.start(metricsBind, metricsPort, meters, metrics);
        } catch (IOException e) {
            err.println("tlsrpt watch: cannot listen on " + metricsBind + ":" + metricsPort + ": " + e.getMessage());
            return 1;
        }
        Thread main = Thread.currentThread();
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                main.join(TimeUnit.SECONDS.toMillis(30));   // the round in progress is published or aborted
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "tlsrpt-watch-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        ExecutorService pool = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "tlsrpt-watch-check");
            t.setDaemon(true);
            return t;
        });
        WatchPublisher.Topics topics = new WatchPublisher.Topics(alertsTopic, alertsJsonTopic, postureTopic);
        try (WatchPublisher publisher = new WatchPublisher(client, serde, transactionalId, topics)) {
            return watchRounds(publisher, first, state,
                new Checks(lookup.dnsClient(), lookup.policyFetcher(), probe, rua, pool), metrics);
        } catch (StopWatching e) {
            LOG.debug("the watch stops", e);
            err.println("tlsrpt watch: " + e.getMessage());
            return 1;
        } catch (KafkaException e) {
            LOG.debug("the watch's producer failed", e);
            err.println("tlsrpt watch: cannot write to the cluster: " + e.getMessage());
            return 1;
        } finally {
            pool.shutdownNow();
            if (http != null) {
                http.stop(0);
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                LOG.debug("stopping: the JVM runs its shutdown hooks");
            }
        }
    }

    private void checkOptions() {
        if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw usage("--interval must be at least PT1S");
        }
        if (rounds < 0 || parallelism < 1 || parallelism > 64) {
            throw usage("--rounds must be 0 or more and --parallelism between 1 and 64");
        }
        if (certWarningDays < 1 || certWarningDays > 365) {
            throw usage("--cert-warning-days must be between 1 and 365");
        }
        if (metricsPort < -1 || metricsPort > 65535) {
            throw usage("--metrics-port must be a port number, 0 for any free port, or -1 for none");
        }
    }

    /** What a round checks with. */
    private record Checks(io.tlsrpt.cli.check.DnsClient dns, io.tlsrpt.cli.check.MtaStsPolicyFetcher fetcher,
                          io.tlsrpt.cli.check.SmtpTlsProbe probe, io.tlsrpt.cli.check.ReportUriProbe rua,
                          ExecutorService pool) {

        /**
         * A checker for one round: its MX probe remembers each host, and its rua probe each destination, for the
         * round only.
         */
        DomainChecker forRound() {
            return new DomainChecker(dns, fetcher, probe == null ? null : probe.fresh(),
                rua == null ? null : rua.fresh());
        }
    }

    /** The rounds, until --rounds or a stop; the exit code. */
    private int watchRounds(WatchPublisher publisher, List<String> first, Map<String, WatchedDomain> state,
                            Checks checks, WatchMetrics metrics) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<String> watched = first;
        boolean lastPublished = false;
        for (int round = 1; rounds == 0 || round <= rounds; round++) {
            long started = System.nanoTime();
            if (round > 1) {
                watched = reloadedWatchList(watched);
            }
            Round result = round(watched, state, checks, metrics);
            result.stampTenants(tenants);   // as the list read for this round names them
            lastPublished = publish(publisher, result, round);
            if (lastPublished) {
                result.apply(state);
                metrics.published(result.steps, state.values(), tenants, watched.size(),
                    Duration.ofNanos(System.nanoTime() - started));
                for (WatchStep step : result.steps) {
                    for (Alert alert : step.alerts()) {
                        out.println(AvroJson.toJson(alert));
                    }
                }
                out.flush();
                err.println(result.summary(round, Duration.ofNanos(System.nanoTime() - started), state));
                err.flush();
            } else {
                metrics.failed();
            }
            if ((rounds == 0 || round < rounds) && waitForNextRound(started)) {
                break;
            }
        }
        if (!lastPublished) {
            err.println("tlsrpt watch: the last round was not published (see the log)");
            return 1;
        }
        return 0;
    }

    /** Ends the command with exit code 1 and its message. */
    private static final class StopWatching extends RuntimeException {
        StopWatching(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * @return whether the round was published; false when it was not and the next round may try again (nothing of
     *     it is visible, and the state is as before it)
     * @throws StopWatching when the watch cannot go on: fenced by another watch, or a producer that failed fatally and
     *     a new one that cannot publish the round either
     */
    private boolean publish(WatchPublisher publisher, Round result, int round) {
        try {
            publisher.publish(result.domains, result.steps);
            return true;
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
            throw tookOver(e);
        } catch (KafkaException | IllegalStateException e) {
            if (publisher.usable()) {
                LOG.error("round {} could not be published (nothing of it is visible); the next round checks again",
                    round, e);
                return false;
            }
            return publishWithNewProducer(publisher, result, round, e);
        }
    }

    private StopWatching tookOver(KafkaException fenced) {
        return new StopWatching("another watch with --transactional-id " + transactionalId + " took over: "
            + fenced.getMessage(), fenced);
    }

    /**
     * The round once more, by a new producer under the same transactional id, after the last one failed fatally (nothing
     * of the round is visible: its transaction is aborted when the new producer starts).
     */
    private boolean publishWithNewProducer(WatchPublisher publisher, Round result, int round, RuntimeException failure) {
        LOG.warn("round {}: the producer failed and cannot go on ({}); publishing the round again with a new producer",
            round, failure.toString());
        try {
            publisher.reopen();
            publisher.publish(result.domains, result.steps);
            return true;
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
            throw tookOver(e);
        } catch (KafkaException | IllegalStateException e) {
            e.addSuppressed(failure);
            throw new StopWatching("cannot publish round " + round + ": " + e.getMessage(), e);
        }
    }

    /** @return true when asked to stop while waiting */
    private boolean waitForNextRound(long startedNanos) {
        long wait = interval.toNanos() - (System.nanoTime() - startedNanos);
        try {
            return stop.await(Math.max(0, wait), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /** One round's checks, and what publishing them will change. */
    private static final class Round {
        final List<String> domains = new ArrayList<>();
        final List<WatchStep> steps = new ArrayList<>();
        int failedChecks;

        void add(String domain, WatchStep step) {
            domains.add(domain);
            steps.add(step);
        }

        /** Each alert with the tenant {@code tenants} names for its domain, before it is published and printed. */
        void stampTenants(ServedDomains tenants) {
            steps.replaceAll(step -> new WatchStep(step.next(),
                step.alerts().stream().map(alert -> AlertTenants.withTenant(alert, tenants)).toList(),
                step.changes(), step.unknownParts()));
        }

        void apply(Map<String, WatchedDomain> state) {
            for (int i = 0; i < steps.size(); i++) {
                WatchedDomain next = steps.get(i).next();
                if (next == null) {
                    state.remove(domains.get(i));
                } else {
                    state.put(domains.get(i), next);
                }
            }
        }

        String summary(int round, Duration took, Map<String, WatchedDomain> state) {
            long fired = steps.stream().flatMap(s -> s.alerts().stream()).filter(a -> a.getStatus().equals("firing"))
                .count();
            long resolved = steps.stream().flatMap(s -> s.alerts().stream())
                .filter(a -> a.getStatus().equals("resolved")).count();
            long unknown = steps.stream().filter(s -> !s.unknownParts().isEmpty()).count();
            long changed = steps.stream().filter(s -> !s.changes().isEmpty()).count();
            long open = state.values().stream().mapToLong(d -> d.open().size()).sum();
            return String.format(java.util.Locale.ROOT, "tlsrpt watch: round %d: %d domain(s) checked in %.1f s, %d "
                + "fired, %d resolved, %d open; %d with policy changes, %d with lookups failed, %d check(s) failed",
                round, steps.stream().filter(s -> s.next() != null).count(), took.toMillis() / 1000.0, fired,
                resolved, open, changed, unknown, failedChecks);
        }
    }

    private Round round(List<String> watched, Map<String, WatchedDomain> state, Checks with, WatchMetrics metrics) {
        Map<String, Future<PolicyPosture>> checks = new LinkedHashMap<>();
        DomainChecker checker = with.forRound();
        for (String domain : watched) {
            checks.put(domain, with.pool().submit(() -> PolicyPosture.of(checker.check(domain),
                Clock.systemUTC().instant())));
        }
        Round round = new Round();
        List<PolicyPosture> postures = new ArrayList<>();
        for (Map.Entry<String, Future<PolicyPosture>> check : checks.entrySet()) {
            String domain = check.getKey();
            try {
                postures.add(check.getValue().get());
            } catch (ExecutionException e) {
                // a check that failed unexpectedly tells nothing: the domain keeps its state until the next round
                round.failedChecks++;
                metrics.checkFailed();
                LOG.warn("checking {} failed; it keeps its incidents until the next round", domain, e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while checking", e);
            }
        }
        for (PolicyPosture posture : WideFetchFailure.unjudged(postures)) {
            WatchStep step = WatchStep.apply(state.get(posture.domain()), posture, Duration.ofDays(certWarningDays));
            metrics.checked(step);
            step.changes().forEach(change -> LOG.info("{}: {}", posture.domain(), change));
            round.add(posture.domain(), step);
        }
        Instant now = Clock.systemUTC().instant();
        for (String gone : new TreeSet<>(state.keySet())) {
            if (!checks.containsKey(gone)) {
                LOG.info("{} left the watch list: its incidents resolve", gone);
                round.add(gone, WatchStep.forget(state.get(gone), now));
            }
        }
        return round;
    }

    /** The domains of the arguments and the file, checked, each once. */
    private List<String> watchList() {
        TreeSet<String> all = new TreeSet<>();
        for (String d : domains) {
            all.add(ascii(d, "DOMAIN"));
        }
        if (domainsFile != null) {
            try {
                all.addAll(readDomainsFile());
            } catch (IOException e) {
                throw usage("cannot read --domains-file " + domainsFile + ": " + e.getMessage());
            }
        }
        return List.copyOf(all);
    }

    /** The list for a later round: an unreadable or broken file keeps the last list (logged), it does not stop. */
    private List<String> reloadedWatchList(List<String> last) {
        try {
            return watchList();
        } catch (CommandLine.ParameterException e) {
            LOG.warn("keeping the last watch list of {} domains: {}", last.size(), e.getMessage());
            return last;
        }
    }

    /**
     * The file's domains. It may be the processor's {@code served.domains.file}: its {@code *.example.com} entries
     * (every name below) cannot be checked, since no list of those names exists; they are skipped with a warning.
     */
    private List<String> readDomainsFile() throws IOException {
        List<String> listed = new ArrayList<>();
        List<String> wildcards = new ArrayList<>();
        List<String> entries = new ArrayList<>();
        for (ListFile.Entry entry : ListFile.entries(Files.readString(domainsFile))) {
            String text = entry.text();
            String where = domainsFile + " line " + entry.line();
            try {
                ServedDomains.of(List.of(text));   // a domain or wildcard, and its tenant if it names one
            } catch (IllegalArgumentException e) {
                throw usage(where + ": " + e.getMessage());
            }
            entries.add(text);
            String domain = text.split("\\s+")[0];
            if (domain.startsWith("*.")) {
                wildcards.add(domain);
            } else {
                listed.add(ascii(domain, where));
            }
        }
        try {
            tenants = ServedDomains.of(entries);
        } catch (IllegalArgumentException e) {   // one domain named for two tenants
            throw usage(domainsFile + ": " + e.getMessage());
        }
        if (!wildcards.isEmpty() && !wildcards.equals(skippedWildcards)) {
            skippedWildcards = wildcards;   // once per change of the file, not every round
            LOG.warn("{}: skipping {} wildcard entr{} ({}...): the watch checks the domains it is given by name",
                domainsFile, wildcards.size(), wildcards.size() == 1 ? "y" : "ies", wildcards.get(0));
        }
        return listed;
    }

    private String ascii(String domain, String where) {
        try {
            return CheckedDomainName.ascii(domain);
        } catch (IllegalArgumentException e) {
            throw usage(where + ": " + e.getMessage());
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
