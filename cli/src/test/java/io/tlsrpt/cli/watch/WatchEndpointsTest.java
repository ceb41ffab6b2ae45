package io.tlsrpt.cli.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tlsrpt.testkafka.StalledHttpClients;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WatchEndpointsTest {

    @Test
    void stalledClientsLeaveTheProbeAndTheScrapeAnswered() throws Exception {
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        HttpServer server = WatchEndpoints.start("127.0.0.1", 0, meters,
                new WatchMetrics(meters, Duration.ofMinutes(15), Clock.systemUTC()));
        try (StalledHttpClients stalled = StalledHttpClients.open(server.getAddress(), 2)) {
            await("the stalled clients hold threads").atMost(Duration.ofSeconds(10))
                    .until(() -> StalledHttpClients.threadsNamed("tlsrpt-watch-http-") >= stalled.count());
            // a watch just started is healthy: no round is overdue yet
            for (String path : new String[] {"/health", "/metrics"}) {
                HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                                "http://127.0.0.1:" + server.getAddress().getPort() + path))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as("%s: %s", path, answer.body()).isEqualTo(200);
            }
        } finally {
            server.stop(0);
        }
    }
}
