package io.tlsrpt.cli.run;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.tlsrpt.processor.app.ProcessorConfig;
import io.tlsrpt.processor.topology.TopicNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code tlsrpt run}: starts the pipeline, says what to send where, seeds when asked, prints alerts until
 * {@link #stop()} (the Ctrl-C hook) and stops every part. Everything goes to {@code out}, nothing as a stack trace.
 */
public final class LocalRun {

    private static final Logger LOG = LoggerFactory.getLogger(LocalRun.class);
    private static final long HEALTH_CHECK_MILLIS = 1_000;

    private final RunSettings settings;
    private final PrintWriter out;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile LocalPipeline pipeline;
    private volatile Seeder seeder;

    public LocalRun(RunSettings settings, PrintWriter out) {
        this.settings = settings;
        this.out = out;
    }

    /**
     * Runs until {@link #stop()} or until a part fails. Returns the exit code: 0 stopped on request, 1 a part failed
     * or could not start.
     */
    public int runUntilStopped() {
        long started = System.nanoTime();
        try {
            out.printf("tlsrpt run: starting (data in %s)%n", settings.dataDir());
            out.flush();
            LocalPipeline p = LocalPipeline.create(settings);
            pipeline = p;
            if (stopRequested.getCount() == 0) {
                return 0;
            }
            try {
                p.start(out);
            } catch (RuntimeException | LinkageError e) {
                // a stop during the start can also break a class initialiser (Kafka adds shutdown hooks in some)
                if (stopRequested.getCount() == 0) {
                    LOG.debug("stopped while starting", e);
                    return 0;
                }
                LOG.debug("start failed", e);
                out.println("tlsrpt run: cannot start: " + message(e));
                out.flush();
                return 1;
            }
            printReady(p, (System.nanoTime() - started) / 1e9);
            if (settings.seed()) {
                if (!seed(p)) {
                    return 1;
                }
            }
            return awaitStop(p);
        } finally {
            finished.countDown();
        }
    }

    private boolean seed(LocalPipeline p) {
        if (Seeder.alreadySeeded(p.layout())) {
            out.printf("tlsrpt run: --seed: this data directory was seeded before (%s); not seeding again%n",
                p.layout().seedMarker());
            out.flush();
            return true;
        }
        Seeder s = new Seeder(p.layout(), p.intakeUrl(), p.tls());
        seeder = s;
        if (stopRequested.getCount() == 0) {
            return true;
        }
        try {
            if (!s.run(out)) {
                out.println("tlsrpt run: seeding stopped half-way; the next start with --seed feeds the month again "
                    + "(what was already taken in is recognised and dropped)");
                out.flush();
            }
            return true;
        } catch (RuntimeException e) {
            if (stopRequested.getCount() == 0) {
                LOG.debug("seeding ended by the stop", e);
                return true;
            }
            LOG.debug("seeding failed", e);
            out.println("tlsrpt run: seeding failed: " + message(e));
            out.flush();
            p.close();
            return false;
        }
    }

    private int awaitStop(LocalPipeline p) {
        try {
            while (!stopRequested.await(HEALTH_CHECK_MILLIS, TimeUnit.MILLISECONDS)) {
                String failure = p.failure();
                if (failure != null) {
                    out.println("tlsrpt run: stopping: " + failure + "; see the log above");
                    out.flush();
                    p.close();
                    return 1;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /**
     * Stops the run: the seeding, then every part (intake, processor, notifier, console, broker). Blocks until done;
     * safe from a shutdown hook and from any thread, and safe to call twice.
     */
    public void stop() {
        long started = System.nanoTime();
        stopRequested.countDown();
        Seeder s = seeder;
        if (s != null) {
            s.stop();
        }
        LocalPipeline p = pipeline;
        if (p != null) {
            out.println("tlsrpt run: stopping ...");
            out.flush();
            p.close();
            try {
                // a start in progress notices the stop after its current step and stops what it started
                if (!finished.await(30, TimeUnit.SECONDS)) {
                    LOG.warn("the run did not finish within 30 s of the stop");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.printf("tlsrpt run: stopped in %.1f s; run again with the same --data-dir to resume%n",
                (System.nanoTime() - started) / 1e9);
            out.flush();
        }
    }

    /** Waits until {@link #runUntilStopped()} has returned (after a stop, its last lines are out). */
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The running pipeline, or null before it started. */
    public LocalPipeline pipeline() {
        return pipeline;
    }

    private void printReady(LocalPipeline p, double seconds) {
        TopicNames topics = p.processor().config().topicNames();
        Path pem = p.tls().certificatePem();
        out.printf("tlsrpt run: ready in %.1f s. All on 127.0.0.1; Ctrl-C stops everything, a new start resumes.%n",
            seconds);
        out.printf("  POST reports to   %s  (Content-Type application/tlsrpt+gzip or application/tlsrpt+json;%n"
            + "                    self-signed: curl --cacert %s --data-binary @report.json.gz ...)%n",
            p.intakeUrl(), pem);
        out.printf("  spool directory   %s  (drop report mails or files here)%n", p.layout().spoolInbox());
        out.printf("  Kafka             %s%s%n", p.bootstrap(), settings.embeddedBroker()
            ? "  (embedded, data in " + p.layout().kafka() + ")" : "  (external)");
        out.printf("  topics            %s -> %s, %s, %s, %s, %s, %s%n", topics.raw(), topics.reports(),
            topics.failureStats(), topics.domainStats(), topics.alerts(), topics.alertsJson(), topics.deadLetter());
        out.printf("  dead letters      bin/tlsrpt dead-letters --bootstrap %s  (list; --reason CODE --replay-to %s "
            + "once fixed)%n", p.bootstrap(), topics.raw());
        out.printf("  open incidents    bin/tlsrpt alerts --bootstrap %s --open --format text  (--follow to watch)%n",
            p.bootstrap());
        String registryOption = settings.registryUrl().equals(RunSettings.DEFAULT_REGISTRY) ? ""
            : " --registry " + settings.registryUrl();
        out.printf("  domains           bin/tlsrpt domains --bootstrap %s%s  (each domain's sessions, failed and "
            + "unprotected share)%n", p.bootstrap(), registryOption);
        out.printf("  one domain now    bin/tlsrpt domain DOMAIN --processor %s  (its days the processor keeps and its "
            + "incidents, from its state: GET %sDOMAIN)%n", p.processorUrl(), p.domainQueryUrl());
        out.printf("  domains now       bin/tlsrpt domains --processor %s  (every domain over the days the processor "
            + "keeps, worst first, with its open incidents, from its state: GET %s/v1/domains)%n", p.processorUrl(),
            p.processorUrl());
        out.printf("  incidents now     bin/tlsrpt incidents --processor %s --status all  (every incident it holds, "
            + "most urgent first; --limit N pages; the HTTP API's OpenAPI description: %s/v1/openapi.json)%n",
            p.processorUrl(), p.processorUrl());
        out.printf("  its reports       bin/tlsrpt reports --bootstrap %s%s --domain DOMAIN  (each report about it, then "
            + "what failed at which MX host, from whom and why; --since YYYY-MM-DD, --result-type TYPE)%n",
            p.bootstrap(), registryOption);
        out.printf("  the week          bin/tlsrpt digest --bootstrap %s%s  (the last seven days: each domain, what "
            + "failed most, the incidents; --tenant T for one tenant's, --format json)%n", p.bootstrap(), registryOption);
        out.printf("  policy watch      bin/tlsrpt watch --bootstrap %s%s DOMAIN...  (checks each domain's _smtp._tls "
            + "record, MTA-STS policy and DANE every 15 minutes; its alerts show here)%n", p.bootstrap(),
            registryOption);
        out.printf("  watched domains   bin/tlsrpt posture --bootstrap %s  (what the watch last found; DOMAIN for "
            + "one in full)%n", p.bootstrap());
        out.printf("  schema registry   %s%n", settings.registryUrl());
        out.printf("  metrics           %s  (health: /health/live, /health/ready)%n", p.metricsUrl());
        if (settings.alertmanager() != null) {
            out.printf("  alertmanager      %s  (alerts from %s)%n", settings.alertmanager(),
                p.processor().config().get(ProcessorConfig.TOPIC_ALERTS_JSON));
        }
        out.println("  alerts            one line each below, as they fire");
        out.flush();
    }

    private static String message(Throwable e) {
        StringBuilder b = new StringBuilder(String.valueOf(e.getMessage()));
        Throwable cause = e.getCause();
        int depth = 0;
        while (cause != null && depth++ < 3) {
            if (cause.getMessage() != null && !b.toString().contains(cause.getMessage())) {
                b.append(": ").append(cause.getMessage());
            }
            cause = cause.getCause();
        }
        return b.toString();
    }
}
