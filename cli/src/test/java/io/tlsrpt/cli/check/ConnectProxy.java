package io.tlsrpt.cli.check;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP CONNECT proxy on 127.0.0.1 that tunnels every target to one local port. It lets the policy fetcher
 * ask for {@code https://mta-sts.<domain>/} (TLS with SNI and host name verification for that name) while the
 * bytes go to the test's HTTPS server, with no change to name resolution.
 */
public final class ConnectProxy implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ConnectProxy.class);

    private final ServerSocket server;
    private final int targetPort;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "connect-proxy");
        t.setDaemon(true);
        return t;
    });
    private final List<String> targets = new CopyOnWriteArrayList<>();
    /** Open tunnel ends, closed on close(): the HTTP client keeps idle connections open for a long time. */
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    public ConnectProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        pool.submit(this::acceptLoop);
    }

    public String hostPort() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** The CONNECT targets asked for, e.g. {@code mta-sts.good.test:443}. */
    public List<String> targets() {
        return List.copyOf(targets);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                pool.submit(() -> tunnel(client));
            } catch (IOException e) {
                if (!server.isClosed()) {
                    throw new IllegalStateException("proxy accept failed", e);
                }
            }
        }
    }

    private void tunnel(Socket client) {
        try (client; Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort)) {
            open.add(client);
            open.add(upstream);
            String head = readHead(client.getInputStream());
            String[] requestLine = head.split("\r\n", 2)[0].split(" ");
            if (requestLine.length < 2 || !requestLine[0].equals("CONNECT")) {
                client.getOutputStream().write("HTTP/1.1 405 Only CONNECT\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            targets.add(requestLine[1]);
            client.getOutputStream().write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();
            pool.submit(() -> pump(client.getInputStream(), upstream.getOutputStream(), upstream));
            pump(upstream.getInputStream(), client.getOutputStream(), client);
        } catch (IOException e) {
            LOG.debug("tunnel ended", e); // a side closed the connection
        }
    }

    private static Void pump(InputStream in, OutputStream out, Socket toShutdown) throws IOException {
        in.transferTo(out);
        if (!toShutdown.isClosed()) {
            toShutdown.shutdownOutput();
        }
        return null;
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4 && head.size() < 8192) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in the request head");
            }
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            // the test is being stopped: leave the flag for its runner
            Thread.currentThread().interrupt();
        }
    }
}
