package io.tlsrpt.oauth;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Answers read whole within a deadline and a cap, from a real HTTP server on 127.0.0.1 that writes what it is told. */
@Timeout(60)
class BoundedAnswerTest {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private ServerSocket server;

    @AfterEach
    void stop() throws IOException {
        released.countDown();
        server.close();
        for (Socket socket : accepted) {
            socket.close();
        }
    }

    /** A server that answers each request with {@code head} and {@code body}, then holds the connection open. */
    private URI serving(String head, byte[] body) throws IOException {
        server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            try {
                Socket socket = server.accept();
                accepted.add(socket);
                readRequestHead(socket.getInputStream());
                OutputStream out = socket.getOutputStream();
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                released.await();
            } catch (IOException | InterruptedException e) {
                // the test closed the server: nothing more to answer
            }
        }, "bounded-answer-test-server");
        acceptor.setDaemon(true);
        acceptor.start();
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/keys");
    }

    private static void readRequestHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return;
            }
            head.write(b);
        }
    }

    private HttpRequest get(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build();
    }

    @Test
    void aWholeAnswerWithinItsCapIsRead() throws Exception {
        byte[] keys = "{\"keys\":[]}".getBytes(StandardCharsets.US_ASCII);
        URI uri = serving("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + keys.length
                + "\r\n\r\n", keys);

        HttpResponse<byte[]> answer = BoundedAnswer.send(http, get(uri), keys.length, Duration.ofSeconds(20));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo(keys);
    }

    /** The request's own timeout (30 s here) would not end it: its headers came at once. */
    @Test
    void headersWhoseBodyStallsFailAtTheDeadline() throws Exception {
        URI uri = serving("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n",
                "{\"keys\":[".getBytes(StandardCharsets.US_ASCII));

        assertThatThrownBy(() -> BoundedAnswer.send(http, get(uri), 4096, Duration.ofSeconds(1)))
                .isInstanceOf(HttpTimeoutException.class)
                .hasMessage(uri + " gave no whole answer within PT1S");
    }

    @Test
    void aBodyPastTheCapFailsWithoutBeingReadWhole() throws Exception {
        byte[] large = new byte[64 * 1024];
        URI uri = serving("HTTP/1.1 200 OK\r\nContent-Length: " + (large.length * 16) + "\r\n\r\n", large);

        assertThatThrownBy(() -> BoundedAnswer.send(http, get(uri), 1024, Duration.ofSeconds(20)))
                .isInstanceOf(BoundedAnswer.TooLargeAnswer.class)
                .hasMessage("an answer of more than 1024 bytes");
    }
}
