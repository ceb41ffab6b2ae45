package io.tlsrpt.processor.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The processor's HTTP server itself (the endpoints behind it: DomainQueryIT, HttpsQueryIT, ProcessorMetricsIT). */
class HttpEndpointsTest {

    private static final int STALLED = 12;

    @Test
    void clientsThatStallMidRequestLeaveThreadsForTheProbesAndTheScrape() throws Exception {
        try (HttpEndpoints http = new HttpEndpoints("127.0.0.1", 0, new PrometheusMeterRegistry(
                PrometheusConfig.DEFAULT), () -> true, () -> true, false, null)) {
            List<Socket> stalled = new ArrayList<>();
            try {
                for (int i = 0; i < STALLED; i++) {
                    Socket socket = new Socket("127.0.0.1", http.address().getPort());
                    OutputStream out = socket.getOutputStream();
                    // a request head never finished: the server reads it on a thread, blocked until the timeout
                    out.write("GET /metrics HTTP/1.1\r\nHost: tlsrpt\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    stalled.add(socket);
                }
                await("each stalled client holds a thread of its own").atMost(Duration.ofSeconds(10))
                        .until(() -> serverThreads() >= STALLED);

                HttpClient client = HttpClient.newHttpClient();
                for (String path : List.of("/health/live", "/health/ready", "/metrics")) {
                    HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                    + http.address().getPort() + path)).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(answer.statusCode()).as(path).isEqualTo(200);
                }
            } finally {
                for (Socket socket : stalled) {
                    socket.close();
                }
            }
        }
    }

    private static long serverThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("tlsrpt-http-") && t.isAlive()).count();
    }
}
