package io.tlsrpt.processor.app;

import static io.tlsrpt.processor.app.ProcessorTopics.produce;
import static io.tlsrpt.processor.app.ProcessorTopics.readAll;
import static io.tlsrpt.processor.topology.ReportFixtures.failure;
import static io.tlsrpt.processor.topology.ReportFixtures.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.schema.Alert;
import io.tlsrpt.testkafka.KafkaTestCluster;
import io.tlsrpt.testkafka.TestCertificateAuthority;
import io.tlsrpt.tls.PemFiles;
import io.tlsrpt.tls.ServerCertificate;
import io.tlsrpt.tls.TrustedCertificates;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import javax.net.ssl.SSLHandshakeException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The processor's HTTP server over TLS ({@code http.tls.*}) on two instances of one application on a real broker:
 * the queries answered over HTTPS from either instance, each forwarding to the other over HTTPS with the caller's
 * token and checking the other's certificate against {@code http.tls.ca.file} and the host it advertised; a plain
 * HTTP request or a client that does not trust the authority gets no answer. When one instance's certificate files
 * of an authority the other does not trust, the other answers 502 naming it, for the domains it keeps and for the
 * incident list, never a part of it.
 */
class HttpsQueryIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DOMAINS = 8;
    private static final int DAYS = 5;
    private static final String TOKEN = "https-query-it-" + UUID.randomUUID();

    private static KafkaClusterTestKit cluster;
    @TempDir
    static Path dir;
    private static TestCertificateAuthority authority;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = KafkaTestCluster.start(java.util.Map.of());
        authority = new TestCertificateAuthority(dir.resolve("pki"));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        cluster.close();
    }

    private static ProcessorConfig config(String registry, String instance) throws Exception {
        return config(registry, instance, authority.pemPair(instance));
    }

    private static ProcessorConfig config(String registry, String instance, TestCertificateAuthority.PemPair tls)
            throws Exception {
        return config(registry, instance, tls, Map.of(ProcessorConfig.APPLICATION_ID, "tlsrpt-https-query-it"));
    }

    /** @param more settings of this instance ({@code application.id} among them) */
    private static ProcessorConfig config(String registry, String instance, TestCertificateAuthority.PemPair tls,
                                          Map<String, String> more) throws Exception {
        Properties props = new Properties();
        props.setProperty(ProcessorConfig.BOOTSTRAP_SERVERS, cluster.bootstrapServers());
        more.forEach(props::setProperty);
        props.setProperty(ProcessorConfig.SCHEMA_REGISTRY_URL, registry);
        props.setProperty(ProcessorConfig.STATE_DIR, Files.createDirectories(dir.resolve(instance)).toString());
        props.setProperty(ProcessorConfig.HTTP_PORT, "0");
        // the others check this name against the certificate (localhost and 127.0.0.1)
        props.setProperty(ProcessorConfig.HTTP_ADVERTISED_HOST, "localhost");
        props.setProperty(ProcessorConfig.HTTP_TLS_CERTIFICATE_FILE, tls.certificate().toString());
        props.setProperty(ProcessorConfig.HTTP_TLS_KEY_FILE, tls.key().toString());
        props.setProperty(ProcessorConfig.HTTP_TLS_CA_FILE, authority.caCertificate().toString());
        props.setProperty(ProcessorConfig.TOPICS_PARTITIONS, "4");
        Path token = dir.resolve("token");
        Files.writeString(token, TOKEN + "\n");
        props.setProperty(ProcessorConfig.HTTP_DOMAINS_TOKEN_FILE, token.toString());
        props.setProperty(ProcessorConfig.WINDOW_GRACE, "P60D");   // the fixtures' month is weeks ago
        return ProcessorConfig.fromProperties(props);
    }

    @Test
    void bothInstancesAnswerAndForwardOverHttpsAndAnUntrustedPeerIsA502() throws Exception {
        String registry = "mock://https-query-" + UUID.randomUUID();
        ProcessorConfig configA = config(registry, "a");
        ProcessorConfig configB = config(registry, "b");
        try (TlsRptProcessor a = TlsRptProcessor.start(configA)) {
            TlsRptProcessor b = TlsRptProcessor.start(configB);
            try {
                await().atMost(Duration.ofSeconds(90)).until(() -> ready(a) && ready(b));
                List<byte[]> reports = new ArrayList<>();
                for (int day = 1; day <= DAYS; day++) {
                    for (int d = 0; d < DOMAINS; d++) {
                        reports.add(report("Google Inc.", "g-" + d + "-" + day, day).policy("d" + d + ".example", 1000)
                                .bytes());
                    }
                }
                reports.add(report("Microsoft Corporation", "m-expired", DAYS).policy("d3.example", 100,
                        failure("certificate-expired", 300, "192.0.2.1", "mx1.d3.example")).bytes());
                produce(cluster.bootstrapServers(), configA.topicNames().raw(), reports);
                Alert alert = await().atMost(Duration.ofSeconds(90)).until(() -> readAll(cluster.bootstrapServers(),
                        configA.topicNames().alerts(), registry, Alert.class), list -> !list.isEmpty()).get(0).value();
                await().atMost(Duration.ofSeconds(60)).until(() -> get(a, "d7.example").statusCode() == 200);

                // every domain from either instance over HTTPS: each answers for the other's by asking it over HTTPS
                Set<String> servedBy = new HashSet<>();
                for (int d = 0; d < DOMAINS; d++) {
                    String domain = "d" + d + ".example";
                    for (TlsRptProcessor p : List.of(a, b)) {
                        HttpResponse<String> answer = answered(p, domain);
                        assertThat(answer.statusCode()).as("%s from %s: %s", domain, p, answer.body()).isEqualTo(200);
                        assertThat(answer.sslSession()).as("over TLS").isPresent();
                        JsonNode state = JSON.readTree(answer.body());
                        assertThat(state.get("windows")).hasSize(DAYS);
                        servedBy.add(state.get("served_by").asText());
                    }
                }
                assertThat(servedBy).containsExactlyInAnyOrder(address(a), address(b));
                JsonNode listed = JSON.readTree(incidents(a).body());
                assertThat(listed.get("instances")).extracting(JsonNode::asText)
                        .containsExactlyInAnyOrder(address(a), address(b));
                assertThat(listed.get("incidents").get(0).get("alert_id").asText()).isEqualTo(alert.getAlertId());
                assertThat(queries(a, "domain", "200", true) + queries(b, "domain", "200", true))
                        .as("forwarded over HTTPS").isPositive();

                // the port speaks TLS only, and only to clients trusting the authority
                URI plain = URI.create("http://localhost:" + a.httpAddress().getPort() + "/health/live");
                assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(plain).build(),
                        HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
                HttpClient stranger = HttpClient.newBuilder().sslContext(TrustedCertificates.clientContext(
                        new TestCertificateAuthority(dir.resolve("stranger")).caCertificate())).build();
                assertThatThrownBy(() -> stranger.send(request(a, "/health/live").build(),
                        HttpResponse.BodyHandlers.ofString())).isInstanceOf(SSLHandshakeException.class);
                String metrics = trusting().send(request(a, "/metrics").build(), HttpResponse.BodyHandlers.ofString())
                        .body();
                assertThat(metrics).contains("tlsrpt_http_tls_certificate_not_after_seconds ");
            } finally {
                b.close();
            }

            // an instance whose certificate is of an authority the others do not trust (a wrong secret mounted):
            // a cannot ask it for anything, and says so instead of answering with a part
            await("a alone").atMost(Duration.ofSeconds(90)).until(() -> a.isReady()
                    && a.streamsMetadataForWindowStore().size() == 1);
            TestCertificateAuthority.PemPair rogue = new TestCertificateAuthority(dir.resolve("rogue")).pemPair("c");
            try (TlsRptProcessor c = TlsRptProcessor.start(config(registry, "c", rogue))) {
                await().atMost(Duration.ofSeconds(90)).until(() -> ready(a) && ready(c));
                String keptByC = null;
                for (int d = 0; d < DOMAINS && keptByC == null; d++) {
                    String domain = "d" + d + ".example";
                    HttpResponse<String> own = answered(a, domain);
                    if (own.statusCode() == 502) {
                        keptByC = domain;
                        assertThat(JSON.readTree(own.body()).get("error").asText())
                                .contains(address(c)).contains("did not answer");
                    } else {
                        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
                    }
                }
                assertThat(keptByC).as("a domain c keeps, which a cannot ask it for").isNotNull();
                HttpResponse<String> partial = await().atMost(Duration.ofSeconds(30))
                        .until(() -> incidents(a), r -> r.statusCode() != 503);
                assertThat(partial.statusCode()).as(partial.body()).isEqualTo(502);
                assertThat(JSON.readTree(partial.body()).get("error").asText()).contains(address(c));
                // counted once the answer is sent, so a moment after the client has it
                await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                        assertThat(queries(a, "incidents", "502", false)).isEqualTo(1));
            }
        }
    }

    /**
     * Mutual TLS ({@code http.tls.client.ca.file}): a client presenting a certificate of the authority gets every
     * domain from either instance, each instance forwarding to the other with its own certificate; a client without
     * one, with another authority's, or with one the authority's revocation list names ({@code
     * http.tls.client.crl.file}), gets no connection; the probes stay on the plain management port. Healthy
     * reports only, of domains of its own, so that the other test's alerts stay its own whichever runs first.
     */
    @Test
    void withClientCertificatesOnlyTheAuthoritysClientsAreAnsweredAndTheInstancesForwardWithTheirOwn()
            throws Exception {
        String registry = "mock://https-mtls-" + UUID.randomUUID();
        // a portal's certificate the operator revoked (leaked): the authority's revocation list names it
        TestCertificateAuthority.PemPair revoked = authority.pemPair("revoked-portal");
        Path crl = authority.crl("clients", Duration.ofDays(7), PemFiles.certificates(revoked.certificate()).get(0));
        Map<String, String> mutual = Map.of(ProcessorConfig.APPLICATION_ID, "tlsrpt-https-mtls-it",
                ProcessorConfig.HTTP_TLS_CLIENT_CA_FILE, authority.caCertificate().toString(),
                ProcessorConfig.HTTP_TLS_CLIENT_CRL_FILE, crl.toString(),
                ProcessorConfig.HTTP_MANAGEMENT_PORT, "0");
        ProcessorConfig configA = config(registry, "ma", authority.pemPair("ma"), mutual);
        try (TlsRptProcessor a = TlsRptProcessor.start(configA);
             TlsRptProcessor b = TlsRptProcessor.start(config(registry, "mb", authority.pemPair("mb"), mutual))) {
            await().atMost(Duration.ofSeconds(90)).until(() -> ready(a) && ready(b));
            List<byte[]> reports = new ArrayList<>();
            for (int d = 0; d < DOMAINS; d++) {
                reports.add(report("Google Inc.", "mtls-" + d, 1).policy("m" + d + ".example", 1000).bytes());
            }
            produce(cluster.bootstrapServers(), configA.topicNames().raw(), reports);
            HttpClient withCertificate = presenting(authority.pemPair("portal"));
            Set<String> servedBy = new HashSet<>();
            for (int d = 0; d < DOMAINS; d++) {
                String domain = "m" + d + ".example";
                for (TlsRptProcessor p : List.of(a, b)) {
                    HttpResponse<String> answer = await().atMost(Duration.ofSeconds(60)).until(() -> withCertificate
                            .send(request(p, "/v1/domains/" + domain).build(), HttpResponse.BodyHandlers.ofString()),
                            r -> r.statusCode() == 200);
                    servedBy.add(JSON.readTree(answer.body()).get("served_by").asText());
                }
            }
            assertThat(servedBy).as("each instance answered for the other's domains: forwarded with its certificate")
                    .containsExactlyInAnyOrder(address(a), address(b));
            // counted once the answer is sent, so a moment after the client has it
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(queries(a, "domain", "200", true) + queries(b, "domain", "200", true)).isPositive());
            assertThatThrownBy(() -> trusting().send(request(a, "/v1/domains/m0.example").build(),
                    HttpResponse.BodyHandlers.ofString())).as("no client certificate").isInstanceOf(IOException.class);
            TestCertificateAuthority.PemPair stranger = new TestCertificateAuthority(dir.resolve("stranger-ca"))
                    .pemPair("stranger");
            assertThatThrownBy(() -> presenting(stranger).send(request(a, "/v1/domains/m0.example").build(),
                    HttpResponse.BodyHandlers.ofString())).as("another authority's certificate")
                    .isInstanceOf(IOException.class);
            assertThatThrownBy(() -> presenting(revoked).send(request(a, "/v1/domains/m0.example").build(),
                    HttpResponse.BodyHandlers.ofString())).as("the authority's certificate, revoked")
                    .isInstanceOf(IOException.class);
            HttpResponse<String> probe = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + a.managementAddress().getPort() + "/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(probe.statusCode()).as("the probes on the management port, plain HTTP").isEqualTo(200);
        }
    }

    /** A client presenting {@code certificate}, trusting the test's authority. */
    private static HttpClient presenting(TestCertificateAuthority.PemPair certificate) {
        return HttpClient.newBuilder().sslContext(ServerCertificate.fromPem(certificate.certificate(),
                certificate.key(), Clock.systemUTC()).clientContext(authority.caCertificate())).build();
    }

    private static boolean ready(TlsRptProcessor p) {
        return p.isReady() && p.streamsMetadataForWindowStore().size() == 2;
    }

    private static String address(TlsRptProcessor p) {
        return "localhost:" + p.httpAddress().getPort();
    }

    private static HttpClient trusting() {
        return HttpClient.newBuilder().sslContext(TrustedCertificates.clientContext(authority.caCertificate()))
                .build();
    }

    private static HttpRequest.Builder request(TlsRptProcessor p, String path) {
        return HttpRequest.newBuilder(URI.create("https://" + address(p) + path))
                .header("Authorization", "Bearer " + TOKEN);
    }

    private static HttpResponse<String> get(TlsRptProcessor p, String domain) throws Exception {
        return trusting().send(request(p, "/v1/domains/" + domain).build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * {@code domain} asked of {@code p} until it is not a 503: a rebalance can still move tasks once the instances are
     * ready (CI run 193), and a 503 says so, to be asked again.
     */
    private static HttpResponse<String> answered(TlsRptProcessor p, String domain) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> get(p, domain), r -> r.statusCode() != 503);
    }

    private static HttpResponse<String> incidents(TlsRptProcessor p) throws Exception {
        return trusting().send(request(p, "/v1/incidents").build(), HttpResponse.BodyHandlers.ofString());
    }

    private static double queries(TlsRptProcessor p, String endpoint, String status, boolean forwarded) {
        io.micrometer.core.instrument.Counter counter = p.meterRegistry().find("tlsrpt.queries")
                .tags("endpoint", endpoint, "status", status, "forwarded", Boolean.toString(forwarded)).counter();
        return counter == null ? 0 : counter.count();
    }
}
