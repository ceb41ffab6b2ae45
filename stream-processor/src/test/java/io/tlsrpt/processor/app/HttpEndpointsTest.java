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
}
