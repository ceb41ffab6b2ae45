package io.tlsrpt.connect.https;

import io.tlsrpt.testkafka.TestKeystore;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;

/** Hand-made clients that do what real HTTP clients never do: raw TCP, raw TLS records, half-sent requests. */
final class RawClients {
    /** What came back on a raw connection: an HTTP status, or the connection was closed / reset first. */
    record Answer(int status, String head, boolean closed) {
        static Answer closedBeforeStatus() {
            return new Answer(-1, "", true);
        }

        @Override
        public String toString() {
            return closed && status < 0 ? "closed" : Integer.toString(status);
        }
    }

    private final SSLContext clientContext;

    RawClients(Path keystore) throws Exception {
        this.clientContext = TestKeystore.clientTrusting(keystore);
    }

    Socket tcp(int port, int readTimeoutMs) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        s.setSoTimeout(readTimeoutMs);
        return s;
    }

    /** A TLS connection with the handshake done, limited to the given protocol versions. */
    SSLSocket tls(int port, int readTimeoutMs, String... protocols) throws IOException {
        SSLSocket s = (SSLSocket) clientContext.getSocketFactory().createSocket();
        try {
            s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            s.setSoTimeout(readTimeoutMs);
            if (protocols.length > 0) {
                s.setEnabledProtocols(protocols);
            }
            s.startHandshake();
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    HttpClient httpClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(clientContext)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** An honest sender: one POST of a real report on a fresh connection. */
    static HttpResponse<String> post(HttpClient client, URI uri, byte[] report, Duration timeout)
            throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri).timeout(timeout).header("Content-Type", "application/tlsrpt+gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(report)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Reads a response head (status line and headers); a close or reset before the status line counts as closed. */
    static Answer readAnswer(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        try {
            int b;
            while ((b = in.read()) != -1) {
                head.write(b);
                byte[] h = head.toByteArray();
                int n = h.length;
                if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                    break;
                }
            }
        } catch (SocketException | javax.net.ssl.SSLException e) {
            // reset or TLS close by the server: it hung up on us
            return head.size() == 0 ? Answer.closedBeforeStatus() : parse(head, true);
        }
        return head.size() == 0 ? Answer.closedBeforeStatus() : parse(head, false);
    }

    private static Answer parse(ByteArrayOutputStream head, boolean closed) {
        String text = head.toString(StandardCharsets.ISO_8859_1);
        if (!text.startsWith("HTTP/1.") || text.length() < 12) {
            return new Answer(-1, text, true);
        }
        return new Answer(Integer.parseInt(text.substring(9, 12)), text, closed);
    }

    /** Reads until the server closes the connection (or resets it); true if that happened within the read timeout. */
    static boolean closedByServer(Socket s) {
        try {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            while (in.read(buf) != -1) {
                // discard whatever the server says before hanging up
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset: closed as well
        }
    }

    /**
     * A TLS ClientHello offering only the given version (0x0301 TLS 1.0, 0x0302 TLS 1.1, 0x0303 TLS 1.2), built by
     * hand because the JDK's own client refuses to offer TLS 1.0/1.1 (jdk.tls.disabledAlgorithms): the server's
     * refusal must not depend on the client's security settings.
     */
    static byte[] clientHello(int version) {
        ByteArrayOutputStream hello = new ByteArrayOutputStream();
        hello.write(version >> 8);
        hello.write(version & 0xff);
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        hello.writeBytes(random);
        hello.write(0); // no session id
        int[] suites = {0xc02b, 0xc02f, 0xc009, 0xc00a, 0xc013, 0xc014, 0x002f, 0x0035};
        u16(hello, suites.length * 2);
        for (int s : suites) {
            u16(hello, s);
        }
        hello.write(1);
        hello.write(0); // null compression
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        u16(ext, 0x000a); // supported_groups: secp256r1
        u16(ext, 4);
        u16(ext, 2);
        u16(ext, 0x0017);
        u16(ext, 0x000b); // ec_point_formats: uncompressed
        u16(ext, 2);
        ext.write(1);
        ext.write(0);
        u16(ext, 0x000d); // signature_algorithms: ecdsa_secp256r1_sha256, rsa_pkcs1_sha256
        u16(ext, 6);
        u16(ext, 4);
        u16(ext, 0x0403);
        u16(ext, 0x0401);
        u16(hello, ext.size());
        hello.writeBytes(ext.toByteArray());

        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.write(22); // handshake
        u16(record, 0x0301);
        u16(record, hello.size() + 4);
        record.write(1); // client_hello
        record.write(0);
        u16(record, hello.size());
        record.writeBytes(hello.toByteArray());
        return record.toByteArray();
    }

    private static void u16(ByteArrayOutputStream out, int v) {
        out.write((v >> 8) & 0xff);
        out.write(v & 0xff);
    }
}
