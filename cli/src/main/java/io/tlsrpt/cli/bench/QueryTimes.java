package io.tlsrpt.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.processor.app.TlsRptProcessor;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long the processor's HTTP queries take on the state the benchmark left: {@code GET /v1/incidents} (every
 * incident, scanning the incident store and every (domain, reporter) pair the silence check watches), the same
 * limited to the 50 most urgent (a portal's page), the domain list (from the sums each instance keeps, and with
 * {@code since=} read from every window), {@code GET /v1/domains/{domain}} of a domain with an incident, and the
 * incidents at that incident's first MX host ({@code mx=}, which reads every incident's window).
 * Asked one after the other by one client, as a portal or {@code tlsrpt incidents} would, after the run (the
 * processor idle), so the figures are the queries' own cost, not their contention with the stream thread.
 */
final class QueryTimes {

    private static final Logger LOG = LoggerFactory.getLogger(QueryTimes.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WARM_UP = 3;
    private static final int REQUESTS = 15;

    /** One query's figures: latencies in ms (sorted), its answer's size and what it listed and counted. */
    /** @param peakRss the process's peak RSS while this query was asked (its peak reset first), -1 when unknown */
    record Query(String name, double[] millis, int answerBytes, String listed, long peakRss) {
        double median() {
            return millis[millis.length / 2];
        }

        double max() {
            return millis[millis.length - 1];
        }
    }

    private QueryTimes() {
    }

    /** Asks {@code processor} each query {@value #WARM_UP} times unmeasured, then {@value #REQUESTS} times. */
    static List<Query> measure(TlsRptProcessor processor) {
        String base = "http://127.0.0.1:" + processor.httpAddress().getPort();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        List<Query> queries = new ArrayList<>();
        Query all = query(http, "incidents, every one", base + TlsRptProcessor.INCIDENT_LIST_PATH + "?status=all");
        queries.add(all);
        queries.add(query(http, "incidents, the 50 most urgent",
            base + TlsRptProcessor.INCIDENT_LIST_PATH + "?status=all&limit=50"));
        String next = read(get(http, base + TlsRptProcessor.INCIDENT_LIST_PATH + "?status=all&limit=50").body())
            .path("next").asText(null);
        if (next != null) {
            // the next page reads the same stores and keeps the 50 after the cursor: it should cost the first's
            queries.add(query(http, "incidents, the next 50 (after=)",
                base + TlsRptProcessor.INCIDENT_LIST_PATH + "?status=all&limit=50&after=" + next));
        }
        // every domain summed from the window store: each instance reads its partitions' windows whole, then answers
        // from those sums while no window changes (the processor is idle here); with since= it reads them each time
        queries.add(query(http, "domains, the 50 worst (sums kept)",
            base + TlsRptProcessor.DOMAIN_LIST_PATH + "?limit=50"));
        queries.add(query(http, "domains, the 50 worst, since= (windows read)",
            base + TlsRptProcessor.DOMAIN_LIST_PATH + "?limit=50&since=1970-01-01"));
        JsonNode first = firstIncident(http, base);
        if (!first.isMissingNode()) {
            queries.add(query(http, "one domain with an incident", base + "/v1/domains/"
                + URLEncoder.encode(first.path("policy_domain").asText(), StandardCharsets.UTF_8)));
        }
        String mx = first.path("receiving_mx").path(0).asText("");
        if (!mx.isEmpty()) {
            // every candidate's last anomalous window read to find its MX hosts: the list's costliest filter
            queries.add(query(http, "incidents at one MX host (mx=)", base + TlsRptProcessor.INCIDENT_LIST_PATH
                + "?status=all&mx=" + URLEncoder.encode(mx, StandardCharsets.UTF_8)));
        }
        return queries;
    }

    static void print(PrintWriter out, List<Query> queries) {
        if (queries.isEmpty()) {
            return;
        }
        out.println();
        out.printf(Locale.ROOT, "| query after the run (%d requests each, one client, idle processor) | median ms "
            + "| max ms | answer bytes | listed / count | peak RSS MB meanwhile |%n|---|---:|---:|---:|---|---:|%n",
            REQUESTS);
        for (Query q : queries) {
            out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %,d | %s | %s |%n", q.name(), q.median(), q.max(),
                q.answerBytes(), q.listed(), q.peakRss() < 0 ? "n/a" : Long.toString(q.peakRss() >> 20));
        }
        out.flush();
    }

    private static Query query(HttpClient http, String name, String url) {
        double[] millis = new double[REQUESTS];
        String body = "";
        ProcessMemory.resetPeaks();
        for (int i = -WARM_UP; i < REQUESTS; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> response = get(http, url);
            long took = System.nanoTime() - t0;
            if (response.statusCode() != 200) {
                throw new IllegalStateException(url + " answered " + response.statusCode() + ": "
                    + response.body());
            }
            body = response.body();
            if (i >= 0) {
                millis[i] = took / 1e6;
            }
        }
        Arrays.sort(millis);
        JsonNode answer = read(body);
        String listed = answer.has("count")
            ? answer.path(answer.has("domains") ? "domains" : "incidents").size() + " / "
                + answer.path("count").asLong()
            : answer.path("windows").size() + " windows, " + answer.path("incidents").size() + " incidents";
        LOG.info("{}: median {} ms over {} requests", name, millis[REQUESTS / 2], REQUESTS);
        return new Query(name, millis, body.getBytes(StandardCharsets.UTF_8).length, listed,
            ProcessMemory.peakRssBytes());
    }

    /** The most urgent incident, a missing node when there is none. */
    private static JsonNode firstIncident(HttpClient http, String base) {
        return read(get(http, base + TlsRptProcessor.INCIDENT_LIST_PATH + "?status=all&limit=1").body())
            .path("incidents").path(0);
    }

    private static HttpResponse<String> get(HttpClient http, String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(2)).build(),
                HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("cannot ask " + url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking " + url, e);
        }
    }

    private static JsonNode read(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + body, e);
        }
    }
}
