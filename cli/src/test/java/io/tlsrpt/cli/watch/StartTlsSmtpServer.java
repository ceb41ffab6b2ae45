package io.tlsrpt.cli.watch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * An SMTP server on 127.0.0.1 (or another loopback address) that speaks as far as a STARTTLS probe goes: the greeting, EHLO (offering STARTTLS
 * or not), STARTTLS and a real TLS handshake with the certificate of {@link #present}, then QUIT.
 */
final class StartTlsSmtpServer implements AutoCloseable {

    private final ServerSocket server;
    private final Thread acceptor;
    private volatile SSLContext tls;
    private volatile boolean offerStartTls = true;
    final AtomicInteger handshakes = new AtomicInteger();
    /** The last session's I/O failure (a probe may hang up first), for a failing test's message. */
    volatile IOException lastError;

    StartTlsSmtpServer(SSLContext tls) throws IOException {
        this(tls, InetAddress.getLoopbackAddress(), 0);
    }

    /** On another loopback address (127.0.0.2, ::1), on the port of a first server: a second address of one MX. */
    StartTlsSmtpServer(SSLContext tls, InetAddress loopback, int port) throws IOException {
        if (!loopback.isLoopbackAddress()) {
            throw new IllegalArgumentException("a test server listens on a loopback address only: " + loopback);
        }
        this.tls = tls;
        server = new ServerSocket();
        server.bind(new InetSocketAddress(loopback, port));
        acceptor = new Thread(this::accept, "smtp-test-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** The certificate (chain) the next handshakes present. */
    void present(SSLContext context) {
        this.tls = context;
    }

    void offerStartTls(boolean offer) {
        this.offerStartTls = offer;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread t = new Thread(() -> serve(client), "smtp-test-session");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;   // closed
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            client.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(),
                StandardCharsets.US_ASCII));
            OutputStream out = client.getOutputStream();
            write(out, "220 mx.test ESMTP ready");
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String command = line.toUpperCase(java.util.Locale.ROOT);
                if (command.startsWith("EHLO")) {
                    write(out, "250-mx.test\r\n250-PIPELINING\r\n" + (offerStartTls ? "250 STARTTLS" : "250 8BITMIME"));
                } else if (command.equals("STARTTLS") && offerStartTls) {
                    write(out, "220 2.0.0 ready to start TLS");
                    try (SSLSocket secured = (SSLSocket) tls.getSocketFactory().createSocket(client, null,
                        client.getPort(), false)) {
                        secured.setUseClientMode(false);
                        secured.startHandshake();
                        handshakes.incrementAndGet();
                        BufferedReader tlsIn = new BufferedReader(new InputStreamReader(secured.getInputStream(),
                            StandardCharsets.US_ASCII));
                        String quit = tlsIn.readLine();
                        if (quit != null) {
                            write(secured.getOutputStream(), "221 bye");
                        }
                    }
                    return;
                } else if (command.equals("QUIT")) {
                    write(out, "221 bye");
                    return;
                } else {
                    write(out, "502 not here");
                }
            }
        } catch (IOException e) {
            lastError = e;
        }
    }

    private static void write(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
