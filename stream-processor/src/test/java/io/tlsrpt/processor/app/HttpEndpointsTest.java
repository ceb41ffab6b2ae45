package io.tlsrpt.processor.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tlsrpt.testkafka.StalledHttpClients;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The processor's HTTP server itself (the endpoints behind it: DomainQueryIT, HttpsQueryIT, ProcessorMetricsIT). */
class HttpEndpointsTest {

    private static final int STALLED = 12;

    @Test
    void clientsThatStallMidRequestLeaveThreadsForTheProbesAndTheScrape() throws Exception {
        try (HttpEndpoints http = new HttpEndpoints("127.0.0.1", 0, new PrometheusMeterRegistry(
                PrometheusConfig.DEFAULT), () -> true, () -> true, false, null);
             StalledHttpClients stalled = StalledHttpClients.open(http.address(), STALLED)) {
            await("each stalled client holds a thread of its own").atMost(Duration.ofSeconds(10))
                    .until(() -> StalledHttpClients.threadsNamed("tlsrpt-http-") >= stalled.count());

            HttpClient client = HttpClient.newHttpClient();
            for (String path : List.of("/health/live", "/health/ready", "/metrics")) {
                HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                + http.address().getPort() + path)).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as(path).isEqualTo(200);
            }
        }
    }

    @Test
    void theServerIsCreatedWithTcpNoDelay() throws Exception {
        // the JDK server reads the switch when its first instance is made; tlsrpt bench measures what it saves
        // (about 40 ms a query on a kept-alive connection: BENCHMARKS.md, "The processor's HTTP queries")
        try (HttpEndpoints http = new HttpEndpoints("127.0.0.1", 0, new PrometheusMeterRegistry(
                PrometheusConfig.DEFAULT), () -> true, () -> true, false, null)) {
            assertThat(http.address().getPort()).isPositive();
            assertThat(System.getProperty(HttpServerThreads.NO_DELAY)).isEqualTo("true");
        }
    }

    @Test
    void aManagementPortServesTheProbesAndTheScrapeApartFromTheQueries() throws Exception {
        try (HttpEndpoints http = new HttpEndpoints("127.0.0.1", 0, new PrometheusMeterRegistry(
                PrometheusConfig.DEFAULT), () -> true, () -> true, true, null, "127.0.0.1", 0)) {
            int queries = http.address().getPort();
            int management = http.managementAddress().getPort();
            assertThat(management).isPositive().isNotEqualTo(queries);
            HttpClient client = HttpClient.newHttpClient();
            for (String path : List.of("/health/live", "/health/ready", "/metrics")) {
                assertThat(status(client, management, path)).as("%s on the management port", path).isEqualTo(200);
                assertThat(status(client, queries, path)).as("%s not on the queries' port", path).isEqualTo(404);
            }
            assertThat(status(client, queries, "/v1/incidents")).as("the queries (not started yet)").isEqualTo(503);
            assertThat(status(client, management, "/v1/incidents")).as("no queries there").isEqualTo(404);

            // more stalled query clients than the queries' port has threads: the probes do not wait behind them
            try (StalledHttpClients stalled = StalledHttpClients.open(http.address(), 40)) {
                await("the queries' threads all held").atMost(Duration.ofSeconds(10))
                        .until(() -> StalledHttpClients.threadsNamed("tlsrpt-http-") >= 32);
                for (String path : List.of("/health/live", "/health/ready", "/metrics")) {
                    assertThat(status(client, management, path)).as("%s beside %d stalled clients", path,
                            stalled.count()).isEqualTo(200);
                }
            }
        }
    }

    private static int status(HttpClient client, int port, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void aManagementPortAlreadyTakenFailsTheStartAndFreesTheQueriesPort() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            int queries;
            try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
                queries = free.getLocalPort();
            }
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new HttpEndpoints("127.0.0.1", queries,
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), () -> true, () -> true, true, null,
                    "127.0.0.1", taken.getLocalPort())).isInstanceOf(java.net.BindException.class);
            // the queries' port, bound before the management port failed, is free again
            try (java.net.ServerSocket again = new java.net.ServerSocket(queries, 1,
                    java.net.InetAddress.getByName("127.0.0.1"))) {
                assertThat(again.getLocalPort()).isEqualTo(queries);
            }
        }
    }
}
