package io.tlsrpt.processor.app;

import static io.tlsrpt.processor.app.ProcessorTopics.produce;
import static io.tlsrpt.processor.app.ProcessorTopics.readAll;
import static io.tlsrpt.processor.topology.ReportFixtures.failure;
import static io.tlsrpt.processor.topology.ReportFixtures.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tlsrpt.processor.topology.ReportFixtures;
import io.tlsrpt.schema.Alert;
import io.tlsrpt.schema.DomainStats;
import io.tlsrpt.testkafka.KafkaTestCluster;
import io.tlsrpt.testkafka.TestTokenEndpoint;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.streams.StreamsMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /v1/domains/{domain}} on two processor instances of one application on a real broker: every domain's
 * state can be asked of either instance (the one that does not keep it forwards to the one that does), and it is
 * what {@code tlsrpt.domain-stats} says of each window; both ask a token, and forward it. {@code GET /v1/incidents}
 * lists the application's incidents from either instance, each asking the other for its partitions. The open
 * incident counts in {@code tlsrpt_incidents_open} on the instance that keeps it, and on the other once that instance
 * has left. Every answer is held to the OpenAPI description's schemas ({@link QueryApiSchemas}).
 */
class DomainQueryIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DOMAINS = 16;
    private static final int DAYS = 8;
    /** The token both instances ask of domain queries (http.domains.token.file), and forward with them. */
    private static final String TOKEN = "domain-query-it-" + UUID.randomUUID();
    /** Two customers' tokens (http.domains.tenant.tokens.file): d2.example is blue's, d3.example green's. */
    private static final String BLUE = "blue-" + UUID.randomUUID();
    private static final String GREEN = "green-" + UUID.randomUUID();

    /** The identity provider whose access tokens the queries take beside the token files (http.domains.jwt.*). */
    private static final String ISSUER = "https://login.example/tenant/v2.0";

    private static KafkaClusterTestKit cluster;
    private static TestTokenEndpoint provider;
    @TempDir
    static Path stateDir;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = KafkaTestCluster.start(Map.of());
        provider = new TestTokenEndpoint(Files.createDirectories(stateDir.resolve("idp")),
                request -> new TestTokenEndpoint.Answer(400, "{}"));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        provider.close();
        cluster.close();
    }

    /** An access token of the provider for the queries, valid for an hour from {@code issued}, with more claims. */
    private static String jwt(Instant issued, String claims) throws Exception {
        return provider.jwt("\"iss\":\"" + ISSUER + "\",\"aud\":\"api://tlsrpt-queries\",\"nbf\":"
                + issued.getEpochSecond() + ",\"exp\":" + issued.plusSeconds(3600).getEpochSecond() + "," + claims);
    }

    private static ProcessorConfig config(String registry, String instance) throws Exception {
        Properties props = new Properties();
        props.setProperty(ProcessorConfig.BOOTSTRAP_SERVERS, cluster.bootstrapServers());
        props.setProperty(ProcessorConfig.APPLICATION_ID, "tlsrpt-domain-query-it");
        props.setProperty(ProcessorConfig.SCHEMA_REGISTRY_URL, registry);
        props.setProperty(ProcessorConfig.STATE_DIR, Files.createDirectories(stateDir.resolve(instance)).toString());
        props.setProperty(ProcessorConfig.HTTP_PORT, "0");
        props.setProperty(ProcessorConfig.TOPICS_PARTITIONS, "4");
        Path token = stateDir.resolve("token");
        Files.writeString(token, TOKEN + "\n");
        props.setProperty(ProcessorConfig.HTTP_DOMAINS_TOKEN_FILE, token.toString());
        Path tenantTokens = stateDir.resolve("tenant-tokens");
        Files.writeString(tenantTokens, "blue " + BLUE + "\ngreen " + GREEN + "   # a provider's customers\n");
        props.setProperty(ProcessorConfig.HTTP_DOMAINS_TENANT_TOKENS_FILE, tenantTokens.toString());
        Path served = stateDir.resolve("served-domains");
        Files.writeString(served, "*.example\nd2.example tenant=blue\nd3.example tenant=green\n");
        props.setProperty(ProcessorConfig.SERVED_DOMAINS_FILE, served.toString());
        // the fixtures' month is weeks before the test's day, and four partitions read it in no common order: on
        // time by arrival (stream-processor/README.md, "Late reports")
        props.setProperty(ProcessorConfig.WINDOW_GRACE, "P60D");
        // the domain lists' kept sums read again a second after a window changed (30 s by default)
        props.setProperty(ProcessorConfig.HTTP_DOMAINS_LIST_MAX_AGE, "1s");
        // the test's client is the proxy in front of the queries: it forwards its clients' addresses
        props.setProperty(ProcessorConfig.HTTP_TRUSTED_PROXIES, "127.0.0.1, ::1");
        props.setProperty(ProcessorConfig.HTTP_DOMAINS_JWT_ISSUER, ISSUER);
        props.setProperty(ProcessorConfig.HTTP_DOMAINS_JWT_AUDIENCE, "api://tlsrpt-queries");
        props.setProperty(ProcessorConfig.HTTP_DOMAINS_JWT_JWKS_URL, provider.jwksUri().toString());
        props.setProperty(ProcessorConfig.HTTP_DOMAINS_JWT_CA_FILE, provider.caFile().toString());
        return ProcessorConfig.fromProperties(props);
    }

    @Test
    void eitherInstanceAnswersForEveryDomainWithWhatTheStatisticsTopicSays() throws Exception {
        String registry = "mock://domain-query-" + UUID.randomUUID();
        ProcessorConfig configA = config(registry, "a");
        int keySetReads = provider.jwksRequests();
        try (TlsRptProcessor a = TlsRptProcessor.start(configA);
             TlsRptProcessor b = TlsRptProcessor.start(config(registry, "b"))) {
            await().atMost(Duration.ofSeconds(90)).until(() -> a.isReady() && b.isReady()
                    && keepers(a).size() == 2 && keepers(b).size() == 2);
            await("each instance reads the identity provider's key set at start, before any token")
                    .atMost(Duration.ofSeconds(30)).until(() -> provider.jwksRequests() >= keySetReads + 2);

            List<byte[]> reports = new ArrayList<>();
            for (int day = 1; day <= DAYS; day++) {
                for (int d = 0; d < DOMAINS; d++) {
                    String domain = "d" + d + ".example";
                    reports.add(report("Google Inc.", "g-" + d + "-" + day, day).policy(domain, 1000 + d,
                            failure("validation-failure", 1, "192.0.2.9", null)).bytes());
                    reports.add(report("Yahoo", "y-" + d + "-" + day, day).policy(domain, 500).bytes());
                }
            }
            // an expired certificate on d3.example on the last day: an incident
            reports.add(report("Microsoft Corporation", "m-expired", DAYS).policy("d3.example", 100,
                    failure("certificate-expired", 300, "192.0.2.1", "mx1.d3.example")).bytes());
            produce(cluster.bootstrapServers(), configA.topicNames().raw(), reports);

            Map<String, DomainStats> lastOfEachWindow = new HashMap<>();
            await().atMost(Duration.ofSeconds(90)).until(() -> {
                for (ConsumerRecord<String, DomainStats> r : readAll(cluster.bootstrapServers(),
                        configA.topicNames().domainStats(), registry, DomainStats.class)) {
                    lastOfEachWindow.put(r.key() + "@" + r.value().getWindowStart(), r.value());
                }
                DomainStats lastDay = lastOfEachWindow.get("d3.example@" + ReportFixtures.day(DAYS));
                return lastOfEachWindow.size() == DOMAINS * DAYS && lastOfEachWindow.values().stream()
                        .allMatch(s -> s.getReports() == 2 || s == lastDay && s.getReports() == 3);
            });
            Alert alert = await().atMost(Duration.ofSeconds(30)).until(() -> readAll(cluster.bootstrapServers(),
                    configA.topicNames().alerts(), registry, Alert.class), list -> !list.isEmpty()).get(0).value();

            String addressA = address(a);
            String addressB = address(b);
            Set<String> servedBy = new HashSet<>();
            for (int d = 0; d < DOMAINS; d++) {
                String domain = "d" + d + ".example";
                JsonNode fromA = get(a, domain, 200);
                JsonNode fromB = get(b, "D" + d + ".Example.", 200);   // as a user may type it
                servedBy.add(fromA.get("served_by").asText());
                assertThat(fromA.get("served_by").asText()).isIn(addressA, addressB);
                ((ObjectNode) fromA).remove("as_of");
                ((ObjectNode) fromB).remove("as_of");
                assertThat(fromB).as("%s asked of either instance", domain).isEqualTo(fromA);

                assertThat(fromA.get("policy_domain").asText()).isEqualTo(domain);
                JsonNode windows = fromA.get("windows");
                assertThat(windows).hasSize(DAYS);
                for (int day = 1; day <= DAYS; day++) {
                    JsonNode w = windows.get(day - 1);
                    DomainStats expected = lastOfEachWindow.get(domain + "@" + ReportFixtures.day(day));
                    assertThat(w.get("window_start").asText()).isEqualTo(ReportFixtures.day(day).toString());
                    assertThat(w.get("total_sessions").asLong()).isEqualTo(expected.getTotalSessions());
                    assertThat(w.get("failed_sessions").asLong()).isEqualTo(expected.getFailedSessions());
                    assertThat(w.get("sessions_without_enforced_policy").asLong())
                            .isEqualTo(expected.getSessionsWithoutEnforcedPolicy());
                    assertThat(w.get("reports").asLong()).isEqualTo(expected.getReports());
                    assertThat(w.get("reporters")).extracting(JsonNode::asText)
                            .containsExactlyElementsOf(expected.getReporters());
                }
                if (d == 3) {
                    assertThat(fromA.get("incidents")).hasSize(1);
                    JsonNode incident = fromA.get("incidents").get(0);
                    assertThat(incident.get("alert_id").asText()).isEqualTo(alert.getAlertId());
                    assertThat(incident.get("status").asText()).isEqualTo("firing");
                    assertThat(incident.get("kind").asText()).isEqualTo("certificate-expired");
                    assertThat(incident.get("severity").asText()).isEqualTo("critical");
                    assertThat(windows.get(DAYS - 1).get("failing_result_types").get(0).get("value").asText())
                            .isEqualTo("certificate-expired");
                } else {
                    assertThat(fromA.get("incidents")).isEmpty();
                }
            }
            assertThat(servedBy).as("each instance keeps some of the domains and answers for the other")
                    .containsExactlyInAnyOrder(addressA, addressB);

            assertThat(get(a, "unknown.example", 404).get("error").asText()).contains("unknown.example");
            assertThat(get(b, "unknown.example", 404).get("error").asText()).contains("unknown.example");
            assertThat(get(a, "not a domain", 400).get("error").asText()).contains("not a domain name");
            assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri(a, "d1.example"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).as("read only").isEqualTo(405);
            // the description the answers here are held to (QueryApiSchemas), served by the instances without a token
            HttpResponse<String> description = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://" + address(b) + QueryApiDescription.PATH)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(description.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(description.body())).isEqualTo(QueryApiSchemas.description());
            String keptByB = null;
            for (int d = 0; d < DOMAINS && keptByB == null; d++) {
                if (get(a, "d" + d + ".example", 200).get("served_by").asText().equals(addressB)) {
                    keptByB = "d" + d + ".example";
                }
            }
            for (String authorization : new String[] {null, "Bearer wrong-" + TOKEN, TOKEN}) {
                HttpRequest.Builder unauthorized = HttpRequest.newBuilder(uri(a, keptByB));
                if (authorization != null) {
                    unauthorized.header("Authorization", authorization);
                }
                HttpResponse<String> refused = HttpClient.newHttpClient().send(unauthorized.build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(refused.statusCode()).as("Authorization: %s", authorization).isEqualTo(401);
                assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v ->
                        assertThat(v).startsWith("Bearer"));
                assertThat(refused.body()).contains("http.domains.token.file").doesNotContain(TOKEN);
            }
            // a customer's token: its own domain from either instance (one forwards it with the customer's token),
            // nobody else's, nor a domain without a tenant, and those answered as a domain not kept
            for (TlsRptProcessor p : List.of(a, b)) {
                assertThat(get(p, "d2.example", BLUE, 200).get("tenant").asText()).isEqualTo("blue");
                assertThat(get(p, "d3.example", GREEN, 200).get("tenant").asText()).isEqualTo("green");
                assertThat(get(p, "d3.example", BLUE, 404).get("error").asText())
                        .isEqualTo(get(p, "unknown.example", BLUE, 404).get("error").asText()
                                .replace("unknown.example", "d3.example"));
                get(p, "d2.example", GREEN, 404);
                get(p, "d5.example", BLUE, 404);
                get(p, "d5.example", "wrong-" + BLUE, 401);
                // the identity provider's tokens: a tenant's claim, the operator's role, an expired one
                String greenPortal = jwt(Instant.now(), "\"tlsrpt_tenant\":\"green\"");
                assertThat(get(p, "d3.example", greenPortal, 200).get("tenant").asText()).isEqualTo("green");
                get(p, "d2.example", greenPortal, 404);
                get(p, "d5.example", jwt(Instant.now(), "\"roles\":[\"tlsrpt.operator\"]"), 200);
                get(p, "d3.example", jwt(Instant.now().minusSeconds(7200), "\"tlsrpt_tenant\":\"green\""), 401);
            }
            // GET /v1/incidents: the application's incidents from either instance, each asking the other for the
            // partitions it owns; a customer's token lists its own tenant's only
            for (TlsRptProcessor p : List.of(a, b)) {
                JsonNode listed = incidents(p, "", TOKEN, 200);
                assertThat(listed.get("partitions").asInt()).isEqualTo(4);
                assertThat(listed.get("instances")).extracting(JsonNode::asText)
                        .containsExactlyInAnyOrder(addressA, addressB);
                assertThat(listed.get("status").asText()).isEqualTo("open");
                assertThat(listed.get("count").asInt()).isEqualTo(1);
                JsonNode only = listed.get("incidents").get(0);
                assertThat(only.get("policy_domain").asText()).isEqualTo("d3.example");
                assertThat(only.get("tenant").asText()).isEqualTo("green");
                assertThat(only.get("result_type").asText()).isEqualTo("certificate-expired");
                assertThat(only.get("alert_id").asText()).isEqualTo(alert.getAlertId());
                assertThat(only.get("served_by").asText())
                        .isEqualTo(get(p, "d3.example", 200).get("served_by").asText());
                JsonNode fromDomainQuery = get(p, "d3.example", 200).get("incidents").get(0);
                fromDomainQuery.fieldNames().forEachRemaining(field ->
                        assertThat(only.get(field)).as(field).isEqualTo(fromDomainQuery.get(field)));

                assertThat(incidents(p, "?status=all", TOKEN, 200).get("count").asInt()).isEqualTo(1);
                assertThat(incidents(p, "?status=resolved", TOKEN, 200).get("count").asInt()).isZero();
                assertThat(incidents(p, "?domain=example", TOKEN, 200).get("count").asInt())
                        .as("a domain and its subdomains").isEqualTo(1);
                assertThat(incidents(p, "?domain=d13.example", TOKEN, 200).get("count").asInt()).isZero();
                assertThat(incidents(p, "?tenant=green", TOKEN, 200).get("count").asInt()).isEqualTo(1);
                assertThat(incidents(p, "?tenant=blue", TOKEN, 200).get("count").asInt()).isZero();
                // one incident by the alert_id its alerts carry, from either instance, firing or resolved
                JsonNode byId = incidents(p, "?status=all&alert_id=" + alert.getAlertId(), TOKEN, 200);
                assertThat(byId.get("alert_id").asText()).isEqualTo(alert.getAlertId());
                assertThat(byId.get("incidents")).singleElement().satisfies(i ->
                        assertThat(i.get("alert_id").asText()).isEqualTo(alert.getAlertId()));
                assertThat(incidents(p, "?alert_id=no-such-alert", TOKEN, 200).get("count").asInt()).isZero();
                // by the receiving MX host of its failures, or a domain of hosts: a provider's shared MX host
                assertThat(only.get("receiving_mx")).extracting(JsonNode::asText).containsExactly("mx1.d3.example");
                JsonNode atHost = incidents(p, "?mx=MX1.d3.example", TOKEN, 200);
                assertThat(atHost.get("mx").asText()).isEqualTo("mx1.d3.example");
                assertThat(atHost.get("incidents")).singleElement().satisfies(i ->
                        assertThat(i.get("alert_id").asText()).isEqualTo(alert.getAlertId()));
                assertThat(incidents(p, "?mx=d3.example", TOKEN, 200).get("count").asInt()).isEqualTo(1);
                assertThat(incidents(p, "?mx=mx2.d3.example", TOKEN, 200).get("count").asInt()).isZero();
                assertThat(incidents(p, "?mx=bad%20host", TOKEN, 400).get("error").asText())
                        .contains("not a domain name");
                assertThat(incidents(p, "?alert_id=" + alert.getAlertId(), BLUE, 200).get("count").asInt())
                        .as("another tenant's incident").isZero();
                assertThat(incidents(p, "", GREEN, 200).get("incidents").get(0).get("alert_id").asText())
                        .isEqualTo(alert.getAlertId());
                JsonNode blues = incidents(p, "", BLUE, 200);
                assertThat(blues.get("tenant").asText()).isEqualTo("blue");
                assertThat(blues.get("count").asInt()).isZero();
                assertThat(incidents(p, "?tenant=green", BLUE, 403).get("error").asText()).contains("own tenant");
                incidents(p, "", "wrong-" + TOKEN, 401);
                assertThat(incidents(p, "?status=bogus", TOKEN, 400).get("error").asText()).contains("open, resolved");
                assertThat(incidents(p, "?colour=red", TOKEN, 400).get("error").asText()).contains("colour");
            }

            // each answer counted where it was given: the callers' requests apart from those one instance asked of
            // the other on their behalf (counted once sent, so a moment after the client has it)
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(queries(a, "incidents", "200", false) + queries(b, "incidents", "200", false))
                        .as("the callers' incident lists answered").isGreaterThanOrEqualTo(16);
                assertThat(queries(a, "incidents", "200", true) + queries(b, "incidents", "200", true))
                        .as("each asked the other for its partitions").isGreaterThanOrEqualTo(16);
                assertThat(queries(a, "incidents", "401", false)).isEqualTo(1);
                assertThat(queries(a, "incidents", "403", false)).isEqualTo(1);
                assertThat(queries(a, "domain", "404", false)).isGreaterThanOrEqualTo(1);
                // and timed, each answer where it was given
                assertThat(timed(a, "incidents", false) + timed(b, "incidents", false))
                        .isEqualTo((long) (queries(a, "incidents") + queries(b, "incidents")));
                assertThat(timed(a, "incidents", true) + timed(b, "incidents", true)).isGreaterThanOrEqualTo(16);
            });
            assertThat(queries(a, "incidents", "502", false) + queries(b, "incidents", "502", false)).isZero();

            HttpResponse<String> forwardedAgain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            uri(a, keptByB)).header(QueryPeers.FORWARDED_HEADER, "127.0.0.1:1")
                            .header("Authorization", "Bearer " + TOKEN).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(forwardedAgain.statusCode()).as("a forwarded request is never forwarded again").isEqualTo(503);
            assertThat(forwardedAgain.headers().firstValue("Retry-After")).hasValue("5");

            // more incidents, two kept by each instance: each sends its most urgent up to the limit, with how many
            // it matched, and the instance asked keeps the most urgent overall beside the count of all
            List<String> expiringOnA = new ArrayList<>();
            List<String> expiringOnB = new ArrayList<>();
            for (int d = 4; d < DOMAINS; d++) {
                String domain = "d" + d + ".example";
                List<String> kept = get(a, domain, 200).get("served_by").asText().equals(addressA)
                        ? expiringOnA : expiringOnB;
                if (kept.size() < 2) {
                    kept.add(domain);
                }
            }
            assertThat(expiringOnA).as("kept by a").hasSize(2);
            assertThat(expiringOnB).as("kept by b").hasSize(2);
            List<byte[]> expired = new ArrayList<>();
            for (String domain : concat(expiringOnA, expiringOnB)) {
                expired.add(report("Microsoft Corporation", "m-expired-" + domain, DAYS).policy(domain, 100,
                        failure("certificate-expired", 300, "192.0.2.1", "mx1." + domain)).bytes());
            }
            produce(cluster.bootstrapServers(), configA.topicNames().raw(), expired);
            await().atMost(Duration.ofSeconds(60)).until(() -> readAll(cluster.bootstrapServers(),
                    configA.topicNames().alerts(), registry, Alert.class).size() >= 5);
            for (TlsRptProcessor p : List.of(a, b)) {
                JsonNode all = incidents(p, "", TOKEN, 200);
                assertThat(all.get("count").asInt()).isEqualTo(5);
                assertThat(all.get("limit").asInt()).as("none asked: at most the largest").isEqualTo(10_000);
                assertThat(all.get("incidents")).extracting(i -> i.get("served_by").asText())
                        .containsOnly(addressA, addressB).contains(addressA, addressB);
                assertThat(all.get("incidents")).extracting(i -> i.get("policy_domain").asText())
                        .containsExactlyInAnyOrderElementsOf(
                                concat(List.of("d3.example"), concat(expiringOnA, expiringOnB)));
                for (int limit = 1; limit <= 6; limit++) {
                    JsonNode first = incidents(p, "?limit=" + limit, TOKEN, 200);
                    assertThat(first.get("count").asInt()).as("limit %d", limit).isEqualTo(5);
                    assertThat(first.get("limit").asInt()).isEqualTo(limit);
                    List<JsonNode> expected = new ArrayList<>();
                    all.get("incidents").forEach(expected::add);
                    assertThat(first.get("incidents")).as("the %d most urgent", limit)
                            .containsExactlyElementsOf(expected.subList(0, Math.min(limit, 5)));
                }
                assertThat(incidents(p, "?limit=0", TOKEN, 400).get("error").asText()).contains("1 to 10000");
                assertThat(all.get("remaining").asInt()).isZero();
                assertThat(all.get("next").isNull()).as("nothing after the whole list").isTrue();

                // pages of 2, each after the last: every incident once, in the whole list's order, from both
                // instances' stores whichever is asked
                List<JsonNode> walked = new ArrayList<>();
                List<Integer> remaining = new ArrayList<>();
                String query = "?limit=2";
                JsonNode after = NullNode.getInstance();
                while (true) {
                    JsonNode page = incidents(p, query, TOKEN, 200);
                    assertThat(page.get("count").asInt()).as("every page counts them all").isEqualTo(5);
                    assertThat(page.get("after")).as("the cursor it was asked after").isEqualTo(after);
                    after = page.get("next");
                    page.get("incidents").forEach(walked::add);
                    remaining.add(page.get("remaining").asInt());
                    if (page.get("next").isNull()) {
                        break;
                    }
                    query = "?limit=2&after=" + page.get("next").asText();
                }
                assertThat(remaining).containsExactly(3, 1, 0);
                assertThat(walked).containsExactlyElementsOf(all.get("incidents"));
                assertThat(incidents(p, "?after=page2", TOKEN, 400).get("error").asText())
                        .contains("'next' of an earlier answer");
            }

            // GET /v1/domains: every domain from either instance, each summed over the windows its domain query
            // shows, worst first, with its open incidents; pages, a tenant's own, a day on
            for (TlsRptProcessor p : List.of(a, b)) {
                JsonNode list = domainList(p, "", TOKEN, 200);
                assertThat(list.get("count").asInt()).isEqualTo(DOMAINS);
                assertThat(list.get("partitions").asInt()).isEqualTo(4);
                List<JsonNode> worstFirst = new ArrayList<>();
                list.get("domains").forEach(worstFirst::add);
                assertThat(worstFirst).hasSize(DOMAINS).isSortedAccordingTo(DomainListQuery.WORST_FIRST.comparator());
                for (JsonNode summary : worstFirst) {
                    JsonNode state = get(p, summary.get("policy_domain").asText(), 200);
                    long sessions = 0;
                    long failed = 0;
                    long reportsSeen = 0;
                    for (JsonNode w : state.get("windows")) {
                        sessions += w.get("total_sessions").asLong();
                        failed += w.get("failed_sessions").asLong();
                        reportsSeen += w.get("reports").asLong();
                    }
                    long open = 0;
                    for (JsonNode i : state.get("incidents")) {
                        open += i.get("status").asText().equals("firing") ? 1 : 0;
                    }
                    assertThat(summary.get("days").asInt()).as("%s", summary).isEqualTo(state.get("windows").size());
                    assertThat(summary.get("total_sessions").asLong()).as("%s", summary).isEqualTo(sessions);
                    assertThat(summary.get("failed_sessions").asLong()).as("%s", summary).isEqualTo(failed);
                    assertThat(summary.get("failed_share").asDouble()).isEqualTo((double) failed / sessions);
                    assertThat(summary.get("reports").asLong()).as("%s", summary).isEqualTo(reportsSeen);
                    assertThat(summary.get("open_incidents").asLong()).as("%s", summary).isEqualTo(open);
                    assertThat(summary.get("served_by").asText()).isEqualTo(state.get("served_by").asText());
                }
                assertThat(worstFirst.get(0).get("open_incidents").asInt()).as("the expired certificates' domains "
                        + "fail most").isPositive();
                assertThat(domainPages(p, "?limit=3")).containsExactlyElementsOf(worstFirst);
                // other orders, each from both instances and in pages of its own cursor
                JsonNode byName = domainList(p, "?order=name", TOKEN, 200);
                assertThat(byName.get("order").asText()).isEqualTo("name");
                assertThat(byName.get("domains")).extracting(d -> d.get("policy_domain").asText()).isSorted()
                        .hasSize(DOMAINS);
                List<JsonNode> bySessions = new ArrayList<>();
                domainList(p, "?order=sessions", TOKEN, 200).get("domains").forEach(bySessions::add);
                assertThat(bySessions).isSortedAccordingTo(DomainListQuery.Sort.SESSIONS.order().comparator())
                        .hasSize(DOMAINS);
                assertThat(bySessions.get(0).get("total_sessions").asLong())
                        .isGreaterThanOrEqualTo(bySessions.get(DOMAINS - 1).get("total_sessions").asLong());
                assertThat(domainPages(p, "?order=sessions&limit=4")).containsExactlyElementsOf(bySessions);
                domainList(p, "?order=name&after=" + domainList(p, "?limit=1", TOKEN, 200).get("next").asText(), TOKEN,
                        400);
                assertThat(domainList(p, "", BLUE, 200).get("domains")).extracting(d -> d.get("policy_domain")
                        .asText()).containsExactly("d2.example");
                domainList(p, "?tenant=green", BLUE, 403);
                JsonNode lastDay = domainList(p, "?since=" + ReportFixtures.day(DAYS).toString().substring(0, 10)
                        + "&domain=d3.example", TOKEN, 200);
                assertThat(lastDay.get("domains")).singleElement().satisfies(d -> {
                    assertThat(d.get("days").asInt()).isEqualTo(1);
                    assertThat(d.get("first_window_start").asText()).isEqualTo(ReportFixtures.day(DAYS).toString());
                });
                assertThat(domainList(p, "?since=yesterday", TOKEN, 400).get("error").asText()).contains("YYYY-MM-DD");
            }

            // a report after the lists: each instance answered from the sums it kept (no window changed since); the
            // report changes d1.example's window, and the lists show it once those sums are older than the maximum age
            long sessionsBefore = sessions(get(a, "d1.example", 200));
            produce(cluster.bootstrapServers(), configA.topicNames().raw(), List.of(report("Google Inc.", "g-later",
                    DAYS).policy("d1.example", 700).bytes()));
            await().atMost(Duration.ofSeconds(60)).until(() -> sessions(get(a, "d1.example", 200))
                    == sessionsBefore + 700);
            for (TlsRptProcessor p : List.of(a, b)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> domainList(p, "?domain=d1.example", TOKEN, 200)
                        .get("domains").get(0).get("total_sessions").asLong() == sessionsBefore + 700);
            }

            // tlsrpt_incidents_open: each open incident counts on the instance that keeps it; when d3.example's
            // instance leaves, the other restores the task's incident-store and counts them all
            TlsRptProcessor owner = get(a, "d3.example", 200).get("served_by").asText().equals(addressA) ? a : b;
            TlsRptProcessor other = owner == a ? b : a;
            assertThat(openCertificateIncidents(owner)).isEqualTo(3);
            assertThat(openCertificateIncidents(other)).isEqualTo(2);
            owner.close();
            await("the other instance takes the incidents over").atMost(Duration.ofSeconds(90))
                    .until(() -> other.isReady() && openCertificateIncidents(other) == 5);
            assertThat(get(other, "d3.example", 200).get("served_by").asText()).isEqualTo(address(other));
            JsonNode alone = incidents(other, "?limit=2", TOKEN, 200);
            assertThat(alone.get("instances")).extracting(JsonNode::asText).containsExactly(address(other));
            assertThat(alone.get("count").asInt()).isEqualTo(5);
            assertThat(alone.get("incidents")).hasSize(2);

            // wrong tokens from one client behind the proxy: 401s up to http.domains.failed.tokens.burst (20), then
            // 429 with Retry-After without the token looked at, the right one included; the proxy's other clients,
            // and the proxy itself, are not limited by that client's guesses
            CapturedLog access = new CapturedLog(QueryAccessLog.LOGGER);
            try (access) {
                String guesser = "198.51.100.7";
                int refused = 0;
                HttpResponse<String> limited = null;
                for (int i = 0; i < 25 && limited == null; i++) {
                    HttpResponse<String> wrong = forwardedFor(other, guesser, "guess-" + i);
                    if (wrong.statusCode() == 429) {
                        limited = wrong;
                    } else {
                        assertThat(wrong.statusCode()).isEqualTo(401);
                        refused++;
                    }
                }
                assertThat(limited).as("a 429 after 20 wrong tokens").isNotNull();
                assertThat(refused).isEqualTo(20);
                assertThat(limited.headers().firstValueAsLong("Retry-After").orElse(0)).isBetween(1L, 60L);
                QueryApiSchemas.assertConforms(429, "Error", JSON.readTree(limited.body()));
                assertThat(JSON.readTree(limited.body()).get("error").asText())
                        .contains("too many requests with a wrong").contains(guesser);
                assertThat(forwardedFor(other, guesser, TOKEN).statusCode()).isEqualTo(429);
                assertThat(forwardedFor(other, "198.51.100.8", TOKEN).statusCode()).as("another client").isEqualTo(200);
                // a client cannot choose its address: the leftmost entries are its own, the proxy's (rightmost) decides
                assertThat(forwardedFor(other, "198.51.100.8, " + guesser, TOKEN).statusCode()).isEqualTo(429);
                assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri(other, "d2.example"))
                        .header("Authorization", "Bearer " + BLUE).header("X-Forwarded-For", "198.51.100.9").build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
                // the answer is logged once sent: a moment after the client has it
                await().atMost(Duration.ofSeconds(5)).until(() -> access.text().contains("198.51.100.9"));
            }
            // who asked what, as whom, from where: the client behind the proxy, never the token
            assertThat(access.text()).contains("INFO GET /v1/domains/d3.example 401 ")
                    .contains(" ms client 198.51.100.7 as (no valid token)")
                    .containsPattern("GET /v1/domains/d3.example 429 \\d+ ms client 198.51.100.7 as \\(too many wrong "
                            + "tokens, not looked at\\)")
                    .containsPattern("GET /v1/domains/d3.example 200 \\d+ ms client 198.51.100.8 as operator")
                    .containsPattern("GET /v1/domains/d2.example 200 \\d+ ms client 198.51.100.9 as tenant blue")
                    .doesNotContain(TOKEN).doesNotContain(BLUE).doesNotContain("guess-");
            get(other, "d3.example", TOKEN, 200);
            // counted once the answer is sent, so a moment after the client has it
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(queries(other, "domain", "429", false)).isGreaterThanOrEqualTo(3));
        }
    }

    private static List<String> concat(List<String> first, List<String> then) {
        List<String> both = new ArrayList<>(first);
        both.addAll(then);
        return both;
    }

    /** {@code tlsrpt_queries_total} of the callers' requests to one endpoint on {@code p}, whatever their status. */
    private static double queries(TlsRptProcessor p, String endpoint) {
        return p.meterRegistry().find("tlsrpt.queries").tags("endpoint", endpoint, "forwarded", "false").counters()
                .stream().mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }

    /** How many answers {@code tlsrpt_query_duration_seconds} timed for one endpoint and origin on {@code p}. */
    private static long timed(TlsRptProcessor p, String endpoint, boolean forwarded) {
        io.micrometer.core.instrument.Timer timer = p.meterRegistry().find("tlsrpt.query.duration")
                .tags("endpoint", endpoint, "forwarded", Boolean.toString(forwarded)).timer();
        return timer == null ? 0 : timer.count();
    }

    /** {@code tlsrpt_queries_total} of one endpoint, status and origin on {@code p}. */
    private static double queries(TlsRptProcessor p, String endpoint, String status, boolean forwarded) {
        io.micrometer.core.instrument.Counter counter = p.meterRegistry().find("tlsrpt.queries")
                .tags("endpoint", endpoint, "status", status, "forwarded", Boolean.toString(forwarded)).counter();
        return counter == null ? 0 : counter.count();
    }

    private static double openCertificateIncidents(TlsRptProcessor p) {
        // over the tenants: d3.example's incident counts under its tenant (green)
        return p.meterRegistry().get("tlsrpt.incidents.open").tag("kind", "certificate-expired").gauges().stream()
                .mapToDouble(io.micrometer.core.instrument.Gauge::value).sum();
    }

    /** The instances that keep the window store, as {@code p}'s Kafka Streams metadata lists them. */
    private static Set<String> keepers(TlsRptProcessor p) {
        Set<String> hosts = new HashSet<>();
        for (StreamsMetadata m : p.streamsMetadataForWindowStore()) {
            hosts.add(m.hostInfo().host() + ":" + m.hostInfo().port());
        }
        return hosts;
    }

    private static String address(TlsRptProcessor p) {
        InetSocketAddress http = p.httpAddress();
        return "127.0.0.1:" + http.getPort();
    }

    private static URI uri(TlsRptProcessor p, String domain) {
        return URI.create("http://" + address(p) + "/v1/domains/" + domain);
    }

    /** {@code GET /v1/incidents} with {@code query} ("" or "?..."). */
    private static JsonNode incidents(TlsRptProcessor p, String query, String token, int status) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://" + address(p) + "/v1/incidents" + query))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET /v1/incidents%s: %s", query, response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode answer = JSON.readTree(response.body());
        QueryApiSchemas.assertConforms(status, "IncidentList", answer);
        return answer;
    }

    /** The domain list of {@code query} page after page, each after the last's cursor, as one list. */
    private static List<JsonNode> domainPages(TlsRptProcessor p, String query) throws Exception {
        List<JsonNode> walked = new ArrayList<>();
        String page = query;
        while (true) {
            JsonNode answer = domainList(p, page, TOKEN, 200);
            answer.get("domains").forEach(walked::add);
            if (answer.get("next").isNull()) {
                return walked;
            }
            page = query + "&after=" + answer.get("next").asText();
        }
    }

    /** A domain's sessions over the windows its query shows. */
    private static long sessions(JsonNode state) {
        long sessions = 0;
        for (JsonNode w : state.get("windows")) {
            sessions += w.get("total_sessions").asLong();
        }
        return sessions;
    }

    private static JsonNode domainList(TlsRptProcessor p, String query, String token, int status) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://" + address(p) + "/v1/domains" + query))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET /v1/domains%s: %s", query, response.body()).isEqualTo(status);
        JsonNode answer = JSON.readTree(response.body());
        QueryApiSchemas.assertConforms(status, "DomainList", answer);
        return answer;
    }

    /** GET d3.example as the proxy in front of the instance asks it for {@code client} (X-Forwarded-For). */
    private static HttpResponse<String> forwardedFor(TlsRptProcessor p, String client, String token)
            throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri(p, "d3.example"))
                .header("Authorization", "Bearer " + token).header("X-Forwarded-For", client).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode get(TlsRptProcessor p, String domain, int status) throws Exception {
        return get(p, domain, TOKEN, status);
    }

    private static JsonNode get(TlsRptProcessor p, String domain, String token, int status) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(uri(p, domain.replace(" ", "%20"))).header("Authorization", "Bearer " + token)
                        .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", domain, response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode answer = JSON.readTree(response.body());
        QueryApiSchemas.assertConforms(status, "DomainState", answer);
        return answer;
    }
}
