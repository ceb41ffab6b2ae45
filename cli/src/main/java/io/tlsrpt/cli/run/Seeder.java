package io.tlsrpt.cli.run;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.tlsrpt.generate.GeneratedInput;
import io.tlsrpt.generate.GeneratorSettings;
import io.tlsrpt.generate.InputKind;
import io.tlsrpt.generate.ReportGenerator;
import io.tlsrpt.generate.Scenario;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds a generated month of normal traffic (Google and Microsoft report mails, smtp-tls-reporting HTTPS bodies) for
 * a few domains, with a STARTTLS downgrade on one of them near the end and, a few days before it, another's MTA-STS
 * policy withdrawn for two days (every session still succeeding), through the real intake: the HTTPS bodies are
 * POSTed to the endpoint, the mails dropped into the spool directory. Day by day, the mails of a day first, so that
 * the raw topic sees the days in order (the processor's windows tolerate two days of disorder).
 *
 * <p>Once per data directory: a marker file remembers the month's first day while feeding and that it finished;
 * a run stopped half-way feeds the same month again on the next start (the processor drops what it already saw).
 */
public final class Seeder {

    private static final Logger LOG = LoggerFactory.getLogger(Seeder.class);

    /** The domain that suffers the downgrade. */
    public static final String DOWNGRADED_DOMAIN = "example.org";
    /** Days of traffic fed. */
    public static final int DAYS = 30;
    /** Domains fed (the downgraded one among them). */
    public static final int DOMAINS = 4;
    /** Day (1-based) of the downgrade: late in the month, after a long clean baseline, with normal days after it. */
    public static final int DOWNGRADE_DAY = 27;
    /** The domain whose MTA-STS policy is withdrawn for {@link #WITHDRAWAL_DAYS} days. */
    public static final String WITHDRAWN_DOMAIN = "example.net";
    /** Day (1-based) of the withdrawal: before the downgrade, so that the two alerts do not interleave. */
    public static final int WITHDRAWAL_DAY = 23;
    /** Days the policy stays withdrawn; the alert resolves on the day after. */
    public static final int WITHDRAWAL_DAYS = 2;
    private static final Duration PICKUP_TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_ATTEMPTS = 20;

    private final DataLayout layout;
    private final URI endpoint;
    private final HttpClient http;
    private volatile boolean stopped;

    public Seeder(DataLayout layout, URI endpoint, IntakeTls tls) {
        this.layout = layout;
        this.endpoint = endpoint;
        this.http = HttpClient.newBuilder().sslContext(tls.clientContext()).connectTimeout(Duration.ofSeconds(10))
            .build();
    }

    /** True when this data directory has been seeded completely. */
    public static boolean alreadySeeded(DataLayout layout) {
        return "done".equals(readMarker(layout).getProperty("state"));
    }

    /** The generator settings of the demo month ending yesterday (UTC), or the month a stopped seeding began. */
    GeneratorSettings settings() {
        String start = readMarker(layout).getProperty("start-date");
        LocalDate first = start != null ? LocalDate.parse(start)
            : LocalDate.now(ZoneOffset.UTC).minusDays(DAYS);
        Scenario downgrade = new Scenario(Scenario.Kind.DOWNGRADE, DOWNGRADED_DOMAIN, DOWNGRADE_DAY, 1);
        Scenario withdrawal = new Scenario(Scenario.Kind.STS_WITHDRAWN, WITHDRAWN_DOMAIN, WITHDRAWAL_DAY,
            WITHDRAWAL_DAYS);
        return new GeneratorSettings(GeneratorSettings.DEFAULT_SEED, first, DAYS, DOMAINS,
            List.of(downgrade, withdrawal));
    }

    /**
     * Feeds the month, day by day; returns false when stopped before the end.
     *
     * @throws IllegalStateException when the intake refuses a report or does not pick up the spool files
     */
    public boolean run(PrintWriter out) {
        ExecutorService postThreads = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "tlsrpt-run-seed-post");
            t.setDaemon(true);
            return t;
        });
        try {
            return feed(out, postThreads);
        } finally {
            postThreads.shutdownNow();
        }
    }

    private boolean feed(PrintWriter out, ExecutorService postThreads) {
        GeneratorSettings settings = settings();
        writeMarker(settings.startDate(), "in-progress");
        ReportGenerator generator = new ReportGenerator(settings);
        out.printf("tlsrpt run: seeding %d reports (%d days from %s, domains %s; MTA-STS policy withdrawn on %s "
                + "from %s to %s; STARTTLS downgrade on %s on %s): HTTPS bodies POSTed to %s, mails dropped into %s%n",
            generator.inputCount(), settings.days(), settings.startDate(), String.join(", ", generator.domainNames()),
            WITHDRAWN_DOMAIN, settings.startDate().plusDays(WITHDRAWAL_DAY - 1),
            settings.startDate().plusDays(WITHDRAWAL_DAY + WITHDRAWAL_DAYS - 2), DOWNGRADED_DOMAIN,
            settings.startDate().plusDays(DOWNGRADE_DAY - 1), endpoint, layout.spoolInbox());
        out.flush();
        long started = System.nanoTime();
        long posted = 0;
        long spooled = 0;
        Iterator<GeneratedInput> inputs = generator.iterator();
        List<GeneratedInput> day = new ArrayList<>();
        GeneratedInput next = inputs.hasNext() ? inputs.next() : null;
        while (next != null && !stopped) {
            int dayNumber = next.expected().dayNumber();
            day.clear();
            while (next != null && next.expected().dayNumber() == dayNumber) {
                day.add(next);
                next = inputs.hasNext() ? inputs.next() : null;
            }
            List<CompletableFuture<Void>> posts = new ArrayList<>();
            for (GeneratedInput input : day) {
                if (isMail(input)) {
                    spool(input, dayNumber);
                    spooled++;
                } else {
                    posts.add(CompletableFuture.runAsync(() -> post(input), postThreads));
                    posted++;
                }
            }
            // the day's POSTs and spool pickups overlap; the next day starts when both are through
            awaitSpoolEmpty();
            awaitAll(posts);
        }
        if (stopped) {
            return false;
        }
        writeMarker(settings.startDate(), "done");
        out.printf("tlsrpt run: seeded in %.1f s: %d POSTed, %d spooled%n", (System.nanoTime() - started) / 1e9, posted, spooled);
        out.flush();
        return true;
    }

    /** Makes {@link #run} return soon (the hook stopping the run calls it before closing the intake). */
    public void stop() {
        stopped = true;
    }

    private static void awaitAll(List<CompletableFuture<Void>> posts) {
        try {
            CompletableFuture.allOf(posts.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private static boolean isMail(GeneratedInput input) {
        return input.kind() == InputKind.GOOGLE_MAIL || input.kind() == InputKind.MICROSOFT_MAIL;
    }

    /** Writes the file outside the inbox and renames it in, so the connector never sees half a file. */
    private void spool(GeneratedInput input, int dayNumber) {
        String name = String.format("seed-day%02d-%s", dayNumber, input.fileName());
        Path staged = layout.spoolStaging().resolve(name);
        try {
            Files.write(staged, input.bytes());
            Files.move(staged, layout.spoolInbox().resolve(name), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot drop " + name + " into " + layout.spoolInbox(), e);
        }
    }

    private void awaitSpoolEmpty() {
        long deadline = System.nanoTime() + PICKUP_TIMEOUT.toNanos();
        while (!stopped) {
            try (Stream<Path> files = Files.list(layout.spoolInbox())) {
                if (files.findAny().isEmpty()) {
                    return;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + layout.spoolInbox(), e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the intake did not pick up the spool files in "
                    + layout.spoolInbox() + " within " + PICKUP_TIMEOUT.toSeconds() + " s");
            }
            pause(100);
        }
    }

    private void post(GeneratedInput input) {
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(60))
            .header("Content-Type", input.contentType())
            .POST(HttpRequest.BodyPublishers.ofByteArray(input.bytes())).build();
        for (int attempt = 1; !stopped; attempt++) {
            int status;
            String body;
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                status = response.statusCode();
                body = response.body();
            } catch (IOException e) {
                if (stopped) {
                    return;
                }
                status = -1;
                body = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopped = true;
                return;
            }
            if (status == 201 || status == 200) {
                return;
            }
            // 503: Kafka not writable yet, the receiver asks to retry
            if ((status != 503 && status != -1) || attempt >= MAX_ATTEMPTS) {
                throw new IllegalStateException("the intake endpoint answered " + status + " to "
                    + input.fileName() + ": " + body);
            }
            LOG.debug("POST of {} answered {}; retrying", input.fileName(), status);
            pause(500);
        }
    }

    private void pause(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = true;
        }
    }

    private static Properties readMarker(DataLayout layout) {
        Properties p = new Properties();
        Path marker = layout.seedMarker();
        if (Files.isRegularFile(marker)) {
            try (InputStream in = Files.newInputStream(marker)) {
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + marker, e);
            }
        }
        return p;
    }

    private void writeMarker(LocalDate startDate, String state) {
        Properties p = new Properties();
        p.setProperty("start-date", startDate.toString());
        p.setProperty("state", state);
        Path marker = layout.seedMarker();
        Path tmp = marker.resolveSibling(marker.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            p.store(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8),
                "tlsrpt run --seed: the demo month (state done: never fed again into this data directory)");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + tmp, e);
        }
        try {
            Files.move(tmp, marker, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + marker, e);
        }
    }
}
