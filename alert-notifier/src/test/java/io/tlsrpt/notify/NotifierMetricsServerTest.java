package io.tlsrpt.notify;

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
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class NotifierMetricsServerTest {

    @Test
    void aStalledClientLeavesTheLivenessProbeAnswered() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        HttpServer server = NotifierMain.metricsServer(NotifierConfig.from(Map.of(NotifierConfig.METRICS_PORT, "0",
                        NotifierConfig.ALERTMANAGER_URLS, "http://127.0.0.1:9093")),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), running::get);
        try (StalledHttpClients stalled = StalledHttpClients.open(server.getAddress(), 2)) {
            await("the stalled clients hold threads").atMost(Duration.ofSeconds(10))
                    .until(() -> StalledHttpClients.threadsNamed("tlsrpt-notifier-http-") >= stalled.count());
            assertThat(health(server).statusCode()).isEqualTo(200);
            running.set(false);
            HttpResponse<String> down = health(server);
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.body()).isEqualTo("DOWN\n");
        } finally {
            server.stop(0);
        }
    }

    private static HttpResponse<String> health(HttpServer server) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + server.getAddress().getPort() + "/health")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
