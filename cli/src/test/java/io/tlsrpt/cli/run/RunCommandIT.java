package io.tlsrpt.cli.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.tlsrpt.cli.CommandRunner;
import io.tlsrpt.generate.GeneratedInput;
import io.tlsrpt.generate.GeneratorSettings;
import io.tlsrpt.generate.InputKind;
import io.tlsrpt.generate.ReportGenerator;
import io.tlsrpt.processor.topology.PipelineMetrics;
import io.tlsrpt.schema.serde.MockSchemaRegistry;
import io.tlsrpt.testkafka.AlertmanagerProcess;
import io.tlsrpt.testkafka.ScriptedDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tlsrpt run --seed} end to end, in this JVM, on a temporary data directory: the seeded month goes through the
 * real intake (HTTPS POSTs and spool files) into a real embedded broker, the downgrade alert line appears; stopped and
 * started again on the same directory (with the in-process registry forgotten, as in a new process), nothing is
 * processed or alerted again, and a report POSTed to the printed URL is taken in. With {@code --alertmanager}, a real
 * Alertmanager receives the alerts, each linking to the processor's view of its domain.
 */
class RunCommandIT {

    private static final String WATCH_LINE =
        "ALERT firing warning tlsrpt-record-broken unlisted.example tlsrpt-record-missing since ";
    private static final String DOWNGRADE_LINE =
        "ALERT firing critical starttls-downgrade-suspected " + Seeder.DOWNGRADED_DOMAIN + " starttls-not-supported ";
    private static final String WITHDRAWAL_LINE =
        "ALERT firing warning tls-policy-not-enforced " + Seeder.WITHDRAWN_DOMAIN + " policy-not-enforced ";
    private static final String WITHDRAWAL_RESOLVED_LINE =
        "ALERT resolved warning tls-policy-not-enforced " + Seeder.WITHDRAWN_DOMAIN + " policy-not-enforced ";

    @TempDir
    Path dataDir;
    @TempDir
    Path alertmanagerDir;

    /** What the run's notifier posted to Alertmanager (through {@link #proxy}). */
    private final List<JsonNode> posted = new CopyOnWriteArrayList<>();
    private HttpServer proxy;
    private AlertmanagerProcess alertmanager;

