package io.tlsrpt.cli.domains;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.cli.run.RunSettings;
import io.tlsrpt.processor.app.TlsRptProcessor;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tlsrpt domain DOMAIN}: one policy domain now, day by day, from a running stream processor's own state
 * ({@code GET /v1/domains/{domain}}; any instance answers): what on call looks at after an alert, without reading a
 * topic.
 */
@Command(
    name = "domain",
    mixinStandardHelpOptions = true,
    description = {
        "Show one policy domain as a running stream processor holds it now: each day it keeps (sessions, failed share, "
            + "share under no enforced policy, reports, failing result types) and the domain's incidents.",
        "Exit codes: 0 ok, 1 nothing kept about the domain or the processor could not answer (still not ready after "
            + "--wait), 2 usage error."})
public final class DomainCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DOMAIN", description = "The policy domain.")
    String domain;

    @Option(names = "--processor", paramLabel = "URL",
        defaultValue = "http://127.0.0.1:" + RunSettings.DEFAULT_METRICS_PORT,
        description = "Any stream processor instance's HTTP server (http.host:http.port; default: ${DEFAULT-VALUE}, "
            + "that of bin/tlsrpt run).")
    URI processor;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
        description = "text (a table) or json (the processor's answer as it is). Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "30",
        description = "How long to keep asking while the processor answers 503 (starting, or its tasks moving after an "
            + "instance left; as its Retry-After says) or nothing listens on its port yet (each second); 0: ask once. "
            + "Default: ${DEFAULT-VALUE}.")
    int waitSeconds;

    @Option(names = "--token-file", paramLabel = "FILE",
        description = "A file whose first line is the processor's domain query token (its http.domains.token.file), "
            + "sent as Authorization: Bearer.")
    java.nio.file.Path tokenFile;

    @Override
    public Integer call() throws InterruptedException {
        if (!format.equals("text") && !format.equals("json")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--format must be text or json");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String base = processor.toString().replaceAll("/+$", "");
        URI uri = URI.create(base + TlsRptProcessor.DOMAIN_QUERY_PATH + URLEncoder.encode(domain.trim(), StandardCharsets.UTF_8));
        if (waitSeconds < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--wait must be 0 or more seconds");
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET();
        if (tokenFile != null) {
            try {
                request.header("Authorization", "Bearer " + java.nio.file.Files.readAllLines(tokenFile).stream()
                    .findFirst().orElse("").strip());
            } catch (IOException | java.io.UncheckedIOException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--token-file " + tokenFile + ": "
                    + e.getMessage());
            }
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
        HttpResponse<String> response;
        while (true) {
            long retryAfter;
            String why;
            try {
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 503) {
                    break;
                }
                // the processor says when to ask again (its tasks are being assigned or restored)
                retryAfter = response.headers().firstValueAsLong("Retry-After").orElse(1);
                why = "is not ready (503)";
            } catch (ConnectException e) {
                // nothing listens (yet): a restarting instance opens its port within seconds
                response = null;
                retryAfter = 1;
                why = "does not answer (" + e + ")";
            } catch (IOException e) {
                err.println("tlsrpt domain: " + uri + " did not answer: " + e);
                return 1;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                if (response == null) {
                    err.println("tlsrpt domain: " + uri + " " + why);
                    return 1;
                }
                break;
            }
            long pause = Math.min(TimeUnit.SECONDS.toNanos(retryAfter), left);
            err.printf(Locale.ROOT, "tlsrpt domain: the processor %s; asking again in %.1f s%n", why, pause / 1e9);
            err.flush();
            TimeUnit.NANOSECONDS.sleep(pause);
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            err.println("tlsrpt domain: " + uri + " answered " + response.statusCode() + " but not with JSON: "
                + abbreviated(response.body()));
            return 1;
        }
        if (response.statusCode() != 200) {
            err.println("tlsrpt domain: " + response.statusCode() + " from " + uri + ": " + body.path("error").asText(
                abbreviated(response.body())));
            return 1;
        }
        if (format.equals("json")) {
            out.println(body);
        } else {
            print(body, out);
        }
        out.flush();
        return 0;
    }

    /** The answer as a table of days (oldest first), then the incidents. */
    static void print(JsonNode state, PrintWriter out) {
        JsonNode windows = state.path("windows");
        String tenant = state.path("tenant").isTextual() ? " (tenant " + state.path("tenant").asText() + ")" : "";
        out.printf(Locale.ROOT, "%s%s: %d days kept by %s, as of %s%n", state.path("policy_domain").asText(), tenant,
            windows.size(), state.path("served_by").asText(), state.path("as_of").asText());
        String format = "%-10s %12s %8s %18s %7s  %s%n";
        out.printf(Locale.ROOT, format, "day", "sessions", "failed", "no enforced policy", "reports",
            "failing result types");
        for (JsonNode w : windows) {
            long sessions = w.path("total_sessions").asLong();
            List<String> failing = new ArrayList<>();
            for (JsonNode t : w.path("failing_result_types")) {
                failing.add(t.path("value").asText() + " " + String.format(Locale.ROOT, "%,d", t.path("count").asLong()));
            }
            out.println(String.format(Locale.ROOT, format, w.path("window_start").asText().substring(0, 10),
                String.format(Locale.ROOT, "%,d", sessions), share(w.path("failed_sessions"), sessions),
                share(w.path("sessions_without_enforced_policy"), sessions), w.path("reports").asLong(),
                String.join(", ", failing)).stripTrailing());
        }
        JsonNode incidents = state.path("incidents");
        if (incidents.isEmpty()) {
            out.println("no incident");
            return;
        }
        out.println("incidents:");
        for (JsonNode i : incidents) {
            out.printf(Locale.ROOT, "  %-8s %-8s %s (%s) from %s, last anomalous %s%s, alert_id %s%n",
                i.path("status").asText(), i.path("severity").asText("?"), i.path("kind").asText(),
                i.path("result_type").asText(),
                day(i.path("first_window_start")), day(i.path("last_anomalous_window_start")),
                i.has("resolved_window_start") ? ", resolved " + day(i.path("resolved_window_start")) : "",
                i.path("alert_id").asText());
        }
    }

    /** A share of the day's sessions; "-" where the window did not count it (written by an earlier version). */
    private static String share(JsonNode count, long sessions) {
        if (count.isNull() || count.isMissingNode()) {
            return DomainTable.percent(null);
        }
        return DomainTable.percent(sessions == 0 ? 0.0 : (double) count.asLong() / sessions);
    }

    private static String day(JsonNode instant) {
        String text = instant.asText();
        return text.length() >= 10 ? text.substring(0, 10) : text;
    }

    private static String abbreviated(String body) {
        return body.length() > 200 ? body.substring(0, 200) + "..." : body;
    }
}