    /**
     * A real Alertmanager, behind a proxy of this test that passes every request on and keeps the alerts posted: an
     * incident of the seeded month fires and resolves within a second, and Alertmanager itself lists only the alerts
     * that have not ended.
     */
    @BeforeEach
    void startAlertmanager() throws IOException {
        alertmanager = new AlertmanagerProcess(alertmanagerDir).start();
        HttpClient client = HttpClient.newHttpClient();
        proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        proxy.createContext("/", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                if (exchange.getRequestMethod().equals("POST") && exchange.getRequestURI().getPath().equals("/api/v2/alerts")) {
                    new ObjectMapper().readTree(body).forEach(posted::add);
                }
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(alertmanager.url()
                    + exchange.getRequestURI().toString())).method(exchange.getRequestMethod(),
                    body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
                String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
                if (contentType != null) {
                    request.header("Content-Type", contentType);
                }
                HttpResponse<byte[]> answer = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
                exchange.getResponseBody().write(answer.body());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        });
        proxy.start();
    }

    @AfterEach
    void stopAlertmanager() {
        proxy.stop(0);
        alertmanager.close();
    }

    @Test
    void seedsAlertsStopsAndResumesWithoutReprocessing() throws Exception {
        String scope = "run-it-" + UUID.randomUUID();
        RunSettings settings = new RunSettings(dataDir, null, "mock://" + scope, 0, 0,
            URI.create("http://127.0.0.1:" + proxy.getAddress().getPort()), true);
        long seeded = (long) Seeder.DAYS * Seeder.DOMAINS * ReportGenerator.REPORTERS_PER_DOMAIN;

        // first start: seeds, alerts once
        Lines first = new Lines();
        Started run = Started.of(new LocalRun(settings, first.writer()));
        try {
            await("the downgrade alert line").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(200))
                .until(() -> first.count(DOWNGRADE_LINE) > 0 || run.exit.isDone());
            assertThat(run.exit).isNotDone();
            // wait on the counters of the decode's outcome: the raw-record counter goes up before a record is
            // decoded, so right after it reached the total the last record could still be in the decoder (seen once,
            // 359 of 360 decoded, with two test JVMs sharing the cores)
            await("every seeded report processed").atMost(Duration.ofMinutes(2))
                .until(() -> run.counters().reportsDecoded() + run.counters().rejected() >= seeded);
            PipelineMetrics.Snapshot counters = run.counters();
            assertThat(counters.rawRecords()).isEqualTo(seeded);
            assertThat(counters.reportsDecoded()).isEqualTo(seeded);
            assertThat(counters.rejected()).isZero();
            assertThat(counters.deadLetters()).isZero();
            // the seeder reports completion after its last acknowledgement, which can come after the alert
            await("the seeder's completion line").atMost(Duration.ofMinutes(1))
                .until(() -> first.text().contains("seeded in"));
            assertThat(Files.readString(dataDir.resolve("seeded"))).contains("state=done");
            // the mails went through the spool, every one of them committed
            await("every spooled mail moved to done/").atMost(Duration.ofMinutes(1)).until(() -> {
                try (Stream<Path> done = Files.list(dataDir.resolve("spool/done"))) {
                    return done.count() == seeded * 2 / 3;
                }
            });
            // the command the ready block prints for the domain statistics: the four domains over their 30 days
            // (once the last windows are committed), two of them without example.net's MTA-STS policy
            String[] domains = printedCommand(first.text(), "domains");
            await("the month's domain statistics").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    CommandRunner.Run shown = CommandRunner.run(domains);
                    return shown.exit() == 0 && shown.out().lines().filter(l -> l.matches("\\S+ +30 .*")).count()
                        == Seeder.DOMAINS;
                });
            String withdrawn = CommandRunner.run(domains).out().lines()
                .filter(l -> l.startsWith(Seeder.WITHDRAWN_DOMAIN + " ")).findFirst().orElseThrow();
            double unprotected = Double.parseDouble(withdrawn.trim().split(" +")[4].replace("%", ""));
            assertThat(unprotected).as(withdrawn).isBetween(3.0, 12.0);
            // the processor's own view of one domain, by the command the ready block prints: the downgraded domain's
            // kept days and its incident, whose id the alert lines show
            String[] domain = printedCommand(first.text(), "domain");
            CommandRunner.Run table = CommandRunner.run(withDomain(domain, Seeder.DOWNGRADED_DOMAIN));
            assertThat(table.exit()).as(table.err()).isZero();
            assertThat(table.out()).startsWith(Seeder.DOWNGRADED_DOMAIN + ": ")
                .containsPattern("\\d{4}-\\d\\d-\\d\\d +[\\d,]+ +\\d+\\.\\d\\d% .*starttls-not-supported")
                .containsPattern("resolved +critical +starttls-downgrade-suspected \\(starttls-not-supported\\)");
            // and in the processor's list of every domain, by the command the ready block prints: the seeded domains
            // over the days its window store keeps, the downgraded one among them
            CommandRunner.Run everyDomain = CommandRunner.run(printedCommand(first.text(), "domains --processor"));
            assertThat(everyDomain.exit()).as(everyDomain.err()).isZero();
            assertThat(everyDomain.out()).startsWith(Seeder.DOMAINS + " domains, 1 partitions on 1 instances, as of ")
                .containsPattern("\\n" + Seeder.DOWNGRADED_DOMAIN.replace(".", "\\.")
                    + " +\\d+ +[\\d,]+ +\\d+\\.\\d\\d% ");
            // and among the application's incidents, by the command the ready block prints
            CommandRunner.Run incidents = CommandRunner.run(printedCommand(first.text(), "incidents"));
            assertThat(incidents.exit()).as(incidents.err()).isZero();
            assertThat(incidents.out()).containsPattern("^\\d+ incidents?, 1 partitions on 1 instances")
                .containsPattern("\\n  " + Seeder.DOWNGRADED_DOMAIN.replace(".", "\\.")
                    + ": \\w+ +critical +starttls-downgrade-suspected \\(starttls-not-supported\\)");
            // and the reports behind its incident: which MX host failed, for whom
            CommandRunner.Run behind = CommandRunner.run(withDomain(printedCommand(first.text(), "reports"),
                Seeder.DOWNGRADED_DOMAIN, "--result-type", "starttls-not-supported"));
            assertThat(behind.exit()).as(behind.err()).isZero();
            assertThat(behind.out()).startsWith(Seeder.DOWNGRADED_DOMAIN + ": ")
                .containsPattern("\\n  starttls-not-supported at \\S+[^:]*: [\\d,]+ failed sessions in \\d+ reports?, ");
            // and the week's digest (the seeded month ends yesterday): every domain, worst first
            CommandRunner.Run week = CommandRunner.run(printedCommand(first.text(), "digest"));
            assertThat(week.exit()).as(week.err()).isZero();
            assertThat(week.out()).startsWith("# TLS-RPT digest, " + LocalDate.now(ZoneOffset.UTC).minusDays(7))
                .contains(Seeder.DOWNGRADED_DOMAIN).containsPattern("\\n" + Seeder.DOMAINS + " policy domains, ");
            CommandRunner.Run json = CommandRunner.run(withDomain(domain, Seeder.DOWNGRADED_DOMAIN, "--format", "json"));
            assertThat(json.exit()).as(json.err()).isZero();
            JsonNode downgraded = new ObjectMapper().readTree(json.out());
            assertThat(downgraded.get("windows").size()).as(downgraded.toString()).isGreaterThanOrEqualTo(8);
            assertThat(downgraded.get("incidents")).as(downgraded.toString()).anySatisfy(i -> {
                assertThat(i.get("kind").asText()).isEqualTo("starttls-downgrade-suspected");
                assertThat(first.text()).contains(" incident=" + i.get("alert_id").asText().substring(0, 8));
            });
            // --alertmanager: the run's notifier posted the downgrade to Alertmanager, with a link to the processor's
            // view of the domain, and Alertmanager took it
            String processorUrl = domain[domain.length - 1];
            await("the downgrade posted to Alertmanager").atMost(Duration.ofMinutes(1))
                .until(() -> posted("starttls-downgrade-suspected").isPresent());
            JsonNode paged = posted("starttls-downgrade-suspected").orElseThrow();
            assertThat(paged.path("labels").path("policy_domain").asText()).isEqualTo(Seeder.DOWNGRADED_DOMAIN);
            assertThat(alertmanager.metric("alertmanager_alerts_received_total{status=\"firing\",version=\"v2\"}"))
                .isPositive();
            String link = paged.path("annotations").path("domain_url").asText();
            assertThat(link).isEqualTo(processorUrl + "/v1/domains/" + Seeder.DOWNGRADED_DOMAIN);
            HttpResponse<String> linked = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(link)).build(),
                HttpResponse.BodyHandlers.ofString());
            assertThat(linked.statusCode()).as(linked.body()).isEqualTo(200);
            assertThat(new ObjectMapper().readTree(linked.body()).get("policy_domain").asText())
                .isEqualTo(Seeder.DOWNGRADED_DOMAIN);
        } finally {
            run.stop();
        }
        assertThat(run.exit.get()).isZero();
        // one incident: its first firing line and any update (the count grew as more reporters came in) share an id
        List<String> incidents = first.text().lines().filter(l -> l.startsWith(DOWNGRADE_LINE))
            .map(l -> l.substring(l.lastIndexOf(" incident="))).toList();
        assertThat(incidents).isNotEmpty();
        assertThat(Set.copyOf(incidents)).hasSize(1);
        // the withdrawn MTA-STS policy: one incident, fired on its first day and resolved once the policy is back
        List<String> withdrawal = first.text().lines()
            .filter(l -> l.startsWith(WITHDRAWAL_LINE) || l.startsWith(WITHDRAWAL_RESOLVED_LINE))
            .map(l -> l.substring(l.lastIndexOf(" incident="))).toList();
        assertThat(Set.copyOf(withdrawal)).as(first.text()).hasSize(1);
        assertThat(first.text()).contains(WITHDRAWAL_LINE + seededFrom().plusDays(Seeder.WITHDRAWAL_DAY - 1))
            .contains(WITHDRAWAL_RESOLVED_LINE);
        // nothing else fires: the month's other domains and days are normal
        assertThat(first.text().lines().filter(l -> l.startsWith("ALERT "))
            .filter(l -> !l.contains(" " + Seeder.DOWNGRADED_DOMAIN + " ") && !l.contains(" " + Seeder.WITHDRAWN_DOMAIN + " ")))
            .as(first.text()).isEmpty();
        long alertLines = first.count("ALERT ");
        assertThat(first.text()).contains("stopped in");
        // the ready block tells how to list and replay dead letters, and see open incidents, on this run's broker
        assertThat(first.text())
            .containsPattern("dead letters +bin/tlsrpt dead-letters --bootstrap 127\\.0\\.0\\.1:\\d+ ")
            .containsPattern("open incidents +bin/tlsrpt alerts --bootstrap 127\\.0\\.0\\.1:\\d+ --open ");

        // a new process knows no schema: forget the in-process registry as a restart does
        MockSchemaRegistry.dropScope(scope);

        // second start on the same directory: nothing re-seeded, re-processed or re-alerted
        Lines second = new Lines();
        Started again = Started.of(new LocalRun(settings, second.writer()));
        try {
            await("ready again").atMost(Duration.ofMinutes(3))
                .until(() -> second.text().contains("seeded before") || again.exit.isDone());
            assertThat(again.exit).isNotDone();
            await("nothing printed or processed again").during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(20))
                .until(() -> second.count("ALERT ") == 0 && again.counters().rawRecords() == 0);

            // one more report POSTed to the URL the run printed
            URI url = printedUrl(second.text());
            GeneratedInput report = newReport();
            HttpClient client = HttpClient.newBuilder()
                .sslContext(IntakeTls.loadOrCreate(dataDir.resolve("tls")).clientContext()).build();
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(url)
                .header("Content-Type", report.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(report.bytes())).build(),
                HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
            await("the new report processed").atMost(Duration.ofMinutes(1))
                .until(() -> again.counters().reportsDecoded() == 1);
            assertThat(again.counters().rawRecords()).isEqualTo(1);
            assertThat(again.counters().duplicatesDropped()).isZero();

            // the policy watch the ready block offers, on this run's broker: a domain whose DNS has no _smtp._tls
            // record (a scripted zone that answers every question with nothing) is an incident the run shows
            try (ScriptedDnsServer emptyZone = new ScriptedDnsServer(query -> {
                org.xbill.DNS.Message answer = new org.xbill.DNS.Message(query.getHeader().getID());
                answer.getHeader().setFlag(org.xbill.DNS.Flags.QR);
                answer.addRecord(query.getQuestion(), org.xbill.DNS.Section.QUESTION);
                return answer;
            })) {
                String[] watch = printedCommand(second.text(), "watch");
                CommandRunner.Run watched = CommandRunner.run(withDomain(watch, "unlisted.example", "--rounds", "1",
                    "--resolver", "127.0.0.1:" + emptyZone.port()));
                assertThat(watched.exit()).as(watched.err()).isZero();
            }
            List<String> postureCommand = new java.util.ArrayList<>(List.of(printedCommand(second.text(), "posture")));
            postureCommand.add("unlisted.example");
            CommandRunner.Run posture = CommandRunner.run(postureCommand.toArray(String[]::new));
            assertThat(posture.exit()).as(posture.err()).isZero();
            assertThat(posture.out()).startsWith("unlisted.example: checked ")
                .contains("  _smtp._tls: missing", "tlsrpt-record-broken");
            await("the watch's alert shown by the run").atMost(Duration.ofSeconds(30))
                .until(() -> second.count(WATCH_LINE) == 1);
        } finally {
            again.stop();
        }
        assertThat(again.exit.get()).isZero();
        assertThat(second.count("ALERT ")).as("only the watch's").isEqualTo(1);
        assertThat(alertLines).isPositive();
    }

    /** The seeded month's first day, as the seeder's marker remembers it. */
    private LocalDate seededFrom() throws IOException {
        Properties marker = new Properties();
        try (Reader in = Files.newBufferedReader(dataDir.resolve("seeded"))) {
            marker.load(in);
        }
        return LocalDate.parse(marker.getProperty("start-date"));
    }

    /** The arguments of the {@code bin/tlsrpt COMMAND ...} line the ready block prints for {@code command}. */
    private static String[] printedCommand(String output, String command) {
        Matcher m = Pattern.compile("bin/tlsrpt (" + command + " [^(\\n]+?)\\s+\\(").matcher(output);
        assertThat(m.find()).as("bin/tlsrpt %s in:%n%s", command, output).isTrue();
        return m.group(1).trim().split(" +");
    }

    /** The first alert of that name the notifier posted. */
    private Optional<JsonNode> posted(String alertname) {
        return posted.stream().filter(a -> alertname.equals(a.path("labels").path("alertname").asText())).findFirst();
    }

    /** The printed command with DOMAIN (or DOMAIN...) replaced, and more arguments. */
    private static String[] withDomain(String[] command, String domain, String... more) {
        List<String> args = new java.util.ArrayList<>(Stream.of(command)
            .map(a -> a.equals("DOMAIN") || a.equals("DOMAIN...") ? domain : a).toList());
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private static URI printedUrl(String output) {
        Matcher m = Pattern.compile("POST reports to\\s+(https://127\\.0\\.0\\.1:\\d+/\\S+)").matcher(output);
        assertThat(m.find()).as("the intake URL in:%n%s", output).isTrue();
        return URI.create(m.group(1));
    }

    /** A report the seeded month does not contain (another seed, another domain, a later day). */
    private static GeneratedInput newReport() {
        ReportGenerator generator = new ReportGenerator(new GeneratorSettings(4242L,
            LocalDate.now(java.time.ZoneOffset.UTC).minusDays(1), 1, 1, List.of()));
        return generator.inputs().filter(i -> i.kind() == InputKind.HTTPS_GZIP || i.kind() == InputKind.HTTPS_JSON)
            .findFirst().orElseThrow();
    }

    /** A run on its own thread. */
    private record Started(LocalRun run, CompletableFuture<Integer> exit) {
        static Started of(LocalRun run) {
            CompletableFuture<Integer> exit = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    exit.complete(run.runUntilStopped());
                } catch (Throwable e) {
                    exit.completeExceptionally(e);
                }
            }, "run-under-test");
            t.start();
            return new Started(run, exit);
        }

        PipelineMetrics.Snapshot counters() {
            LocalPipeline p = run.pipeline();
            assertThat(p).as("pipeline started").isNotNull();
            return p.processor().counters();
        }

        void stop() throws InterruptedException {
            run.stop();
            assertThat(run.awaitFinished(Duration.ofSeconds(60))).as("run finished after stop").isTrue();
        }
    }

    /** What the run prints, thread-safe. */
    private static final class Lines {
        private final StringBuffer buffer = new StringBuffer();

        PrintWriter writer() {
            return new PrintWriter(new Writer() {
                @Override
                public void write(char[] cbuf, int off, int len) {
                    buffer.append(cbuf, off, len);
                }

                @Override
                public void flush() {
                }

                @Override
                public void close() {
                }
            });
        }

        String text() {
            return buffer.toString();
        }

        long count(String prefix) {
            return text().lines().filter(l -> l.startsWith(prefix)).count();
        }
    }
}
